"""Linux, a VIOS's padmin shell and IBM i on their consoles (the demo frame, lockstep)."""

from __future__ import annotations

from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame
from tests.engine.vterm.helpers import Screen, open_screen


def session(lpar: str) -> tuple[Engine, object, Screen]:
    engine = Engine(demo_frame())
    handle, screen = open_screen(engine, lpar)
    return engine, handle, screen


def send(engine: Engine, handle: object, screen: Screen, line: str) -> str:
    handle.send(line + "\r")  # type: ignore[attr-defined]
    engine.step(0)
    return screen.take()


def test_linux_login_bash_and_poweroff() -> None:
    engine, handle, screen = session("test01")
    assert screen.take().endswith("Red Hat Enterprise Linux 9.3 (Plow)\r\nKernel "
                                  "5.14.0-362.8.1.el9_3.ppc64le on an ppc64le\r\n\r\n"
                                  "test01 login: ")
    assert send(engine, handle, screen, "root") == "root\r\nPassword: "
    out = send(engine, handle, screen, "root")
    assert out.endswith("[root@test01 ~]# ")
    assert send(engine, handle, screen, "lsdev") == \
        "lsdev\r\n-bash: lsdev: command not found\r\n[root@test01 ~]# "
    out = send(engine, handle, screen, "lparstat -i | head -2 | tail -1")
    assert out.split("\r\n")[1] == "Partition Name                             : test01"
    out = send(engine, handle, screen, "uname -r")
    assert out.split("\r\n")[1] == "5.14.0-362.8.1.el9_3.ppc64le"
    out = send(engine, handle, screen, "poweroff")
    assert out.endswith("reboot: Power down\r\n")
    engine.step(15)
    assert engine.snapshot().frame.partition("test01").state == "Not Activated"  # type: ignore[union-attr]


def test_vios_padmin_prints_what_viosvrcmd_prints() -> None:
    from hmc_tui.console import LocalConsole
    from hmc_tui.hmccli import run_command

    engine, handle, screen = session("vios1")
    assert screen.take().endswith("IBM Virtual I/O Server\r\n\r\n                      login: ")
    assert send(engine, handle, screen, "padmin") == "padmin\r\npadmin's Password: "
    assert send(engine, handle, screen, "padmin").endswith("$ ")
    assert send(engine, handle, screen, "ioslevel") == "ioslevel\r\n4.1.0.10\r\n$ "
    console = LocalConsole(engine, Actor())
    system = engine.snapshot().frame.system.name
    for command in ("lsmap -all", "lsdev -virtual", "lsmap -all -npiv"):
        hmc = run_command(console, f'viosvrcmd -m {system} -p vios1 -c "{command}"')
        assert hmc.exit_code == 0
        out = send(engine, handle, screen, command)
        assert out.endswith("\r\n$ ")  # the HMC drops the VIOS's trailing blank lines
        assert out.removesuffix("$ ").rstrip("\r\n") == f"{command}\r\n" + \
            hmc.stdout.rstrip("\n").replace("\n", "\r\n")
    assert send(engine, handle, screen, "foo") == "foo\r\nrksh: foo:  not found.\r\n$ "
    assert send(engine, handle, screen, "lsmap -all | grep -c vhost") == \
        "lsmap -all | grep -c vhost\r\n8\r\n$ "


def test_vios_oem_setup_env_and_shutdown_asks_first() -> None:
    engine, handle, screen = session("vios2")
    screen.take()
    send(engine, handle, screen, "padmin")
    send(engine, handle, screen, "padmin")
    assert send(engine, handle, screen, "oem_setup_env") == "oem_setup_env\r\n# "
    assert send(engine, handle, screen, "oslevel -s").startswith("oslevel -s\r\n")
    assert send(engine, handle, screen, "exit") == "exit\r\n$ "
    out = send(engine, handle, screen, "shutdown -restart")
    assert out.endswith("Continue [y|n]? ")
    assert send(engine, handle, screen, "n") == "n\r\n$ "
    send(engine, handle, screen, "shutdown")
    out = send(engine, handle, screen, "y")
    assert "....Halt completed...." in out
    assert engine.snapshot().frame.partition("vios2").state == "Shutting Down"  # type: ignore[union-attr]


def test_ibmi_sign_on_commands_and_pwrdwnsys() -> None:
    engine, handle, screen = session("ibmi01")
    text = screen.take()
    assert "Sign On" in text and "System  . . . . . :   IBMI01" in text
    send(engine, handle, screen, "qsecofr")
    out = send(engine, handle, screen, "wrong")
    assert "CPF1107 Password not correct for user profile QSECOFR." in out
    send(engine, handle, screen, "qsecofr")
    out = send(engine, handle, screen, "qsecofr")
    assert "IBM i Main Menu" in out and out.endswith("===> ")
    out = send(engine, handle, screen, "dspsysval qmodel")
    assert " Value  . . . . . . . . :   HEX" in out
    assert "CPD0030 Command FOO in library *LIBL not found." in send(engine, handle, screen,
                                                                     "foo")
    out = send(engine, handle, screen, "PWRDWNSYS OPTION(*IMMED)")
    assert "Power down system in progress." in out
    engine.step(15)
    assert engine.snapshot().frame.partition("ibmi01").state == "Not Activated"  # type: ignore[union-attr]


def test_ibmi_wrkactjob_cpu_is_physc_over_entitlement() -> None:
    engine, handle, screen = session("ibmi01")
    engine.step(3)  # the dispatcher's figure over a few ticks
    screen.take()
    send(engine, handle, screen, "QSECOFR")
    send(engine, handle, screen, "QSECOFR")
    out = send(engine, handle, screen, "wrkactjob")
    physc = engine.snapshot().physc[6]
    cpu = next(line for line in out.split("\r\n") if line.startswith(" CPU %:"))
    assert float(cpu.split()[2]) == round(physc / 2.00 * 100, 1)  # ibmi01: 2.00 PU


def test_mpstat_spreads_physc_over_the_logical_cpus() -> None:
    engine, handle, screen = session("was01")
    engine.step(3)
    screen.take()
    send(engine, handle, screen, "root")
    send(engine, handle, screen, "root")
    out = send(engine, handle, screen, "mpstat").split("\r\n")
    assert out[2] == "System configuration: lcpu=16 ent=1.5 mode=Uncapped"  # 4 VPs x SMT4
    rows = [line for line in out if line[:3].strip().isdigit()]
    assert len(rows) == 16
    total = next(line for line in out if line.startswith("ALL")).split()
    physc = engine.snapshot().physc[4]
    assert float(total[5]) == round(physc, 2)
    assert abs(sum(float(r.split()[5]) for r in rows) - physc) < 0.1
