"""HMC-style errors: an HSCL code, the HMC's sentence, and where the problem is.

Codes marked "(sourced)" come from docs/powervm-rules.md section 11; the others are
our own picks in the HMC's style, kept in this one table so a front end never invents a code.
"""

from __future__ import annotations

from engine.text import escape_controls

# code -> message template (str.format fields).
MESSAGES: dict[str, str] = {
    # (sourced)
    "HSCL8012": "The partition named {name} was not found.",
    "HSCL3681": "The partition {name} is already active. The operation cannot be performed.",
    "HSCL1558": "The partition {name} is not activated. The operation cannot be performed.",
    "HSCL0DB4": (
        "The operation failed because partition {name} does not have an active RMC connection "
        "to the management console."
    ),
    "HSCL1566": (
        "The operation failed because the ratio of assigned processing units to assigned virtual "
        "processors for partition {id} would have been less than the minimum ratio supported by "
        "the operating system on the partition."
    ),
    "HSCL294C": "The dynamic logical partitioning operation failed on partition {name}: {reason}",
    "HSCL294D": "Dynamic remove of virtual I/O resources failed on partition {name}: {reason}",
    "HSCL350B": "The user {user} does not have the appropriate authority to perform {task}.",
    # A VIOS command run through viosvrcmd failed: the VIOS's own message, relayed as it
    # printed it (engine.ops.vio.VIOS_MESSAGES; public HMC automation matches this code).
    "HSCL2970": "{reason}",
    # (ours) identity and lookup
    "HSCL8013": "The profile named {name} was not found for partition {lpar}.",
    "HSCL8014": "The managed system {name} was not found.",
    "HSCL8015": "The shared processor pool {name} was not found.",
    "HSCL8016": "The virtual adapter in slot {slot} of partition {lpar} was not found.",
    "HSCL8017": "The device {name} was not found on {lpar}.",
    # (ours) configuration rules
    "HSCL0A01": "The value of {field} must be between {low} and {high}. "
    "The value given was {value}.",
    "HSCL0A02": "The minimum, desired and maximum {what} must satisfy min <= desired <= max "
    "({min} <= {desired} <= {max}).",
    "HSCL0A03": "The {field} value {value} must be a multiple of the logical memory block size "
    "of {lmb} MB.",
    "HSCL0A04": "The {field} value {value} must be a multiple of 0.01 processing units.",
    "HSCL0A05": "The {field} value {value} must be between {low} and {high} for {procs} virtual "
    "processors ({min_per_vp} to 1.0 processing units per virtual processor).",
    "HSCL0A06": "The {what} {value} is already in use by {owner}.",
    "HSCL0A07": "Virtual slot {slot} is reserved for the virtual serial adapters.",
    "HSCL0A08": "Virtual slot {slot} is not below the maximum number of virtual slots "
    "({max_slots}) of partition {lpar}.",
    "HSCL0A09": "The {side} adapter in slot {slot} of partition {lpar} refers to partition "
    "{remote_id} slot {remote_slot}, which has no matching {other} adapter.",
    "HSCL0A0A": "The managed system supports at most {max} partitions.",
    "HSCL0A0B": "The shared processor pool ID {id} is not valid: pools are numbered 0 to 63.",
    "HSCL0A0C": "The default shared processor pool (DefaultPool) cannot be changed.",
    "HSCL0A0D": "The maximum processing units of shared processor pool {name} ({max}) must be a "
    "whole number and at least the entitled capacity of its partitions plus its reserved "
    "capacity ({needed}).",
    "HSCL0A0E": "Partition type {env} is not supported by managed system model {mtm}.",
    "HSCL0A0F": "The {field} value {value} is not valid: {reason}",
    "HSCL0A10": "The partition ID {id} must be between 1 and {max}.",
    "HSCL0A11": "The total {what} of the partitions ({used}) exceeds the {what} of the managed "
    "system ({available}).",
    "HSCL0A13": "The shared Ethernet adapter {name} is not valid: {reason}",
    "HSCL0A14": "The physical Fibre Channel port {port} of {lpar} is not NPIV capable or has no "
    "free ports.",
    "HSCL0A15": "The {what} {value} does not belong to partition {lpar}.",
    # (ours) names and text: engine/rules/names.py gives the sources of the name rule
    "HSCL0A16": "The {what} {value} is not valid: {reason}",
    "HSCL0A17": "The {field} value {value} is not valid: it contains the control character "
    "{char}, and text in a frame may hold printable characters only.",
    # (ours) operations and state
    "HSCL0B01": "The managed system {name} is in state {state}; the operation requires the "
    "Operating or Standby state.",
    "HSCL0B02": "The partition {name} is in state {state}; the operation cannot be performed "
    "while it is in this state.",
    "HSCL0B03": "There are not enough {what} available to activate partition {name}: "
    "{needed} required at minimum, {available} available.",
    "HSCL0B04": "There are not enough {what} available on the managed system: {needed} "
    "requested, {available} available.",
    "HSCL0B05": "The partition {name} must be in the Not Activated state to be deleted.",
    "HSCL0B06": "The result of the operation ({value}) would be outside the current minimum "
    "and maximum {what} of partition {name} ({min} to {max}).",
    "HSCL0B07": "The managed system {name} is already in state {state}.",
    "HSCL0B08": "The default profile {name} cannot be removed from partition {lpar}.",
    "HSCL0B09": "The operation requires a {kind} partition; {name} is a {env} partition.",
    "HSCL0B0A": "The partition {name} still has virtual adapters served by it in use by {users}.",
    # (ours) the shared engine service: its clock, its health, its sessions
    "HSCL0F01": "The engine clock speed {value} is not valid: it must be a number greater "
    "than 0 and at most {max} (engine seconds per wall second).",
    "HSCL0F02": "The engine has stopped after an internal failure ({reason}); no operation "
    "can be performed until the service is restarted.",
    "HSCL0F03": "The user {user} is not in the user store; its rights are revoked and its "
    "sessions are closed.",
    "HSCL0F04": "The request was refused: {detail}",
    "HSCL0F05": "The user store cannot be read, so the rights of {user} cannot be checked: "
    "{reason}",
    # (ours) system settings, profile apply and sync, network boot, VIOS licence
    # (engine/ops/system.py)
    "HSCL0E01": "The {field} value {value} is not valid: {reason}",
    "HSCL0E02": "The profile {profile} is the current profile of partition {lpar}, whose "
    "current configuration is synchronized with it (sync_curr_profile=1). Specify --force "
    "to change it; synchronization is then suspended until the next activation or apply.",
    "HSCL0E03": "The partition {name} has no virtual Ethernet adapter{where}, so it cannot "
    "be booted from the network.",
    "HSCL0E04": "The network adapter {adapter} of partition {name} cannot reach the boot "
    "server {server}: ping unsuccessful.",
    "HSCL0E05": "The Virtual I/O Server license on {name} has not been accepted. Run "
    "license -accept first.",
    # (ours) durability: an operation is acknowledged only once it is in the operation log
    "HSCL0C01": "The operation was not performed: it could not be recorded in the operation "
    "log {file} ({reason}). Nothing was changed; free space or fix the file, then retry.",
    # (ours) system firmware (engine/ops/firmware.py), password policies and keys of the
    # console's users (hmc_tui/service/users.py), partition mobility
    "HSCL0D01": "The level {level} is not available for managed system {name} (machine "
    "type-model {mtm}). The levels that can be installed are: {levels}.",
    "HSCL0D02": "The level {label} is disruptive: the managed system {name} must be powered "
    "off to install it (its state is {state}).",
    "HSCL0D03": "The managed system {name} is already at level {label}.",
    "HSCL0D04": "The level {label} is older than the activated level {current} of managed "
    "system {name}.",
    "HSCL0D05": "There is no release newer than {release} for managed system {name}.",
    "HSCL0D06": "The managed system {name} is in state {state}; firmware can be installed in "
    "the Operating, Standby or Power Off state only.",
    "HSCL0D07": "The password policy {name} was not found.",
    "HSCL0D08": "The password policy {name} already exists.",
    "HSCL0D09": "The password policy {name} cannot be removed: {reason}.",
    "HSCL0D0A": "The password policy attribute {attr} is not valid: {reason}",
    "HSCL0D0B": "The password does not satisfy the active password policy {name}: {reason}.",
    "HSCL0D0C": "The SSH key {key} is not valid: {reason}",
    "HSCL0D0D": "No SSH key of user {user} matches {key}.",
    "HSCL0D0E": "The target managed system {name} is not managed by this management "
    "console; partition mobility needs a second managed system, which this console "
    "does not have.",
    "HSCL0D0F": "The partition {name} is not migrating; there is no migration to {what}.",
    "HSCL0D10": "The source and target managed systems are the same ({name}); a partition "
    "migrates to another managed system.",
    # (sourced: the HMC's mkvterm wording) partition consoles, engine/vterm
    "HSCL1000": "A terminal session is already open for this partition. Only one open "
    "session is allowed for a partition. Exiting....",
    # (ours) partition consoles
    "HSCL1001": "The partition {name} is not in its boot-device countdown (state {state}, "
    "reference code {refcode}); the firmware takes the keys 1, 5, 6 and 8 only then.",
    "HSCL1002": "The partition {name} is not at its firmware prompt (state {state}); a boot "
    "device is chosen, and the firmware reset, only there.",
    "HSCL1003": "The boot device {device} was not found on partition {name}.",
    # Partition consoles over the command line (hmc_tui/hmccli/vterm.py; ours, HMC style).
    "HSCL1020": "The command {command} opens a virtual terminal and needs an interactive "
    "terminal; connect with a terminal (ssh -t) and run it again.",
    "HSCL1021": "There is no partition on managed system {name} whose virtual terminal can be "
    "opened.",
    # (ours) faults injected into the frame and their repair (engine/ops/faults.py; not HMC
    # operations: hmc-tui's own chhwfault command)
    "HSCL1100": "The {kind} fault is not valid: {reason}",
    "HSCL1101": "The physical port {port} was not found in managed system {name}.",
    "HSCL1102": "The fault {what} is already present in managed system {name}.",
    "HSCL1103": "There is no fault {what} in managed system {name} to clear.",
    "HSCL1104": "Deconfiguring {what} would leave managed system {name} with {left}; at "
    "least {low} must stay configured.",
    "HSCL1105": "The managed system {name} has lost power (SRC {src}); it cannot be powered "
    "on until power is restored.",
    "HSCL1106": "The serviceable event with problem number {num} was not found.",
    # (ours) workload faults, SEA failover, call home (engine/ops/faults.py)
    "HSCL1110": "The partition {name} is not an uncapped shared processor partition; a "
    "noisy neighbour takes its pool's spare capacity, which only an uncapped partition "
    "can do.",
    # (ours) managed-system power (engine/ops/power.py); IBM documents chsysstate's --force
    # but not the message of the refusal it overrides
    "HSCL1220": "The managed system {name} cannot be powered off: {count} partition(s) are "
    "active ({names}). Shut them down first, or specify --force to shut them down "
    "immediately.",
    # (ours) several managed systems on one HMC (engine/hmc.py); the HMC answers a missing
    # -m with its usage, which an engine operation has no usage to show
    "HSCL1300": "The managed system must be specified (-m): this HMC manages {count} "
    "systems ({names}).",
    "HSCL1301": "The managed system name {name} is already used by another managed system "
    "of this HMC.",
    "HSCL1302": "The managed system {mtms} (type-model*serial) is already managed by this HMC.",
    "HSCL1303": "The managed system {name} has engine_time {time}, the first system {first}: "
    "the systems of one HMC share one clock.",
    # (sourced: IBM Support, "HSCLA319 during LPM Validation of AIX NPIV Client") partition
    # mobility (engine/mobility)
    "HSCLA319": "The migrating partition's virtual fibre channel client adapter {slot} cannot "
    "be hosted by the existing Virtual I/O Server (VIOS) partitions on the destination "
    "managed system. To migrate the partition, set up the necessary VIOS host on the "
    "destination managed system, then try the operation again.",
    # (ours) partition mobility validation and migration (engine/mobility, docs/mobility.md);
    # HSCL1320 quotes the migrlpar man page
    "HSCL1320": "The partition {name} is a Virtual I/O Server partition. Partition migration "
    "operations can be performed for AIX, Linux, or IBM i partitions only.",
    "HSCL1321": "The partition {name} is in state {state}: an active migration needs a "
    "Running partition, an inactive migration a Not Activated one.",
    "HSCL1322": "The migration of partition {name} was stopped: its memory changed faster "
    "({dirty} MB/s) than the mover service partitions could copy it ({bandwidth} MB/s), so "
    "the copy made no progress for {seconds} seconds. The partition keeps running on "
    "{system}.",
    "HSCL1323": "The partition {name} owns the physical I/O adapter {adapter} ({location}); a "
    "migrating partition may have virtual I/O adapters only.",
    "HSCL1324": "There is no mover service partition on managed system {system}: an active "
    "migration needs a running Virtual I/O Server with msp=1 and an active RMC connection "
    "on each system.",
    "HSCL1325": "The mover service partition {name} was not found on managed system {system}, "
    "or it is not a running Virtual I/O Server with msp=1 and an active RMC connection.",
    "HSCL1326": "The virtual Ethernet adapter in slot {slot} of partition {name} is on VLAN "
    "{vlan} of virtual switch {vswitch}, which no shared Ethernet adapter bridges on managed "
    "system {system}.",
    "HSCL1327": "The virtual SCSI adapter in slot {slot} of partition {name} cannot be hosted "
    "on the destination managed system: it uses {reason}.",
    "HSCL1328": "There is not enough memory available on managed system {system} for "
    "partition {name}: {needed} MB required, {available} MB available.",
    "HSCL1329": "There are not enough {what} available in {where}managed system {system} for "
    "partition {name}: {needed} required, {available} available.",
    "HSCL132A": "The processor compatibility mode {mode} of partition {name} is not supported "
    "by managed system {system} (it supports {modes}).",
    "HSCL132B": "A partition named {name} already exists on managed system {system} "
    "(ID {id}).",
    "HSCL132C": "The partition ID {id} cannot be used on managed system {system}: {reason}.",
    "HSCL132D": "The partition {name} does not have an active RMC connection to the "
    "management console; an active migration needs one.",
    "HSCL132E": "{name} already runs {count} partition migrations, the most it supports "
    "({limit}).",
    "HSCL132F": "The partition {name} is already migrating (state {state}).",
    "HSCL1330": "The logical memory block size of managed system {target} ({target_lmb} MB) "
    "differs from that of {source} ({source_lmb} MB); an active migration needs the same "
    "size on both.",
    "HSCL1331": "The managed system {name} is in state {state}; a partition migration needs "
    "both managed systems Operating.",
    "HSCL1333": "The partition {name} is served by two Virtual I/O Servers on {source} but "
    "would be served by one on {target}: it loses VIOS redundancy.",
    "HSCL1334": "The migration input {what} is not valid: {reason}",
    "HSCL1335": "The migration of partition {name} was stopped by {user}; the partition keeps "
    "running on {system}.",
    "HSCL1336": "The migration of partition {name} to {target} failed validation: {reason}",
    "HSCL1337": "The migration of partition {name} did not complete within {minutes} "
    "minute(s), the wait time given (migrlpar -w): it was stopped and the partition keeps "
    "running on {system}.",
    "HSCL1338": "Storage protection is off: the inactive migration of partition {name} moves "
    "it without its virtual {kind} adapter in slot {slot}, which no Virtual I/O Server of "
    "{system} can host.",
    "HSCL1339": "Storage protection cannot be turned off for the active migration of "
    "partition {name} (--protectstorage 2 applies to inactive migrations): its virtual "
    "storage must be reachable on the target.",
    # (ours) the REST API (hmc_tui/rest): logon, sessions, requests, jobs
    "HSCL1360": "The logon failed: the user name or the password is not correct.",
    "HSCL1361": "Too many failed logons from {address}; try again in {seconds} seconds.",
    "HSCL1362": "The password of {user} has expired and must be changed before the REST API "
    "can be used: log in once over SSH with the password and choose a new one, or run "
    "`hmc-tui users passwd {user}` on the server.",
    "HSCL1363": "The session is not valid or has expired (X-API-Session); log on again.",
    "HSCL1364": "There is no resource at {uri}.",
    "HSCL1365": "The request is not valid: {reason}",
    "HSCL1366": "The request body is larger than the {limit} bytes allowed.",
    "HSCL1367": "The {kind} was changed since it was read (its ETag is now {etag}); read it "
    "again and resubmit the change.",
    "HSCL1368": "The job {id} was not found.",
    "HSCL1369": "The operation {op} is not supported on {kind}.",
    "HSCL136A": "The method {method} is not allowed on {uri}.",
    "HSCL136B": "Too many REST API sessions are open ({limit} {who}); log off one first.",
    "HSCL136C": "The REST API could not complete the request because of an internal error; "
    "the service log has the detail.",
    # (ours) REST jobs, cookies and connections (hmc_tui/rest: jobs, system_jobs, connections)
    "HSCL1370": "The job {id} was canceled by {user}; what it had already started in the "
    "managed system goes on.",
    "HSCL1371": "The job {id} has already ended ({status}); it cannot be canceled.",
    "HSCL1372": "Too many connections from {address} ({limit} allowed at once); close one "
    "and try again.",
    "HSCL1373": "Too many jobs are running ({limit}); wait for one to end and try again.",
    "HSCL1374": "The managed system {name} did not reach the state {want}: it is {state}.",
    "HSCL1375": "The partition {name} on {system} did not reach Not Activated: it is "
    "{state}.",
    # (ours) Performance and Capacity Monitoring over REST (hmc_tui/rest/pcm.py)
    "HSCL1380": "The performance monitoring preferences are not valid: {reason}",
    "HSCL1381": "NoOfSamples must be a whole number from 1 to {high}; the value given was "
    "{value}.",
    "HSCL1382": "Energy monitoring is not supported by the managed system {name}.",
    "HSCL1383": "{name} must be a time such as 2026-01-05T08:00:00Z; the value given was "
    "{value}.",
    # (ours) VIOS storage mappings in a REST update (hmc_tui/rest/vios_storage_updates.py)
    "HSCL1384": "{what} of the Virtual I/O Server {vios} has no server slot and names no "
    "client partition (AssociatedLogicalPartition) to create the adapter pair for.",
    "HSCL1385": "The storage type {kind} of a mapping of the Virtual I/O Server {vios} is not "
    "supported; use a PhysicalVolume, VirtualDisk or VirtualOpticalMedia.",
    "HSCL1386": "Slot {slot} of the Virtual I/O Server {vios} is not a {kind} server adapter.",
}


class OpLogError(OSError):
    """The operation log (engine.durable) cannot be written or read: `file` and `reason`
    name the database and what the system said."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


class HmcError(Exception):
    """An error the HMC would print as `HSCLxxxx message`.

    `path` names where the problem lies (a frame field path such as
    `partitions[2].profiles[0].desired_mem`, or a command option) when that is known.
    Control characters in the interpolated values appear escaped in the message (`\\x07`).
    """

    def __init__(self, code: str, path: str = "", /, **fields: object) -> None:
        template = MESSAGES[code]
        self.code = code
        self.path = escape_controls(path)
        self.fields = fields
        # Values come from users and frame files: a control character in one would act on
        # the reader's terminal, so the one place messages are made shows them escaped.
        self.message = escape_controls(template.format(**fields))
        super().__init__(f"{code} {self.message}")

    def at(self, path: str) -> HmcError:
        """The same error located at `path` (used by loaders to add a field path)."""
        return HmcError(self.code, path, **self.fields)

    def __str__(self) -> str:
        return f"{self.code} {self.message}"
