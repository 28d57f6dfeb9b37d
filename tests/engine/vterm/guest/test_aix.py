"""AIX inside a partition, through the engine's terminal hub in lockstep: boot messages,
login without echo, the shell with pipelines, live lparstat figures, shutdown."""

from __future__ import annotations

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from engine.service import Engine
from tests.engine.vterm.helpers import Screen, open_screen, stopped_engine


def type_line(engine: Engine, handle: object, screen: Screen, line: str) -> str:
    handle.send(line + "\r")  # type: ignore[attr-defined]
    engine.step(0)
    return screen.take()


def logged_in(frame: Frame) -> tuple[Engine, object, Screen]:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    assert screen.take().endswith("Console login: ")  # the OS is up: straight to login
    type_line(engine, handle, screen, "root")
    out = type_line(engine, handle, screen, "root")
    assert out.endswith("# ")
    return engine, handle, screen


def test_boot_messages_then_login_prompt(frame: Frame) -> None:
    engine = stopped_engine(frame)
    _, screen = open_screen(engine, "lpar1")
    assert engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor()).ok
    engine.step(13)  # CA00E105 at 12 s: the firmware hands over to AIX
    text = screen.take()
    assert "Welcome to AIX." in text
    assert "processor count: 8;  memory size: 4096MB" in text  # 2 VPs x SMT4, 4 GB
    assert "boot device: /vdevice/v-scsi@30000002/disk@8100000000000000:2" in text
    assert "login:" not in text
    engine.step(17)  # 30 s: multi-user start, not yet up (the code clears at 38 s)
    text = screen.take()
    assert "Starting Multi-user Initialization" in text and "login" not in text
    engine.step(9)
    text = screen.take()
    assert text.endswith("AIX Version 7\r\nCopyright IBM Corporation, 1982, 2023.\r\n"
                         "Console login: ")


def test_password_is_not_echoed_and_a_wrong_one_is_refused(frame: Frame) -> None:
    engine = Engine(frame)
    handle, screen = open_screen(engine, "lpar1")
    screen.take()
    assert type_line(engine, handle, screen, "root") == "root\r\nroot's Password: "
    out = type_line(engine, handle, screen, "secret")
    assert "secret" not in out
    assert out == "\r\n3004-007 You entered an invalid login name or password.\r\n" \
                  "Console login: "
    type_line(engine, handle, screen, "root")
    out = type_line(engine, handle, screen, "root")
    assert "Welcome to AIX Version 7.3!" in out and out.endswith("# ")


def test_lparstat_i_shows_the_partition_and_follows_a_dlpar(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "lparstat -i")
    lines = out.split("\r\n")
    assert lines[1] == "Node Name                                  : lpar1"
    assert "Partition Number                           : 3" in lines
    assert "Type                                       : Shared-SMT-4" in lines
    assert "Mode                                       : Uncapped" in lines
    assert "Entitled Capacity                          : 0.50" in lines
    assert "Partition Group-ID                         : 32771" in lines
    assert "Shared Pool ID                             : 1" in lines
    assert "Online Virtual CPUs                        : 2" in lines
    assert "Online Memory                              : 4096 MB" in lines
    assert "Variable Capacity Weight                   : 128" in lines
    assert "Physical CPU Percentage                    : 25.00%" in lines
    assert len([x for x in lines if " : " in x or ": " in x]) == 44
    assert engine.execute(ops.ChangeProcessors(lpar="lpar1", action="add", proc_units=0.25,
                                                  procs=1),
                          Actor()).ok
    engine.step(5)
    out = type_line(engine, handle, screen, "lparstat -i | grep -E 'Entitled Capacity |Online "
                    "Virtual'")
    assert out.split("\r\n")[1:3] == [
        "Entitled Capacity                          : 0.75",
        "Online Virtual CPUs                        : 3"]


def test_pipelines_and_not_found(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    assert type_line(engine, handle, screen, "lparstat -i | wc -l") == \
        "lparstat -i | wc -l\r\n44\r\n# "
    assert type_line(engine, handle, screen, "lspath") == \
        "lspath\r\nEnabled hdisk0 vscsi0\r\nEnabled hdisk0 vscsi1\r\n# "
    assert type_line(engine, handle, screen, "foo") == "foo\r\nksh: foo:  not found.\r\n# "
    # the machine id: serial 78ABC12's last six digits, partition id 3
    assert type_line(engine, handle, screen, "uname -a") == \
        "uname -a\r\nAIX lpar1 3 7 8ABC12034C00\r\n# "
    out = type_line(engine, handle, screen, "oslevel -s")
    assert out == "oslevel -s\r\n7300-02-01-2346\r\n# "
    out = type_line(engine, handle, screen, "hostname; date +%Y-%m-%d")
    assert out == "hostname; date +%Y-%m-%d\r\nlpar1\r\n2026-01-05\r\n# "


def test_lparstat_interval_prints_live_lines_from_the_dispatcher(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "lparstat 1 5")
    assert out.split("\r\n")[2] == ("System configuration: type=Shared mode=Uncapped smt=4 "
                                    "lcpu=8 mem=4096MB psize=8 ent=0.50")  # SharedPool01: max 8
    assert not out.endswith("# ")  # the report runs on: one line a second
    engine.step(2)
    two = screen.take().split("\r\n")
    assert len([x for x in two if x]) == 2
    physc = engine.snapshot().physc[3]
    fields = two[-2].split()
    assert float(fields[4]) == round(physc, 2) or abs(float(fields[4]) - physc) < 0.2
    assert float(fields[5]) == round(float(fields[4]) / 0.50 * 100, 1) or \
        abs(float(fields[5]) - float(fields[4]) / 0.5 * 100) < 1.0
    engine.step(3)
    assert screen.take().endswith("# ")  # five lines, then the prompt


def test_ctrl_c_stops_a_live_report(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    type_line(engine, handle, screen, "lparstat 2")
    handle.send("\x03")  # type: ignore[attr-defined]
    engine.step(0)
    assert screen.take() == "^C\r\n# "
    engine.step(5)
    assert screen.take() == ""


def test_shutdown_f_ends_not_activated_journaled_as_the_os(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "shutdown -F")
    assert "SHUTDOWN PROGRAM" in out and out.endswith("....Halt completed....\r\n")
    assert engine.snapshot().frame.partition("lpar1").state == "Shutting Down"  # type: ignore[union-attr]
    engine.step(15)
    assert engine.snapshot().frame.partition("lpar1").state == "Not Activated"  # type: ignore[union-attr]
    event = [e for e in engine.snapshot().events if e.target == "lpar1" and e.op != "state"][-1]
    assert (event.user, event.ok) == ("lpar1 (OS)", True)  # its own OS (roles.os_actor)


def test_shutdown_fr_restarts(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "shutdown -Fr")
    assert out.endswith("Rebooting . . .\r\n")
    engine.step(15)
    assert engine.snapshot().frame.partition("lpar1").state in ("Starting", "Running")  # type: ignore[union-attr]


def test_devices_follow_the_vios_mappings(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "lsdev -Cc disk")
    assert out == "lsdev -Cc disk\r\nhdisk0 Available  Virtual SCSI Disk Drive\r\n# "
    out = type_line(engine, handle, screen, "lsdev -Cc adapter")
    assert out.split("\r\n")[1:-1] == [
        "ent0   Available  Virtual I/O Ethernet Adapter (l-lan)",
        "fcs0   Available  Virtual Fibre Channel Client Adapter",
        "fcs1   Available  Virtual Fibre Channel Client Adapter",
        "vsa0   Available  LPAR Virtual Serial Adapter",
        "vscsi0 Available  Virtual SCSI Client Adapter",
        "vscsi1 Available  Virtual SCSI Client Adapter"]
    out = type_line(engine, handle, screen, "lscfg -l hdisk0")
    assert "U9080.HEX.78ABC12-V3-C2-T1-L8100000000000000" in out
    out = type_line(engine, handle, screen, "prtconf | head -3")
    assert out.split("\r\n")[1:4] == ["System Model: IBM,9080-HEX",
                                      "Machine Serial Number: 78ABC12",
                                      "Processor Type: PowerPC_POWER10"]


def test_a_shutdown_from_the_hmc_prints_the_os_lines(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    assert engine.execute(ops.ShutdownPartition(lpar="lpar1", option="delayed"), Actor()).ok
    engine.step(0)
    out = screen.take()
    assert "SHUTDOWN PROGRAM" in out and out.endswith("....Halt completed....\r\n")
    handle.send("ls\r")  # type: ignore[attr-defined]
    engine.step(0)
    assert screen.take() == ""  # going down: the console no longer reads keys


def test_bad_input_never_breaks_the_shell(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    handle.send("\x1b[A\x1b[15~\x00\x01\x02\udcff\x7f" + "x" * 3000 + "\r")  # type: ignore[attr-defined]
    engine.step(0)
    out = screen.take()
    assert out.endswith("ksh: " + "x" * 1024 + ":  not found.\r\n# ")  # the line is capped
    assert type_line(engine, handle, screen, "echo 'unterminated") .endswith("# ")
    assert type_line(engine, handle, screen, "hostname") == "hostname\r\nlpar1\r\n# "


def test_the_shell_speaks_as_ksh(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    assert type_line(engine, handle, screen, "cd /tmp; pwd") == "cd /tmp; pwd\r\n/tmp\r\n# "
    assert type_line(engine, handle, screen, "echo 'x") == \
        "echo 'x\r\nksh: unexpected EOF while looking for matching `''\r\n# "
    assert type_line(engine, handle, screen, "exit").endswith("\r\nConsole login: ")


def test_lspath_shows_the_paths_through_a_stopped_vios_failed(frame: Frame) -> None:
    """Path states come from engine.redundancy (docs/powervm-rules.md section 13)."""
    engine, handle, screen = logged_in(frame)
    assert engine.execute(ops.ShutdownPartition(lpar="vios1", option="immediate"),
                          Actor()).ok
    engine.step(3)
    assert type_line(engine, handle, screen, "lspath -l hdisk0") == \
        "lspath -l hdisk0\r\nFailed hdisk0 vscsi0\r\nEnabled hdisk0 vscsi1\r\n# "


def only_through_vios1(frame: Frame) -> Frame:
    """lpar1 with its vSCSI disk through vios1 alone (its vscsi1 adapter to vios2, and the
    vhost and mapping behind it, removed)."""
    vios2, lpar = frame.partition("vios2"), frame.partition("lpar1")
    assert vios2 is not None and lpar is not None
    frame = frame.with_partition(vios2.model_copy(update={
        "adapters": tuple(a for a in vios2.adapters if a.slot != 11), "vscsi_mappings": ()}))
    return frame.with_partition(lpar.model_copy(update={
        "adapters": tuple(a for a in lpar.adapters if a.slot != 4)}))


def test_lsdev_keeps_a_disk_whose_only_vios_is_down(frame: Frame) -> None:
    """AIX: a configured hdisk stays Available when its paths fail; lspath shows them
    Failed. lsdev and lspath list the same disks (engine.redundancy.client_disks)."""
    engine, handle, screen = logged_in(only_through_vios1(frame))
    assert engine.execute(ops.ShutdownPartition(lpar="vios1", option="immediate"),
                          Actor()).ok
    engine.step(3)
    assert engine.snapshot().frame.partition("vios1").state == "Not Activated"  # type: ignore[union-attr]
    assert type_line(engine, handle, screen, "lsdev -Cc disk") == \
        "lsdev -Cc disk\r\nhdisk0 Available  Virtual SCSI Disk Drive\r\n# "
    assert type_line(engine, handle, screen, "lspath") == \
        "lspath\r\nFailed hdisk0 vscsi0\r\n# "
    assert type_line(engine, handle, screen, "lscfg -l hdisk0") == \
        "lscfg -l hdisk0\r\n  hdisk0           U9080.HEX.78ABC12-V3-C2-T1-L8100000000000000" \
        " Virtual SCSI Disk Drive\r\n# "


def test_disks_and_optical_with_one_of_two_vios_down(frame: Frame) -> None:
    """hdisk0 keeps both its paths (one Failed); cd0, through the VIOS that is down, is
    gone until it is back (optical devices are as a running VIOS serves them)."""
    from engine.vterm.guest import devices
    from tests.engine.vterm.helpers import with_iso

    frame = with_iso(frame, bootable=True)
    lpar = frame.partition("lpar1")
    assert lpar is not None
    assert [(d.name, d.kind, d.size_gb, d.location, d.paths)
            for d in devices.disks(frame, lpar)] == [
        ("hdisk0", "disk", 100, "U9080.HEX.78ABC12-V3-C2-T1-L8100000000000000",
         ["vscsi0", "vscsi1"]),
        ("cd0", "optical", 4, "U9080.HEX.78ABC12-V3-C2-T1-L8200000000000000", ["vscsi0"])]
    vios1 = frame.partition("vios1")
    assert vios1 is not None
    down = frame.with_partition(vios1.model_copy(update={"state": "Not Activated",
                                                         "current": None}))
    assert [(d.name, d.location, d.paths) for d in devices.disks(down, lpar)] == [
        ("hdisk0", "U9080.HEX.78ABC12-V3-C2-T1-L8100000000000000", ["vscsi0", "vscsi1"])]


def test_a_runaway_line_is_bounded(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    out = type_line(engine, handle, screen, "while true; do echo y; done | wc -l")
    # whichever bound comes first on this machine: 10000 iterations or 0.5 s
    assert ("ksh: loop limit exceeded (10000 iterations)" in out
            or "ksh: the command line did not finish within 0.5 seconds" in out)
    assert out.endswith("# ")


def test_closing_the_terminal_keeps_the_shell_until_the_partition_boots_again(
        frame: Frame) -> None:
    # As on a real console line: closing the vterm does not log out of AIX (admins are told
    # to log out first), but a new activation starts a new login.
    engine, handle, screen = logged_in(frame)
    handle.close()  # type: ignore[attr-defined]
    handle, screen = open_screen(engine, "lpar1")
    assert screen.take() == ""  # a reopened console shows nothing until a key
    assert type_line(engine, handle, screen, "uname") == "uname\r\nAIX\r\n# "
    handle.close()
    assert engine.execute(ops.ShutdownPartition(lpar="lpar1", option="immediate"), Actor()).ok
    engine.step(5)
    assert engine.execute(ops.ActivatePartition(lpar="lpar1"), Actor()).ok
    engine.step(60)
    handle, screen = open_screen(engine, "lpar1")
    assert screen.take().endswith("Console login: ")
