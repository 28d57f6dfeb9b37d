"""VIOS commands through viosvrcmd: failures in the VIOS's words, -f, virtual optical media.

Sources of the texts and layouts:
- `"hdisk7" is already being used as a backing device.  Specify the -f flag` / `to force
  this device to be used anyway.`: a published VIOS session (mkvdev refused, then repeated
  with -f), the message and its line break verbatim.
- "The DVD repository has not been created yet.": the VIOS's lsrep without a repository.
- The optical flow (mkvdev -fbo -vadapter vhostN, loadopt -disk NAME -vtd vtoptN,
  unloadopt, lsvopt, mkrep -sp rootvg -size 10G): IBM's VIOS command reference.
Other refusals are our wording in the VIOS's style (engine.ops.vio.VIOS_MESSAGES, "ours").
Golden files of the listings: tests/hmccli/test_golden.py (lspv_free, lsdev_dev_*_attr,
lspath, lsvopt, lsrep_mkrep, mkvdev_vdev).
"""

from __future__ import annotations

import pytest
from hmccli_support import SYS

from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import CommandResult, run_command

V1 = f"viosvrcmd -m {SYS} -p vios1 -c"
V2 = f"viosvrcmd -m {SYS} -p vios2 -c"
ISO = "/var/vio/VMLibrary/aix73_tl2.iso"


def ok(console: LocalConsole, line: str) -> str:
    result = run_command(console, line)
    assert (result.exit_code, result.stderr) == (0, ""), result
    return result.stdout


def refused(console: LocalConsole, line: str) -> CommandResult:
    result = run_command(console, line)
    assert result.exit_code == 1 and result.stdout == "", result
    return result


def backing_of(console: LocalConsole, vios: str, vtd: str) -> str | None:
    v = console.snapshot().frame.partition(vios)
    assert v is not None
    return next((m.backing for m in v.vscsi_mappings if m.vtd == vtd), None)


def test_mkvdev_on_a_mapped_disk_is_refused_as_the_vios_words_it(console) -> None:  # type: ignore
    result = refused(console, f"{V1} 'mkvdev -vdev hdisk7 -vadapter vhost6'")
    assert result.stderr == (
        '"hdisk7" is already being used as a backing device.  Specify the -f flag\n'
        "to force this device to be used anyway.\n")
    assert backing_of(console, "vios1", "dup") is None
    # -f maps it anyway (a disk shared by two clients, as PowerHA does)
    assert ok(console, f"{V1} 'mkvdev -f -vdev hdisk7 -vadapter vhost6 -dev dup'") == (
        "dup Available\n")
    assert backing_of(console, "vios1", "dup") == "hdisk7"
    event = console.snapshot().events[-1]
    assert event.command.endswith("-c \"mkvdev -f -vdev hdisk7 -vadapter vhost6 -dev dup\"")
    # the journal keeps the refusal under the HMC's code for a failed VIOS command
    refusal = console.snapshot().events[-2]
    assert (refusal.ok, refusal.code) == (False, "HSCL2970")


@pytest.mark.parametrize(("line", "message"), [
    (f"{V1} 'mkvdev -vdev hdisk99 -vadapter vhost6'", 'Device "hdisk99" is not found.'),
    (f"{V1} 'mkvdev -vdev hdisk2 -vadapter vhost42'",
     'Device "vhost42" is not a Server Virtual SCSI Adapter (SVSA).'),
    (f"{V1} 'lsmap -vadapter vhost99'",
     'Device "vhost99" is not a Server Virtual SCSI Adapter (SVSA).'),
    (f"{V1} 'lsmap -vadapter vhost99 -npiv'",
     'Device "vhost99" is not a Virtual FC Server Adapter.'),
    (f"{V1} 'rmvdev -vtd nosuch'", 'Device "nosuch" is not found.'),
    (f"{V1} 'rmvdev -vdev hdisk99'", 'Device "hdisk99" is not found.'),
    (f"{V1} 'rmdev -dev nosuch'", 'Device "nosuch" is not found.'),
    (f"{V1} 'lsdev -dev nosuch'", 'Device "nosuch" is not found.'),
    (f"{V1} 'lspath -dev hdisk99'", 'Device "hdisk99" is not found.'),
    (f"{V1} 'lsvopt -vtd vtopt9'", 'Device "vtopt9" is not found.'),
    (f"{V1} 'vfcmap -vadapter vfchost0 -fcp fcs7'", 'Device "fcs7" is not found.'),
    (f"{V1} 'vfcmap -vadapter vhost0 -fcp fcs0'",
     'Device "vhost0" is not a Virtual FC Server Adapter.'),
    (f"{V1} 'mkvdev -vdev {ISO} -vadapter vhost6'",
     f'"{ISO}" is a virtual media file of the repository. Create a virtual optical device '
     "with mkvdev -fbo -vadapter vhost6, then load the media with loadopt -disk "
     "aix73_tl2.iso -vtd vtoptN."),
    (f"{V1} 'loadopt -disk aix73_tl2.iso -vtd vtscsi0'",
     '"vtscsi0" is not a file-backed virtual optical device.'),
    (f"{V1} 'loadopt -disk aix73_tl2.iso -vtd vtopt0'",
     "The virtual optical device vtopt0 already has media aix73_tl2.iso loaded. Unload it "
     "with unloadopt -vtd vtopt0, or specify the -f flag to replace it."),
    (f"{V1} 'loadopt -disk rhel9.iso -vtd vtopt0'",
     'The media "rhel9.iso" is not in the virtual media repository.'),
    (f"{V1} 'mkrep -sp rootvg -size 10G'",
     "The virtual media repository already exists in rootvg (20480 MB)."),
])
def test_vios_refusals_are_the_vios_messages(console, line: str, message: str) -> None:  # type: ignore
    result = refused(console, line)
    assert result.stderr == message + "\n"
    assert not result.stderr.startswith("HSCL")


def test_hmc_side_refusals_keep_their_hscl_codes(console) -> None:  # type: ignore
    # not a VIOS, a VIOS without RMC: the HMC refuses before the VIOS sees the command
    assert refused(console, f"viosvrcmd -m {SYS} -p oradb01 -c ioslevel").stderr.startswith(
        "HSCL0B09 ")
    ok(console, f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n vios2")
    console.step(3)
    assert refused(console, f"{V2} 'lspv'").stderr.startswith("HSCL0B02 ")
    assert refused(console, f"{V1} 'mkrep -sp rootvg -size ten'").stderr.startswith(
        "The command entered is either missing a required parameter")
    assert refused(console, f"{V1} 'lspv -size -free'").stderr.endswith(
        "are -size, -free. Please check your entry and retry the command.\n")


def test_virtual_optical_the_vios_way(console) -> None:  # type: ignore
    """mkvdev -fbo makes an empty vtopt; loadopt/unloadopt change its media; lsvopt shows it."""
    assert ok(console, f"{V1} 'mkvdev -fbo -vadapter vhost6'") == "vtopt1 Available\n"
    assert backing_of(console, "vios1", "vtopt1") == ""
    lsmap = ok(console, f"{V1} 'lsmap -vadapter vhost6'")
    assert lsmap.endswith("VTD                   vtopt1\nStatus                Available\n"
                          "LUN                   0x8100000000000000\nBacking device\n"
                          "Physloc\nMirrored              N/A\n")
    assert ok(console, f"{V1} 'loadopt -disk aix73_tl2.iso -vtd vtopt1'") == ""
    assert backing_of(console, "vios1", "vtopt1") == ISO
    assert ok(console, f"{V1} lsvopt") == (
        "VTD             Media                                   Size(mb)\n"
        "vtopt0          aix73_tl2.iso                               5120\n"
        "vtopt1          aix73_tl2.iso                               5120\n")
    assert "aix73_tl2.iso" in ok(console, f"{V1} lsrep").splitlines()[-1]
    assert ok(console, f"{V1} lsrep").splitlines()[-1].split()[2] == "vtopt0,vtopt1"
    assert ok(console, f"{V1} 'unloadopt -vtd vtopt1'") == ""
    assert ok(console, f"{V1} 'lsvopt -vtd vtopt1'") == (
        "VTD             Media                                   Size(mb)\n"
        "vtopt1          No Media                                n/a\n")
    assert ok(console, f"{V1} 'loadopt -f -disk aix73_tl2.iso -vtd vtopt0'") == ""
    assert ok(console, f"{V1} 'lsdev -dev vtopt1'").splitlines()[1].endswith(
        "Virtual Target Device - File-backed Optical")
    assert ok(console, f"{V1} 'rmvdev -vtd vtopt1'") == "vtopt1 deleted\n"


def test_mkrep_creates_the_repository_once(console) -> None:  # type: ignore
    assert ok(console, f"{V2} lsrep") == "The DVD repository has not been created yet.\n"
    assert ok(console, f"{V2} 'mkvdev -fbo -vadapter vhost0'") == "vtopt0 Available\n"
    assert refused(console, f"{V2} 'loadopt -disk aix73_tl2.iso -vtd vtopt0'").stderr == (
        "The DVD repository has not been created yet.\n")
    assert ok(console, f"{V2} 'mkrep -sp rootvg -size 512M'") == ""
    assert ok(console, f"{V2} lsrep").splitlines()[1].split()[:3] == ["512", "512", "rootvg"]
    assert refused(console, f"{V2} 'mkrep -sp rootvg -size 1G'").stderr == (
        "The virtual media repository already exists in rootvg (512 MB).\n")
    v2 = console.snapshot().frame.partition("vios2")
    assert v2 is not None and v2.media_repository is not None
    assert (v2.media_repository.pool, v2.media_repository.size_mb) == ("rootvg", 512)


def test_lspv_free_lists_only_disks_that_back_nothing(console) -> None:  # type: ignore
    assert ok(console, f"{V1} 'lspv -free'") == (
        "NAME            PVID                                SIZE(megabytes)\n")
    ok(console, f"{V1} 'rmvdev -vdev hdisk5'")
    ok(console, f"{V1} 'rmvdev -vtd vtscsi3'")
    assert [line.split()[0] for line in ok(console, f"{V1} 'lspv -free'").splitlines()] == [
        "NAME", "hdisk5", "hdisk7"]
    # vios2 still maps both: its own mappings are what count
    assert ok(console, f"{V2} 'lspv -free'").count("\n") == 1


def test_lsdev_attr_of_disks_and_fc_ports(console) -> None:  # type: ignore
    table = ok(console, f"{V1} 'lsdev -dev hdisk4 -attr'").splitlines()
    assert table[0].split() == ["attribute", "value", "description", "user_settable"]
    assert table[1] == ""
    rows = {line.split()[0]: line for line in table[2:]}
    assert rows["reserve_policy"].split()[1] == "no_reserve"
    assert rows["queue_depth"].split()[1] == "20"
    assert rows["size_in_mb"].split()[1] == str(280 * 1024)
    assert ok(console, f"{V1} 'lsdev -dev hdisk4 -attr reserve_policy algorithm'") == (
        "value\n\nno_reserve\nround_robin\n")
    assert ok(console, f"{V1} 'lsdev -dev fcs1 -attr num_cmd_elems'") == "value\n\n500\n"
    assert ok(console, f"{V1} 'lsdev -type disk -fmt :'").splitlines()[0] == (
        "hdisk2:Available:MPIO IBM 2145 FC Disk")
    paths = ok(console, f"{V1} 'lspath -dev hdisk3'").splitlines()
    assert paths[0].split() == ["status", "name", "parent", "connection"]
    assert [line.split()[:3] for line in paths[2:]] == [
        ["Enabled", "hdisk3", "fscsi0"], ["Enabled", "hdisk3", "fscsi1"]]
