"""What each OS prints on its console while it boots and goes down (docs/guest-os.md).

A boot is a list of (seconds after the firmware's hand-off, lines); the session prints each
when its time has come, and the rest at once when the partition's OS is up (its reference
code cleared), then the login banner. Texts follow the consoles of AIX 7.3, VIOS 4.1, RHEL
and SLES, and IBM i in their own words; figures (processors, memory, boot device, kernel)
come from the partition.
"""

from __future__ import annotations

from datetime import datetime

from engine.model import Frame, Partition
from engine.vterm.devices import boot_devices

Stage = tuple[float, list[str]]
RULE = "-" * 79


def boot_device(frame: Frame, p: Partition) -> str:
    """The firmware's path of the disk AIX booted from (its boot partition, :2): the first
    disk the firmware sees (engine.vterm.devices), else the first device at all."""
    found = boot_devices(frame, p)
    disk = next((d for d in found if d.kind in ("disk", "fc")), found[0] if found else None)
    return f"{disk.path}:2" if disk is not None else ""


def aix_boot(frame: Frame, p: Partition, now: datetime, vios: bool) -> list[Stage]:
    r = p.settings()
    lcpu = r.desired_procs * 4
    return [
        (0.5, ["", "Elapsed time since release of system processors: 1834 mins 12 secs",
               "", RULE, f"{'Welcome to AIX.':^79}".rstrip(),
               f"{'boot image timestamp: 14:28:50 11/14/2023':^79}".rstrip(),
               f"{'The current time and date: ' + now.strftime('%H:%M:%S %m/%d/%Y'):^79}"
               .rstrip(),
               f"        processor count: {lcpu};  memory size: {r.desired_mem}MB;  "
               "kernel size: 51452602",
               f"boot device: {boot_device(frame, p)}".center(79).rstrip(), RULE]),
        (4.0, ["", "Saving Base Customize Data to boot disk",
               "Starting the sync daemon",
               "Mounting the platform dump file system, /var/adm/ras/platform",
               "Starting the error daemon"]),
        (10.0, ["System initialization completed.", "TE=OFF", "CHKEXEC=OFF", "CHKSHLIB=OFF",
                "CHKSCRIPT=OFF", "CHKKERNEXT=OFF", "STOP_UNTRUSTD=OFF", "STOP_ON_CHKFAIL=OFF",
                "LOCK_KERN_POLICIES=OFF", "TSD_FILES_LOCK=OFF", "TSD_LOCK=OFF", "TEP=OFF",
                "TLP=OFF", "Successfully updated the Kernel Authorization Table.",
                "Successfully updated the Kernel Role Table.",
                "Successfully updated the Kernel Command Table.",
                "Successfully updated the Kernel Device Table.",
                "Successfully updated the Kernel Object Domain Table.",
                "Successfully updated the Kernel Domains Table.",
                "Successfully updated the Kernel RBAC log level.",
                "Successfully updated the Kernel RBAC log level."]),
        (16.0, ["Setting tunable parameters...complete", "Starting Multi-user Initialization",
                " Performing auto-varyon of Volume Groups ",
                " Activating all paging spaces ", "0517-075 swapon: Paging device "
                "/dev/hd6 is already active.", "",
                "The current volume is: /dev/hd1",
                "Primary superblock is valid.", " Performing all automatic mounts ",
                "Multi-user initialization completed"]),
        (22.0, ["Checking for srcmstr active...complete",
                "Starting tcpip daemons:", "0513-059 The syslogd Subsystem has been started. "
                "Subsystem PID is 4653394.",
                "0513-059 The sshd Subsystem has been started. Subsystem PID is 5046608.",
                "Finished starting tcpip daemons.",
                *(["0513-059 The vio_daemon Subsystem has been started. Subsystem PID is "
                   "6291750."] if vios else [])]),
    ]


def linux_boot(frame: Frame, p: Partition, now: datetime) -> list[Stage]:
    r = p.settings()
    kernel = kernel_release(p)
    return [
        (0.5, ["OF stdout device is: /vdevice/vty@30000000",
               "Preparing to boot Linux version "
               f"{kernel} (mockbuild@ppc-builder) (gcc version 11.4.1) #1 SMP",
               "Detected machine type: 0000000000000101",
               "command line: BOOT_IMAGE=/vmlinuz-" + kernel + " root=/dev/mapper/rhel-root "
               "ro crashkernel=auto",
               f"Max number of cores passed to firmware: {r.desired_procs} "
               f"(NR_CPUS = 2048)",
               "Calling ibm,client-architecture-support... done",
               "memory layout at init:", "  memory_limit : 0000000000000000 (16 MB aligned)",
               "Booting Linux via __start() @ 0x0000000002000000 ..."]),
        (2.0, ["[    0.000000] hash-mmu: Page sizes from device-tree:",
               f"[    0.000000] Linux version {kernel} #1 SMP",
               f"[    0.000000] Partition configured for {r.desired_procs * 8} cpus.",
               f"[    0.000000] Memory: {r.desired_mem * 1024 - 524288}K/"
               f"{r.desired_mem * 1024}K available",
               "[    1.204518] ibmvscsi 30000002: SRP_VERSION: 16.a",
               "[    1.806331] ibmveth: IBM Power Virtual Ethernet Driver 1.06"]),
        (5.0, ["[  OK  ] Reached target Local File Systems.",
               "[  OK  ] Started Journal Service.",
               "[  OK  ] Started Create Volatile Files and Directories.",
               "[  OK  ] Reached target System Initialization.",
               "[  OK  ] Started OpenSSH server daemon.",
               "[  OK  ] Reached target Multi-User System."]),
    ]


def ibmi_ipl(code: str) -> list[str]:
    """IBM i posts its IPL steps as reference codes; the console shows them as they come."""
    return [f"IPL step in progress . . . . . :   {code}"]


def login_banner(p: Partition, family: str) -> str:
    if family == "aix":
        return "\r\n\r\nAIX Version 7\r\nCopyright IBM Corporation, 1982, 2023.\r\nConsole login: "
    if family == "vios":
        return "\r\n\r\nIBM Virtual I/O Server\r\n\r\n                      login: "
    if family == "linux":
        return f"\r\n\r\n{distro(p)}\r\nKernel {kernel_release(p)} on an ppc64le\r\n\r\n" \
               f"{p.name} login: "
    return ""


def distro(p: Partition) -> str:
    v = p.os_version
    number = v.split()[-1] if v.split() else ""
    if "sles" in v.lower() or "suse" in v.lower():
        return f"SUSE Linux Enterprise Server {number}"
    code = "Ootpa" if number.startswith("8") else "Plow"
    return f"Red Hat Enterprise Linux {number} ({code})"


def kernel_release(p: Partition) -> str:
    """The kernel from an os_version such as "Linux/Red Hat 4.18.0-477.10.1.el8_8.ppc64le 8.8"."""
    for word in p.os_version.split():
        if word.count(".") >= 2 and word[0].isdigit() and "-" in word:
            return word
    return "5.14.0-362.8.1.el9_3.ppc64le"


def shutdown_lines(family: str, restart: bool, when: datetime) -> list[str]:
    if family in ("aix", "vios"):
        return ["", "SHUTDOWN PROGRAM", when.strftime("%a %b %e %H:%M:%S UTC %Y"), "",
                "Wait for 'Rebooting...' before stopping." if restart
                else "Wait for '....Halt completed....' before stopping.",
                "Error reporting has stopped.", "Advanced Accounting has stopped...",
                "Process accounting has stopped.",
                "0513-044 The sshd Subsystem was requested to stop.",
                "All processes currently running will now be killed...",
                "Unmounting the file systems...", "",
                "Bringing down network interfaces: en0 lo0", "",
                "Rebooting . . ." if restart else "....Halt completed...."]
    if family == "linux":
        return ["[  OK  ] Stopped target Multi-User System.",
                "[  OK  ] Stopped OpenSSH server daemon.",
                "[  OK  ] Unmounted /boot.", "[  OK  ] Reached target Unmount All Filesystems.",
                "[  OK  ] Reached target Final Step.",
                "reboot: Restarting system" if restart else "reboot: Power down"]
    return ["", "Power down system in progress." if not restart
            else "Power down system with restart in progress."]
