"""Our VIOS layouts and capture readers against the real output in docs/hmc-commands.md."""

from __future__ import annotations

from engine.vios_show import lun_number, lun_text, pair_line, svsa_line, vfchost_line
from hmc_tui.hmccli.capture_parse import Capture, hmc_records, lsmap_npiv, lsmap_vscsi

NPIV_BLOCK = """\
Name          Physloc                            ClntID ClntName       ClntOS
------------- ---------------------------------- ------ -------------- -------
vfchost0      U8233.E8B.XXXXXXX-V1-C66                4 LPAR4          AIX

Status:LOGGED_IN
FC name:fcs0                    FC loc code:U78A0.001.XXXXXXX-P1-C3-T1
Ports logged in:5
Flags:a<LOGGED_IN,STRIP_MERGE>
VFC client name:fcs0            VFC client DRC:U8233.E8B.XXXXXXX-V6-C30-T1
"""
NPIV_FMT = """\
vfchost0:U9117.MMB.xxxxxxx-V1-C1:5:nim1:AIX:LOGGED_IN:fcs0:U78C0.001.DBJN321-P2-C5-T1:5:a:\
fcs0:U9117.MMB.06xxxxx-V5-C5
vfchost1:U9117.MMB.xxxxxxx-V1-C2:5:nim1:AIX:LOGGED_IN:fcs1:U78C0.001.DBJN321-P2-C5-T2:3:a:\
fcs1:U9117.MMB.06xxxxx-V5-C6
"""
LSMAP_OLD = """\
SVSA                 Physloc                           Client Partition ID
-------------        --------------------------------- ------------------
vhost0               U787A.001.0397658-V1-C5           0x00000005

VTD                   c5_vtscsi1
Status                Available
LUN                   0x8100000000000000
Backing device        hdisk2
Physloc

VTD                   c5_vtscsi2
Status                Available
LUN                   0x8200000000000000
Backing device        hdisk3
Physloc
"""
LSMAP_NEW = """\
SVSA            Physloc                                      Client Partition ID
--------------- -------------------------------------------- ------------------
vhost18         U8233.E8B.100121P-V8-C21                     0x0000000f

VTD                   isotopes13_dsk1
Status                Available
LUN                   0x8100000000000000
Backing device        isotopes13_lv1
Physloc
Mirrored              N/A
"""


def test_our_column_layouts_reproduce_the_real_lines() -> None:
    lines = NPIV_BLOCK.splitlines()
    assert vfchost_line("vfchost0", "U8233.E8B.XXXXXXX-V1-C66", "4", "LPAR4", "AIX") == lines[2]
    assert pair_line("FC name:fcs0", "FC loc code:U78A0.001.XXXXXXX-P1-C3-T1") == lines[5]
    assert pair_line("VFC client name:fcs0",
                     "VFC client DRC:U8233.E8B.XXXXXXX-V6-C30-T1") == lines[8]
    assert svsa_line("vhost18", "U8233.E8B.100121P-V8-C21", 15) == LSMAP_NEW.splitlines()[2]


def test_luns() -> None:
    assert lun_text(1) == "0x8100000000000000" and lun_text(2) == "0x8200000000000000"
    assert all(lun_number(lun_text(n)) == n for n in (1, 2, 126, 127, 128, 300, 30000))


def test_readers_take_the_real_vios_output() -> None:
    old = lsmap_vscsi(Capture("lsmap_all", "vios1.txt", LSMAP_OLD))
    assert [(m.vhost, m.slot, m.vtd, m.backing, lun_number(m.lun)) for m in old] == [
        ("vhost0", 5, "c5_vtscsi1", "hdisk2", 1), ("vhost0", 5, "c5_vtscsi2", "hdisk3", 2)]
    new = lsmap_vscsi(Capture("lsmap_all", "x", LSMAP_NEW))
    assert [(m.slot, m.backing) for m in new] == [(21, "isotopes13_lv1")]
    blocks = lsmap_npiv(Capture("lsmap_all_npiv", "x", NPIV_BLOCK))
    assert [(v.vfchost, v.slot, v.port) for v in blocks] == [("vfchost0", 66, "fcs0")]
    fmt = lsmap_npiv(Capture("lsmap_all_npiv", "x", NPIV_FMT))
    assert [(v.slot, v.port, v.port_location) for v in fmt] == [
        (1, "fcs0", "U78C0.001.DBJN321-P2-C5-T1"), (2, "fcs1", "U78C0.001.DBJN321-P2-C5-T2")]


def test_the_real_lshmc_record_reads_as_one_record() -> None:
    text = ('"version= Version: 7\n Release: 7.9.0\n Service Pack: 3\nHMC Build level '
            '20151216.1\n","base_version=V7R7.9.0\n"\n')
    [(line, record)] = hmc_records(Capture("lshmc_V", "x", text))
    assert line == 1 and record["base_version"] == "V7R7.9.0\n"
    assert record["version"].startswith(" Version: 7\n Release: 7.9.0")
