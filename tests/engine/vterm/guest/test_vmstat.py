"""vmstat and lparstat in AIX while a memory leak pages (engine/workload_faults.py)."""

from __future__ import annotations

from engine import ops
from engine.model import Frame
from engine.roles import Actor
from tests.engine.vterm.guest.test_aix import logged_in, type_line

HEAD = ("vmstat\r\n\r\nSystem configuration: lcpu=8 mem=4096MB ent=0.50\r\n\r\n"
        "kthr    memory              page              faults              cpu\r\n"
        "----- ----------- ------------------------ ------------ -----------------------\r\n"
        " r  b   avm   fre  re  pi  po  fr   sr  cy  in   sy  cs us sy id wa    pc    ec\r\n")


def test_vmstat_shows_a_leak_filling_memory_then_paging(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)  # lpar1: 4096 MB, 0.50 PU, 2 VPs
    out = type_line(engine, handle, screen, "vmstat")
    assert out.startswith(HEAD)
    row = out[len(HEAD):].split("\r\n")[0].split()
    # avm: 40 % of 4096 MB in 4 KB pages; fre the rest; no paging, no wait
    assert (row[2], row[3], row[5], row[6], row[16]) == ("419430", "629146", "0", "0", "0")
    assert engine.execute(ops.InjectFault(kind="memleak", location="lpar1", rate=1024),
                          Actor()).ok
    engine.step(180)  # 1638.4 + 3 x 1024 MB = 4710.4 MB in 4096: 15 % overcommitted
    out = type_line(engine, handle, screen, "vmstat")
    row = out[len(HEAD):].split("\r\n")[0].split()
    # avm 4710.4 MB; fre the 2 % minfree; po = 1024 MB/min = 4369 pages/s, pi 15 % of it
    assert (row[1], row[2], row[3], row[5], row[6]) == ("1", "1205862", "20972", "655", "4369")
    assert (row[13], row[14], row[15], row[16]) == ("75", "19", "0", "6")  # %wa: 40 x 15 %
    out = type_line(engine, handle, screen, "lparstat")
    assert out.split("\r\n")[-2].split()[:4] == ["75.2", "18.8", "6.0", "0.0"]  # lparstat
    assert engine.execute(ops.ClearFault(kind="memleak", location="lpar1"), Actor()).ok
    out = type_line(engine, handle, screen, "vmstat")
    row = out[len(HEAD) - len("vmstat") + len("vmstat"):].split("\r\n")[0].split()
    assert (row[2], row[5], row[6]) == ("419430", "0", "0")


def test_vmstat_refuses_bad_arguments(frame: Frame) -> None:
    engine, handle, screen = logged_in(frame)
    assert type_line(engine, handle, screen, "vmstat x") == \
        "vmstat x\r\nUsage: vmstat [ Interval [ Count ] ]\r\n# "
