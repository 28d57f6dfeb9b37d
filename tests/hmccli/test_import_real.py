"""`hmc-tui import` takes real HMCs' captures as they are (issue 12, items 1-7).

Fixtures in tests/hmccli/captures/:

* power5_published.txt: the published real output of an IBM 9131-52A (POWER5) managed by
  HMC V7R7.9.0 SP3, verbatim (GitHub ziutus/hmc_vios_aix, commit e251d080,
  data/20180603_1656/hmc/192.168.200.34/ and data/20180603_1656/vios/vios1.txt; the
  lssyscfg -r sys record from test/hmc_sys_test.rb of the same commit). Its profile file
  is published in part (no profile of vios1), its fc capture is the HMC's Polish error
  HSCLA4C0, and its VIOS listing comes from another frame.
* power9_scaleout.txt: a POWER9 S924 with IBM i, AIX and Linux partitions and one VIOS
  serving NPIV to all of them, in the record layouts of the published captures: dangling
  server adapters, a client adapter whose VIOS is gone, no sys_time, attributes newer than
  the simulator's, lsmap saved without the VIOS name, no I/O capture.
* power10_two_vios/: a directory capture of an S1014 (9105-41B, not in the catalog) with two
  VIOS whose lsmap outputs were concatenated into one file without a VIOS name, and a file
  named in the admin's flag order.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.errors import HmcError
from engine.model import Frame, ManagedSystem, PhysicalAdapter, VirtualFc, VirtualScsi
from engine.rules import check_frame
from engine.service import Engine
from engine.store import demo_frame, load_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import run_command
from hmc_tui.hmccli.capture import HMC_COMMANDS, VIOS_COMMANDS, capture_script, export
from hmc_tui.hmccli.importer import Imported, import_frame
from hmc_tui.widgets.vios_model import client_ref

CAPTURES = Path(__file__).parent / "captures"
P5 = CAPTURES / "power5_published.txt"
P9 = CAPTURES / "power9_scaleout.txt"
P10 = CAPTURES / "power10_two_vios"
P9_SYS = "P9 Prod & DR (DC-1)"
CATALOG_MODELS = "9009-42A, 9043-MRX, 9080-HEX, 9080-M9S, 9105-22A, 9105-42A"


def run(frame: Frame, line: str) -> str:
    result = run_command(LocalConsole(Engine(frame, mode="stepped")), line)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def exports(frame: Frame, directory: Path) -> dict[str, str]:
    export(LocalConsole(Engine(frame, mode="stepped")), directory)
    return {f.name: f.read_text() for f in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def p9() -> Imported:
    return import_frame(P9)


# ---------------------------------------------------------------- the messy POWER9 frame


def test_power9_imports_with_one_warning_per_thing_not_placed(p9: Imported) -> None:
    src = str(P9)
    assert p9.warnings == [
        "hmc-tui_extras.txt is missing: workloads, bootability, clock, firmware, IBM i "
        "keylock and IPL source, disk ids, adapter kinds and port addresses take defaults",
        f"{src}:2: 3 attributes of lssyscfg_r_sys the simulator does not model were ignored: "
        "is_classic_hmc_mgmt_capable, is_power_enterprise_pool_2_0_capable, "
        "lpar_secure_boot_capable",
        "lslparutil_r_config.txt is missing: utilisation sampled every 30 s",
        f"{src}:4: 3 attributes of lssyscfg_r_lpar the simulator does not model were "
        "ignored: keystore_kbytes, migration_disabled, secure_boot",
        f"{src}:12: 4 attributes of lssyscfg_r_prof the simulator does not model were "
        "ignored: alt_restart_device_slot, console_slot, load_source_slot, "
        "virtual_serial_num",
        "lshwres_r_io_rsubtype_slot.txt is missing: no physical adapters",
        f"{src}:108: virtual target device vtopt0 has no backing device (line not used)",
        "vios1: fcs0 (U78D3.001.WZS01AB-P1-C2-T1) is used by NPIV mappings but is in no I/O "
        "capture: kept as lsmap -npiv names it, its adapter's DRC index, its WWPN and NPIV "
        "capacity unknown",
        "vios1: fcs1 (U78D3.001.WZS01AB-P1-C2-T2) is used by NPIV mappings but is in no I/O "
        "capture: kept as lsmap -npiv names it, its adapter's DRC index, its WWPN and NPIV "
        "capacity unknown",
        "vios1: virtual SCSI server adapter in slot 22 serves partition 9, not on this "
        "frame: kept as it is",
        "vios1: virtual fibre channel server adapter in slot 35 serves partition 12, not on "
        "this frame: kept as it is",
        "aix02: virtual SCSI client adapter in slot 4 not placed: HSCL0A09 The client "
        "adapter in slot 4 of partition aix02 refers to partition 11 slot 5, which has no "
        "matching server adapter.",
        f"{src}:2: attribute sys_time is missing: the model's epoch (01/05/2026 08:00:00) "
        "used",
        f"{src}:10: attribute lpar_env is missing: aixlinux used",
        f"{src}:192: capture lshmc_V not used: not a command the import reads",
    ]
    frame = p9.frame
    check_frame(frame)
    assert [(p.id, p.name, p.env, p.state) for p in frame.partitions] == [
        (1, "vios1", "vioserver", "Running"), (2, "ibmi01", "os400", "Running"),
        (3, "aix01", "aixlinux", "Running"), (4, "aix02", "aixlinux", "Running"),
        (5, "linux01", "aixlinux", "Running"), (6, "linux02", "aixlinux", "Not Activated"),
        (7, "aix03", "aixlinux", "Not Activated")]
    # IBM documents no character set for system and pool names: kept as captured.
    assert frame.system.name == P9_SYS
    pool = frame.pool(1)
    assert pool is not None and pool.name == "AIX Pool (Prod)"


def test_item1_server_adapter_of_a_client_not_on_the_frame_is_kept(p9: Imported) -> None:
    vios = p9.frame.partition("vios1")
    assert vios is not None
    assert vios.adapter(22) == VirtualScsi(slot=22, side="server", remote_lpar_id=9,
                                           remote_slot=2, required=True)
    assert vios.adapter(35) == VirtualFc(slot=35, side="server", remote_lpar_id=12,
                                         remote_slot=3, required=True)
    # Its mapping stays too, and lshwres prints it as the HMC does (no remote name).
    assert any(m.vhost_slot == 22 and m.backing == "hdisk4" for m in vios.vscsi_mappings)
    out = run(p9.frame, f"lshwres -r virtualio --rsubtype scsi --level lpar -m '{P9_SYS}' "
              "--filter lpar_names=vios1 -F slot_num,remote_lpar_id,remote_lpar_name")
    assert sorted(out.splitlines()) == ["20,2,ibmi01", "21,5,linux01", "22,9,"]
    # The console names the client as "partition N, not on this frame".
    assert client_ref(p9.frame, 9, 2) == (
        ("→ ", "dim"), ("partition 9, not on this frame", "name"), (" (id 9) slot 2", "dim"))
    # A client adapter naming a server that is not there stays refused by the rules.
    aix02 = p9.frame.partition("aix02")
    assert aix02 is not None and aix02.adapter(4) is None


def test_item2_npiv_ports_known_only_from_lsmap_are_kept(p9: Imported) -> None:
    [adapter] = p9.frame.io.adapters
    assert (adapter.drc_index, adapter.location, adapter.kind, adapter.owner) == (
        "", "U78D3.001.WZS01AB-P1-C2", "fc", 1)
    assert [(p.name, p.location, p.wwpn, p.unknown) for p in adapter.ports] == [
        ("fcs0", "U78D3.001.WZS01AB-P1-C2-T1", "", ("wwpn", "npiv", "max_npiv")),
        ("fcs1", "U78D3.001.WZS01AB-P1-C2-T2", "", ("wwpn", "npiv", "max_npiv"))]
    vios = p9.frame.partition("vios1")
    assert vios is not None
    assert [(m.vfchost_slot, m.port) for m in vios.npiv_mappings] == [
        (30, "fcs0"), (31, "fcs1"), (32, "fcs0"), (33, "fcs1"), (34, "fcs0"), (35, "fcs1")]
    out = run(p9.frame, f"viosvrcmd -m '{P9_SYS}' -p vios1 -c 'lsmap -all -npiv -fmt :'")
    assert [line.split(":")[6:8] for line in out.splitlines()] == [
        ["fcs0", "U78D3.001.WZS01AB-P1-C2-T1"], ["fcs1", "U78D3.001.WZS01AB-P1-C2-T2"],
        ["fcs0", "U78D3.001.WZS01AB-P1-C2-T1"], ["fcs1", "U78D3.001.WZS01AB-P1-C2-T2"],
        ["fcs0", "U78D3.001.WZS01AB-P1-C2-T1"], ["fcs1", "U78D3.001.WZS01AB-P1-C2-T2"]]
    # Not a slot the HMC listed: lshwres -r io leaves it out.
    assert run(p9.frame, f"lshwres -r io --rsubtype slot -m '{P9_SYS}'") == (
        "No results were found.\n")


def test_item5_a_shut_down_partition_keeps_its_configured_resources(p9: Imported) -> None:
    frame = p9.frame
    linux02, aix03 = frame.partition("linux02"), frame.partition("aix03")
    assert linux02 is not None and aix03 is not None
    assert linux02.current is None and linux02.configured is not None
    c = linux02.configured
    assert (c.min_proc_units, c.desired_proc_units, c.max_proc_units, c.desired_procs,
            c.desired_mem, c.max_mem, c.uncap_weight) == (0.1, 0.4, 2.0, 2, 8192, 16384, 128)
    assert aix03.configured is None  # resource_config=0: its zeros are not resources
    assert aix03.profiles[0].desired_proc_units == 0.2  # the profile's values are kept
    out = run(frame, f"lshwres -r proc --level lpar -m '{P9_SYS}' --filter lpar_names="
              "linux02,aix03 -F lpar_name,curr_proc_units,curr_procs,curr_uncap_weight")
    assert sorted(out.splitlines()) == ["aix03,0.0,0,0", "linux02,0.4,2,128"]
    out = run(frame, f"lshwres -r mem --level lpar -m '{P9_SYS}' --filter lpar_names=linux02 "
              "-F curr_mem")
    assert out == "8192\n"


def test_item6_captured_figures_win_over_the_catalog(p9: Imported) -> None:
    frame = p9.frame
    s = frame.system
    assert (s.max_lpars, s.max_virtual_procs_per_lpar, s.max_procs_per_lpar,
            s.min_proc_units_per_vp) == (480, 64, None, None)  # 20 = configurable, 0.05 = catalog
    assert s.proc_compat_modes == ("default", "POWER7", "POWER8", "POWER9_base", "POWER9")
    assert frame.hardware.max_lpars == 480 and frame.hardware.max_vps_per_lpar == 64
    assert frame.firmware_mem() == 14592  # sys_firmware_mem as captured
    assert run(frame, f"lshwres -r mem --level sys -m '{P9_SYS}' -F sys_firmware_mem,"
               "curr_avail_sys_mem") == "14592,370432\n"
    assert run(frame, f"lshwres -r proc --level sys -m '{P9_SYS}' -F max_procs_per_lpar,"
               "max_virtual_procs_per_lpar") == "20,64\n"
    assert run(frame, "lssyscfg -r sys -F max_lpars") == "480\n"
    out = run(frame, f"lssyscfg -r lpar -m '{P9_SYS}' --filter lpar_names=vios1,aix01,aix02 "
              "-F name,lpar_avail_priority,desired_lpar_proc_compat_mode,"
              "curr_lpar_proc_compat_mode")
    assert sorted(out.splitlines()) == ["aix01,127,POWER8,POWER8", "aix02,127,default,POWER9",
                                        "vios1,191,default,POWER9"]
    # The rules read the frame's figures: 65 virtual processors exceed the captured 64.
    aix01 = frame.partition("aix01")
    assert aix01 is not None
    big = aix01.profiles[0].model_copy(update={"max_procs": 65, "max_proc_units": 6.5})
    with pytest.raises(HmcError, match="max_procs"):
        check_frame(frame.with_partition(aix01.model_copy(update={"profiles": (big,)})))


def test_item6_max_procs_per_lpar_caps_dedicated_cores(p9: Imported) -> None:
    frame = p9.frame
    system = frame.system.model_copy(update={"max_procs_per_lpar": 4})
    aix01 = frame.partition("aix01")
    assert aix01 is not None
    ded = aix01.profiles[0].model_copy(update={
        "proc_mode": "ded", "sharing_mode": "share_idle_procs", "min_proc_units": None,
        "desired_proc_units": None, "max_proc_units": None, "max_procs": 5,
        "shared_proc_pool_id": 0})
    f = frame.model_copy(update={"system": system}).with_partition(
        aix01.model_copy(update={"profiles": (ded,)}))
    with pytest.raises(HmcError, match="max_procs"):
        check_frame(f)
    check_frame(f.with_partition(aix01.model_copy(update={"profiles": (
        ded.model_copy(update={"max_procs": 4}),)})))


@pytest.mark.parametrize("source", [P9, P5, P10], ids=["power9", "power5", "power10"])
def test_export_of_the_twin_and_a_second_import_are_identical(source: Path,
                                                              tmp_path: Path) -> None:
    first = import_frame(source)
    before = exports(first.frame, tmp_path / "one")
    second = import_frame(tmp_path / "one")
    assert second.frame == first.frame
    assert exports(second.frame, tmp_path / "two") == before
    # The second import only repeats what no listing can settle.
    assert all("not on this frame" in w or "no I/O capture" in w or "not in the hardware "
               "catalog" in w for w in second.warnings), second.warnings


# ---------------------------------------------------------------- published POWER5 output


def test_power5_published_output_imports() -> None:
    imported = import_frame(P5)
    src = str(P5)
    frame = imported.frame
    check_frame(frame)
    # Figures as published (9131-52A-6535CCG_*.txt): an unknown model with its own limits.
    s = frame.system
    assert (s.name, s.mtm, s.serial, s.installed_procs, s.configurable_mem,
            s.mem_region_size, s.max_lpars, s.max_virtual_procs_per_lpar,
            s.min_proc_units_per_vp) == ("9131-52A-6535CCG", "9131-52A", "6535CCG", 2, 32768,
                                         128, 20, 64, 0.1)
    assert s.epoch.isoformat() == "2017-10-14T19:45:21"
    assert [(p.id, p.name, p.state) for p in frame.partitions] == [
        (1, "dump", "Not Activated"), (2, "vios1", "Running"), (3, "vios2", "Running"),
        (5, "nim1", "Running")]
    nim1 = frame.partition("nim1")
    assert nim1 is not None and nim1.current is not None
    assert (nim1.current.desired_proc_units, nim1.current.desired_mem,
            nim1.current.uncap_weight) == (0.3, 6144, 0)
    dump = frame.partition("dump")
    assert dump is not None and dump.configured is None  # resource_config=0, zeros
    assert dump.profiles[0].desired_mem == 3200 and dump.profiles[0].boot_mode == "sms"
    assert [a.drc_index for a in frame.io.adapters] == ["21010003", "21050003"]
    assert [w for w in imported.warnings if "HSCLA4C0" in w or "vios1" in w
            or "not used" in w or "sys_firmware_mem" in w] == [
        f"{src}:51: the HMC answered with an error instead of a listing: HSCLA4C0 System "
        "zarządzany nie obsługuje wirtualnego kanału światłowodowego. (line not used)",
        f"{src}:67: vhost0 not used: partition 1 is not a VIOS in lssyscfg_r_lpar",
        *(f"{src}:{n}: vfchost{k} not used: partition 1 is not a VIOS in lssyscfg_r_lpar"
          for k, n in enumerate(range(87, 93))),
        f"{src}:6: partition vios1 has no profile in lssyscfg_r_prof: profile normal made "
        "from its current resources",
        "sys_firmware_mem 640 MB is less than the page tables of the running partitions "
        "(768 MB): hypervisor base memory 0 used",
        f"{src}:40: capture lshwres_r_virtualio_rsubtype_serial_level_lpar not used: not a "
        "command the import reads",
        f"{src}:55: capture lssysconn_r_all not used: not a command the import reads",
        f"{src}:57: capture lshmc_V not used: not a command the import reads",
    ]
    assert (f"{src}:2: machine type-model 9131-52A is not in the hardware catalog: imported "
            f"with the captured figures and generic limits (known models: {CATALOG_MODELS})"
            in imported.warnings)


# ---------------------------------------------------------------- item 4: lsmap by location


def test_item4_concatenated_lsmap_goes_to_the_vios_its_location_code_names() -> None:
    imported = import_frame(P10)
    frame, demo = imported.frame, demo_frame()
    for name in ("vios1", "vios2"):
        got, want = frame.partition(name), demo.partition(name)
        assert got is not None and want is not None
        assert got.vscsi_mappings == want.vscsi_mappings
        assert got.npiv_mappings == want.npiv_mappings
    assert [len(p.vscsi_mappings) for p in frame.partitions[:2]] == [8, 7]
    # An unknown model: generic limits, the generation from the captured compat modes.
    assert frame.system.mtm == "9105-41B" and frame.hardware.generation == "Power10"
    assert imported.warnings == [
        "hmc-tui_extras.txt is missing: workloads, bootability, clock, firmware, IBM i "
        "keylock and IPL source, disk ids, adapter kinds and port addresses take defaults",
        "lslparutil_r_config.txt is missing: utilisation sampled every 30 s",
        f"{P10}/lssyscfg_r_sys.txt:1: machine type-model 9105-41B is not in the hardware "
        f"catalog: imported with the captured figures and generic limits (known models: "
        f"{CATALOG_MODELS})",
        f"{P10}/lssyscfg_r_sys.txt:1: attribute sys_time is missing: the model's epoch "
        "(01/05/2026 08:00:00) used",
    ]


def test_item4_a_block_of_an_unknown_vios_and_repeated_sections(tmp_path: Path) -> None:
    text = P9.read_text()
    npiv = text[text.index("### lsmap -all -npiv"):text.index("### viosvrcmd")]
    # The same section twice (two VIOS saved without their names): read by location code;
    # a block naming partition 3 (no VIOS) is named and left out.
    extra = npiv.replace("U9009.42A.7812ABC-V1-C30", "U9009.42A.7812ABC-V3-C30")
    single = tmp_path / "c.txt"
    single.write_text(text + "\n" + extra)
    imported = import_frame(single)
    line = 1 + (text + "\n" + extra).splitlines().index(
        "vfchost0      U9009.42A.7812ABC-V3-C30                 2 ibmi01         IBM i")
    assert f"{single}:{line}: vfchost0 not used: partition 3 is not a VIOS in " \
           "lssyscfg_r_lpar" in imported.warnings
    assert imported.frame == import_frame(P9).frame


# ---------------------------------------------------------------- item 3: attributes


def test_item3_missing_and_unknown_attributes(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    export(LocalConsole(Engine(demo_frame(), mode="stepped")), directory)
    sys_file = directory / "lssyscfg_r_sys.txt"
    record = sys_file.read_text().strip()
    kept = [f for f in record.split(",") if not f.startswith(("sys_time=", "state=",
                                                              "max_lpars="))]
    sys_file.write_text(",".join([*kept, "hmc_future_attr=1"]) + "\n")
    imported = import_frame(directory)
    assert imported.frame.system.state == "Operating"
    assert imported.frame.system.epoch == ManagedSystem.model_fields["epoch"].default
    assert imported.frame.system.max_lpars is None  # the catalog's
    assert imported.warnings == [
        f"{sys_file}:1: 1 attributes of lssyscfg_r_sys the simulator does not model were "
        "ignored: hmc_future_attr",
        f"{sys_file}:1: attribute state is missing: Operating used",
    ]  # sys_time is not needed: the extras carry the epoch


# ---------------------------------------------------------------- item 7: the capture script


def test_item7_script_subcommand_prints_one_ssh_command(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    from test_capture import cli

    assert cli("import", "--script", "--system", "Server-8286-42A-SN21A2B3C",
               "--target", "hscroot@hmc01") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("ssh hscroot@hmc01 '")
    assert out.endswith("' > hmc-capture.txt\n")
    words = shlex.split(out)
    assert words[:2] == ["ssh", "hscroot@hmc01"] and words[3:] == [">", "hmc-capture.txt"]
    assert cli("import") == 2


def test_item7_script_runs_in_bash_and_its_capture_imports(tmp_path: Path) -> None:
    """Run the remote part in bash with the HMC commands answering from the demo frame.

    The HMC commands are shell functions that print a marker with their words; the markers
    are replaced by the simulator's output afterwards (one Python process, not one per
    command). The two listings the script reads in `$(...)` are answered in bash.
    """
    frame = demo_frame()
    console = LocalConsole(Engine(frame, mode="stepped"))
    system = frame.system.name
    words = shlex.split(capture_script(system))
    remote = words[2]
    lpars = run_command(console, f"lssyscfg -r lpar -m {system} -F name,lpar_env").stdout
    seas = {v: run_command(console, f"viosvrcmd -m {system} -p {v} -c "
                           "'lsdev -type sea -field name -fmt :'").stdout
            for v in ("vios1", "vios2")}
    functions = (
        'mark() { printf "@@CMD"; printf " %q" "$@"; printf "\\n"; }\n'
        'lssyscfg() { if [ "$*" = "-r lpar -m $S -F name,lpar_env" ]; then '
        'printf "%s" "$LPARS"; else mark lssyscfg "$@"; fi; }\n'
        'lshwres() { mark lshwres "$@"; }\n'
        'lsrefcode() { mark lsrefcode "$@"; }\n'
        'lslparutil() { mark lslparutil "$@"; }\n'
        'viosvrcmd() { if [ "$6" = "lsdev -type sea -field name -fmt :" ]; then '
        'eval "printf %s \\"\\$SEAS_$4\\""; else mark viosvrcmd "$@"; fi; }\n')
    env = {"PATH": os.environ["PATH"], "LPARS": lpars,
           **{f"SEAS_{v}": text for v, text in seas.items()}}
    done = subprocess.run(["bash", "-c", functions + remote], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    lines: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith("@@CMD "):
            result = run_command(console, shlex.join(shlex.split(line[6:])))
            lines.extend((result.stdout + result.stderr).splitlines())
        else:
            lines.append(line)
    headers = [line for line in lines if line.startswith("### ")]
    assert len(headers) == len(HMC_COMMANDS) + 2 * (len(VIOS_COMMANDS) + 1)
    capture = tmp_path / "hmc-capture.txt"
    capture.write_text("\n".join(lines) + "\n")
    imported = import_frame(capture)
    # What a real HMC's listings hold, with no hmc-tui extras: the same as our own export
    # read without its extras file.
    directory = tmp_path / "export"
    export(console, directory)
    (directory / "hmc-tui_extras.txt").unlink()
    assert imported.frame == import_frame(directory).frame
    assert imported.warnings == [
        "hmc-tui_extras.txt is missing: workloads, bootability, clock, firmware, IBM i "
        "keylock and IPL source, disk ids, adapter kinds and port addresses take defaults"]


def test_imported_twin_saves_and_loads(p9: Imported, tmp_path: Path) -> None:
    from engine.store import save_frame

    save_frame(p9.frame, tmp_path / "twin.toml")
    assert load_frame(tmp_path / "twin.toml") == p9.frame
    assert isinstance(p9.frame.io.adapters[0], PhysicalAdapter)


# ---------------------------------------------------------------- property: never a refusal

_P9_LINES = P9.read_text().splitlines()
# The record after the lssyscfg -r sys and lshwres -r proc|mem --level sys headers
_REQUIRED_RECORDS = {i + 2 for i, line in enumerate(_P9_LINES) if line in (
    "### lssyscfg -r sys", f'### lshwres -r proc -m "{P9_SYS}" --level sys',
    f'### lshwres -r mem -m "{P9_SYS}" --level sys')}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, len(_P9_LINES) - 1),
       text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_line_replaced_by_garbage_is_a_warning(index: int, text: str,
                                                   tmp_path: Path) -> None:
    """A messy line anywhere but the required system records and the section headers is
    never a refusal: the import warns and places everything else."""
    assume(index + 1 not in _REQUIRED_RECORDS and not _P9_LINES[index].startswith("###"))
    assume(not text.startswith("#"))
    assert len(_REQUIRED_RECORDS) == 3
    lines = list(_P9_LINES)
    lines[index] = text
    path = tmp_path / f"c{index}.txt"
    path.write_text("\n".join(lines) + "\n")
    imported = import_frame(path)
    check_frame(imported.frame)
