"""Export then import gives the same frame; bad captures are reported by file and line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from hmccli_support import SYS

from engine.model import Frame, VirtualEth, Workload
from engine.service import Engine
from engine.store import demo_frame, demo_hmc, load_frame, load_hmc, save_frame, save_hmc
from hmc_tui.cli import FRAME_OPTION, SubcommandParser
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.capture import HMC_COMMANDS, capture_key, export
from hmc_tui.hmccli.capture_parse import CaptureError
from hmc_tui.hmccli.entry import add_subcommands
from hmc_tui.hmccli.importer import import_frame


def exported(console, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    directory = tmp_path / "captures"
    export(console, directory)
    return directory


def test_export_then_import_gives_the_identical_frame(console, tmp_path) -> None:  # type: ignore
    directory = exported(console, tmp_path)
    for key in ("lssyscfg_r_sys", "lssyscfg_r_lpar", "lssyscfg_r_prof",
                "lshwres_r_proc_level_sys", "lshwres_r_mem_level_sys",
                "lshwres_r_proc_level_lpar", "lshwres_r_mem_level_lpar",
                "lshwres_r_proc_level_pool", "lshwres_r_virtualio_rsubtype_scsi_level_lpar",
                "lshwres_r_virtualio_rsubtype_fc_level_lpar",
                "lshwres_r_virtualio_rsubtype_eth_level_lpar", "lsmap_all_vios1",
                "lsmap_all_npiv_vios2", "lshwres_r_io_rsubtype_slot", "lspv_size_vios1"):
        assert (directory / f"{key}.txt").exists(), key
    imported = import_frame(directory)
    assert imported.warnings == []
    assert imported.frame == demo_frame()


def test_round_trip_after_changes_and_time(console, tmp_path) -> None:  # type: ignore
    for line in (f"chsysstate -m {SYS} -r lpar -o on -n dev02",
                 f"chhwres -m {SYS} -r virtualio --rsubtype eth -o a -p sandbox01 -s 5 "
                 "-a port_vlan_id=30",
                 f"chhwres -m {SYS} -r procpool -o s --poolid 3 -a max_pool_proc_units=2",
                 f"chsyscfg -r prof -m {SYS} -i 'name=normal,lpar_name=nim01,auto_start=1'"):
        assert run_command(console, line).exit_code == 0, line
    console.step(90)
    # Reference code history is the console's log (lsrefcode -n), not in the captures.
    frame = console.snapshot().frame
    frame = frame.model_copy(update={"partitions": tuple(
        p.model_copy(update={"refcode_history": ()}) for p in frame.partitions)})
    imported = import_frame(exported(console, tmp_path)).frame
    # The HMC lists adapters by slot, so that is the order they come back in.
    sandbox = frame.partition("sandbox01")
    assert [a.slot for a in sandbox.adapters] == [2, 10, 5]
    by_slot = sandbox.model_copy(update={"adapters": tuple(sorted(sandbox.adapters,
                                                                  key=lambda a: a.slot))})
    assert imported == frame.with_partition(by_slot)


def without_extras(frame: Frame) -> Frame:
    """The frame as captures without hmc-tui_extras.txt describe it (importer docstring)."""
    parts = [p.model_copy(update={
        "workload": Workload(kind="vios" if p.is_vios else "steady"), "bootable": True,
        "profiles": tuple(q.model_copy(update={"keylock": "norm", "ipl_source": "a"})
                          for q in p.profiles)})
        for p in frame.partitions]
    adapters = tuple(a.model_copy(update={"ports": tuple(
        port.model_copy(update={"wwpn": "", "mac": ""}) for port in a.ports)})
        for a in frame.io.adapters)
    disks = tuple(d.model_copy(update={"unique_id": ""}) for d in frame.io.disks)
    system = frame.system.model_copy(update={"firmware": ""})
    return frame.model_copy(update={
        "partitions": tuple(parts), "system": system,
        "io": frame.io.model_copy(update={"adapters": adapters, "disks": disks})})


def test_without_the_extras_file_only_the_documented_values_differ(console, tmp_path) -> None:  # type: ignore
    directory = exported(console, tmp_path)
    (directory / "hmc-tui_extras.txt").unlink()
    imported = import_frame(directory)
    assert len(imported.warnings) == 1 and "hmc-tui_extras.txt" in imported.warnings[0]
    assert imported.frame == without_extras(demo_frame())


def test_missing_optional_captures_are_warnings(console, tmp_path) -> None:  # type: ignore
    directory = exported(console, tmp_path)
    for key in ("lsrefcode_r_lpar", "lshwres_r_virtualio_rsubtype_scsi_level_lpar",
                "lshwres_r_mem_level_lpar", "lsdev_dev_ent8_attr_vios2"):
        (directory / f"{key}.txt").unlink()
    imported = import_frame(directory)
    assert len(imported.warnings) == 4
    frame = demo_frame()
    # Adapters come from the profiles, memory from the current profile, the SEA of vios2
    # from lsmap -net: all the same here; only the control channel is not known.
    sea = imported.frame.partition("vios2").seas[0]
    assert (sea.trunk_slots, sea.ctl_chan_slot, sea.ha_mode) == ((2,), None, "auto")
    assert imported.frame.partition("oradb01") == frame.partition("oradb01")


def test_one_sectioned_file(console, tmp_path) -> None:  # type: ignore[no-untyped-def]
    directory = exported(console, tmp_path)
    commands = [c.format(sys=SYS) for c in HMC_COMMANDS]
    sections = [f"### {c}\n{(directory / f'{capture_key(c)}.txt').read_text()}"
                for c in commands]
    for file in sorted(directory.glob("*_vios[12].txt")):
        vios = file.stem.rsplit("_", 1)[1]
        inner = file.stem.rsplit("_", 1)[0].split("_")
        command = " ".join([inner[0], *(f"-{w}" if w in ("r", "all", "npiv", "net", "size",
                                                         "type", "dev", "attr") else w
                                        for w in inner[1:])])
        assert capture_key(f"viosvrcmd -m {SYS} -p {vios} -c '{command}'") == file.stem
        sections.append(f"###command:viosvrcmd -m {SYS} -p {vios} -c \"{command}\"###\n"
                        f"{file.read_text()}")
    sections.append(f"### hmc-tui_extras\n{(directory / 'hmc-tui_extras.txt').read_text()}")
    single = tmp_path / "hmc.txt"
    single.write_text("".join(sections))
    assert import_frame(single).frame == demo_frame()


@pytest.mark.parametrize(("key", "line", "text", "reason"), [
    ("lssyscfg_r_lpar", 3, "name=x,lpar_id=oops,lpar_env=aixlinux,state=Running,"
     "default_profile=p", "lpar_id is not a number"),
    ("lssyscfg_r_lpar", 2, "this is not a record", "not an attribute=value pair"),
    ("lshwres_r_virtualio_rsubtype_eth_level_lpar", 1, "lpar_id=3,slot_num=2",
     "attribute port_vlan_id is missing"),
    ("lsmap_all_vios1", 5, "Something odd", "unexpected line in lsmap output"),
    ("lssyscfg_r_prof", 4, "name=p,lpar_id=3,min_mem=x", "min_mem is not a number"),
])
def test_a_bad_line_names_file_and_line(console, tmp_path, key, line, text, reason) -> None:  # type: ignore
    # Real captures are messy: a bad line is a warning naming file and line, never a refusal.
    directory = exported(console, tmp_path)
    path = directory / f"{key}.txt"
    lines = path.read_text().splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n")
    warnings = import_frame(directory).warnings
    assert any(w.startswith(f"{path}:{line}: {reason}") for w in warnings), warnings


def test_required_capture_and_unknown_model(console, tmp_path) -> None:  # type: ignore
    directory = exported(console, tmp_path)
    sys_file = directory / "lssyscfg_r_sys.txt"
    sys_file.write_text(sys_file.read_text().replace("9080-HEX", "9119-FHB"))
    imported = import_frame(directory)  # the catalog gives defaults, it is not a gate
    assert imported.frame.system.mtm == "9119-FHB"
    assert [w for w in imported.warnings if "9119-FHB" in w] == [
        f"{sys_file}:1: machine type-model 9119-FHB is not in the hardware catalog: imported "
        "with the captured figures and generic limits (known models: 9009-42A, 9043-MRX, "
        "9080-HEX, 9080-M9S, 9105-22A, 9105-42A)"]
    sys_file.unlink()
    with pytest.raises(CaptureError, match=r"lssyscfg_r_sys\.txt is missing"):
        import_frame(directory)


def test_a_frame_breaking_a_rule_is_refused(console, tmp_path) -> None:  # type: ignore
    directory = exported(console, tmp_path)
    path = directory / "lshwres_r_mem_level_lpar.txt"
    path.write_text(path.read_text().replace("curr_mem=262144", "curr_mem=262145"))
    with pytest.raises(CaptureError, match="breaks a rule at partitions"):
        import_frame(directory)


# ---------------------------------------------------------------- the subcommands


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hmc-tui", parents=[FRAME_OPTION])
    add_subcommands(parser.add_subparsers(parser_class=SubcommandParser))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_cmd_saves_only_when_something_changed(tmp_path, capsys) -> None:  # type: ignore
    frame_file = tmp_path / "frame.toml"
    save_frame(demo_frame(), frame_file)
    before = frame_file.read_bytes()
    assert cli("--frame", str(frame_file), "cmd", f"lssyscfg -r lpar -m {SYS} -F name "
               "--filter lpar_ids=1") == 0
    assert capsys.readouterr().out == "vios1\n"
    assert frame_file.read_bytes() == before
    assert cli("--frame", str(frame_file), "cmd", "chsysstate", "-m", SYS, "-r", "lpar",
               "-o", "on", "-n", "dev02") == 0
    saved = load_frame(frame_file)
    assert saved.partition("dev02").state == "Starting"  # an engine finishes it on load
    assert Engine(saved).snapshot().frame.partition("dev02").state == "Running"
    assert cli("--frame", str(frame_file), "cmd", "lssyscfg -r lpar -m nosuch") == 1
    assert capsys.readouterr().err.startswith("HSCL8014 ")


def test_frame_option_after_the_subcommand(tmp_path, capsys) -> None:  # type: ignore
    frame_file = tmp_path / "frame.toml"
    save_frame(demo_frame(), frame_file)
    assert cli("cmd", "--frame", str(frame_file), "lssyscfg", "-r", "sys", "-F", "state") == 0
    assert capsys.readouterr().out == "Operating\n"


def test_cmd_uses_the_users_frame(tmp_path, monkeypatch, capsys) -> None:  # type: ignore
    monkeypatch.setenv("HMC_TUI_DATA_DIR", str(tmp_path / "data"))
    assert cli("cmd", "lssyscfg -r sys -F name") == 0  # a first start: the two-system demo
    assert capsys.readouterr().out == f"{SYS}\nServer-9043-MRX-SN78K3D05\n"
    assert (tmp_path / "data" / "frame.toml").exists()


def test_export_and_import_subcommands(tmp_path, capsys) -> None:  # type: ignore
    frame_file = tmp_path / "frame.toml"
    save_frame(demo_frame(), frame_file)
    assert cli("--frame", str(frame_file), "export", str(tmp_path / "out")) == 0
    out = tmp_path / "twin.toml"
    assert cli("import", str(tmp_path / "out"), "-o", str(out)) == 0
    assert load_frame(out) == demo_frame()
    assert cli("import", str(tmp_path / "out"), "-o", str(out)) == 2  # exists, no --force
    bad = tmp_path / "out" / "lssyscfg_r_lpar.txt"
    bad.write_text(bad.read_text() + "garbage\n")
    other = tmp_path / "other.toml"
    assert cli("import", str(tmp_path / "out"), "-o", str(other)) == 0  # warned, not refused
    assert (f"hmc-tui import: warning: {bad}:12: not an attribute=value pair"
            in capsys.readouterr().err)
    assert load_frame(other) == demo_frame()
    (tmp_path / "out" / "lssyscfg_r_sys.txt").write_text("not a capture\n")
    third = tmp_path / "third.toml"
    assert cli("import", str(tmp_path / "out"), "-o", str(third)) == 2
    assert "lssyscfg_r_sys.txt has no record" in capsys.readouterr().err
    assert not third.exists()


def test_imported_frame_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(demo_frame(), mode="stepped")
    export(LocalConsole(engine), tmp_path / "c")
    twin = LocalConsole(Engine(import_frame(tmp_path / "c").frame, mode="stepped"))
    assert run_command(twin, f"chsysstate -m {SYS} -r lpar -o on -n dev02").exit_code == 0
    assert isinstance(twin.snapshot().frame.partition("vios1").adapter(2), VirtualEth)


def test_several_systems_export_one_directory_each_and_import_into_one_file(
        tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    frame_file = tmp_path / "frame.toml"
    save_hmc(demo_hmc(), frame_file)
    dr = "Server-9043-MRX-SN78K3D05"
    assert cli("--frame", str(frame_file), "export", str(tmp_path / "out")) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'out' / SYS}: 33 capture files", f"{tmp_path / 'out' / dr}: 33 capture files"]
    out = tmp_path / "both.toml"
    assert cli("import", str(tmp_path / "out" / SYS), str(tmp_path / "out" / dr),
               "-o", str(out)) == 0
    assert load_hmc(out) == demo_hmc()
    # one system by MTMS; the same capture twice is two systems with one name
    assert cli("--frame", str(frame_file), "export", str(tmp_path / "dr"),
               "-m", "9043-MRX*78K3D05") == 0
    assert import_frame(tmp_path / "dr").frame == demo_hmc().systems[1]
    again = tmp_path / "again.toml"
    assert cli("import", str(tmp_path / "dr"), str(tmp_path / "dr"), "-o", str(again)) == 2
    assert capsys.readouterr().err.endswith(
        f"hmc-tui import: HSCL1301 The managed system name {dr} is already used by another "
        "managed system of this HMC.\n")
    assert not again.exists()
    assert cli("--frame", str(frame_file), "export", str(tmp_path / "x"), "-m", "nosuch") == 2
    assert capsys.readouterr().err == (
        "hmc-tui export: HSCL8014 The managed system nosuch was not found.\n")
