"""The frame model: one managed system, its pools, physical I/O, partitions and VIOS mappings.

Every model is frozen. The engine changes the frame by building new values (structural
sharing through `model_copy(update=...)`), so a snapshot handed to a reader can never change
under it. Field names follow the HMC's attribute names where the HMC has one.

Rules that span fields or objects (min <= desired <= max, slots, pools, ...) live in
`engine.rules`, not here: the model only knows types and ranges of single values.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.hardware import CATALOG, HardwareModel

SystemState = Literal[
    "Operating", "Standby", "Power Off", "Initializing", "Power Off In Progress", "Error"
]
PartitionState = Literal[
    "Not Activated", "Starting", "Running", "Open Firmware", "Shutting Down", "Error",
    "Not Available", "Migrating - Running", "Migrating - Not Activated",
]
LparEnv = Literal["aixlinux", "os400", "vioserver"]
ProcMode = Literal["shared", "ded"]
SharingMode = Literal[
    "cap", "uncap", "keep_idle_procs", "share_idle_procs", "share_idle_procs_active",
    "share_idle_procs_always",
]
SHARED_MODES = ("cap", "uncap")
DEDICATED_MODES = (
    "keep_idle_procs", "share_idle_procs", "share_idle_procs_active", "share_idle_procs_always",
)
BootMode = Literal["norm", "sms", "of", "dd", "ds"]
Keylock = Literal["norm", "manual"]
IplSource = Literal["a", "b", "c", "d"]
RmcState = Literal["active", "inactive", "none"]
StartPolicy = Literal["autostart", "userinit", "autorecovery"]
MirroringMode = Literal["none", "sys_firmware_only"]
RegionSize = Literal[16, 32, 64, 128, 256]
UUID_PATTERN = r"^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$"
HUGE_PAGE_MB = 16384  # the size of one system huge page (lshwres huge_page_size)
ACTIVE_STATES = ("Starting", "Running", "Open Firmware", "Shutting Down", "Error",
                 "Migrating - Running")
# States in which the OS runs (RMC can be up): a partition being migrated runs on (LPM).
RUNNING_STATES = ("Running", "Migrating - Running")
TRANSITIONAL_STATES = ("Starting", "Shutting Down")
POOL_COUNT = 64
# A processor compatibility mode as the HMC names it: default, POWER8, POWER9_base, Power10
CompatMode = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,30}$")]
# chlparutil -r config -s: utilisation sample rates in seconds, 0 = sampling off (IBM's HMC
# chlparutil man page; docs/hmc-commands.md)
SAMPLE_RATES = (0, 30, 60, 300, 900, 1800, 3600)
SampleRate = Literal[0, 30, 60, 300, 900, 1800, 3600]
REFCODE_HISTORY = 100  # reference codes kept per partition (lsrefcode -n)
RESERVED_SLOTS = (0, 1)  # virtual serial (console) server adapters


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- system, pools, physical I/O


class ManagedSystem(Frozen):
    """The managed system. The optional limits below are the figures a real HMC stated
    (imported captures); None means the hardware catalog's figure for the model applies, so
    frame files written before they existed load unchanged."""

    name: str = Field(min_length=1, max_length=63)
    mtm: str = Field(pattern=r"^[0-9A-Z]{4}-[0-9A-Z]{3}$")  # machine type-model: 9009-42A
    serial: str = Field(pattern=r"^[0-9A-Z]{7}$")
    state: SystemState = "Operating"
    firmware: str = ""  # empty: the catalog's level for the model
    ipaddr: str = ""
    installed_procs: int = Field(ge=1)
    configurable_procs: int = Field(ge=1)
    installed_mem: int = Field(ge=1024)  # MB
    configurable_mem: int = Field(ge=1024)  # MB
    mem_region_size: RegionSize = 256  # LMB in MB
    # chsyscfg -r sys / chhwres -r mem -o s (engine/ops/system.py); pend_*: next power-on
    power_off_policy: Literal[0, 1] = 1
    power_on_lpar_start_policy: StartPolicy = "autostart"
    pend_power_on_lpar_start_policy: StartPolicy = "autostart"
    configurable_num_sys_huge_pages: int = Field(default=0, ge=0)
    requested_num_sys_huge_pages: int = Field(default=0, ge=0)
    mem_mirroring_mode: MirroringMode = "none"
    pend_mem_mirroring_mode: MirroringMode = "none"
    pend_mem_region_size: RegionSize | Literal["auto"] | None = None  # None: unchanged
    epoch: datetime = datetime(2026, 1, 5, 8, 0, 0)  # engine time 0 on the wall calendar
    # lssyscfg -r sys / lshwres -r proc|mem --level sys figures that win over the catalog:
    max_lpars: int | None = Field(default=None, ge=1)
    max_procs_per_lpar: int | None = Field(default=None, ge=1)
    max_virtual_procs_per_lpar: int | None = Field(default=None, ge=1)
    min_proc_units_per_vp: float | None = Field(default=None, gt=0, le=1)
    # lpar_proc_compat_modes, oldest first ("default,POWER8,POWER9_base,POWER9"); () = the
    # catalog's generation
    proc_compat_modes: tuple[CompatMode, ...] = ()
    # Hypervisor memory before any partition runs, derived at import so that the frame's
    # sys_firmware_mem equals the captured one; None = the catalog's base.
    hypervisor_base_mem: int | None = Field(default=None, ge=0)
    sample_rate: SampleRate = 30  # seconds between utilisation samples (lslparutil -r config)
    uuid: str = Field(default="", pattern=UUID_PATTERN)  # REST API; "": derived (hmc_tui/rest)
    callhome: bool = True  # the HMC calls serviceable events home (chsacfg -t callhome)


class SharedPool(Frozen):
    id: int = Field(ge=0, lt=POOL_COUNT)
    name: str = Field(min_length=1, max_length=63)
    max_proc_units: int = Field(default=0, ge=0)  # 0 = inactive; ignored for DefaultPool
    reserved_proc_units: float = Field(default=0.0, ge=0)

    @property
    def is_default(self) -> bool:
        return self.id == 0


def default_pool(pool_id: int) -> SharedPool:
    return SharedPool(id=0, name="DefaultPool") if pool_id == 0 else SharedPool(
        id=pool_id, name=f"SharedPool{pool_id:02d}"
    )


PortProperty = Literal["wwpn", "mac", "npiv", "max_npiv"]


class PhysicalPort(Frozen):
    name: str  # device name in the owning partition: fcs0, ent0
    location: str  # U78DA.ND0.WZS0001-P0-C1-T1
    wwpn: str = ""  # FC ports: 16 hex digits
    mac: str = ""  # Ethernet ports: 12 hex digits
    npiv: bool = True  # FC: NPIV capable
    max_npiv: int = 64  # FC: target ports (tports)
    # FC: the SAN fabric the port is zoned on ("" = the one default fabric); partition
    # mobility needs a target port on the fabric of the client's WWPNs (engine/mobility)
    fabric: str = ""
    # Properties no capture showed (a port known only from `lsmap -npiv`): their values
    # above are defaults, not what the real port has.
    unknown: tuple[PortProperty, ...] = ()


class PhysicalAdapter(Frozen):
    # "" = not known: an adapter seen only through a VIOS listing (its slot was not in an
    # I/O capture), so the HMC's listings of slots leave it out.
    drc_index: str = Field(pattern=r"^([0-9A-F]{8})?$")
    location: str  # slot location code
    description: str
    kind: Literal["fc", "eth", "sas", "nvme"]
    owner: int | None = None  # partition id that owns the slot, None = unassigned
    ports: tuple[PhysicalPort, ...] = ()


class Disk(Frozen):
    """A device a VIOS can use as a virtual SCSI backing device."""

    name: str  # hdisk2, datavg_lv01, /var/vio/VMLibrary/aix73.iso
    kind: Literal["disk", "lv", "file"] = "disk"
    size_gb: int = Field(default=100, ge=1)
    unique_id: str = ""  # LUN serial, shared by every VIOS that sees the same LUN
    owners: tuple[int, ...] = ()  # VIOS partition ids that see the device


class PhysicalIO(Frozen):
    adapters: tuple[PhysicalAdapter, ...] = ()
    disks: tuple[Disk, ...] = ()


# ---------------------------------------------------------------- partitions


class Resources(Frozen):
    """Processor and memory settings: a profile's, or a running partition's current ones.

    For the current configuration of a running partition the `desired_*` values are the
    HMC's `curr_*` values (what the hypervisor has granted now).
    """

    proc_mode: ProcMode = "shared"
    min_proc_units: float | None = None  # shared only
    desired_proc_units: float | None = None
    max_proc_units: float | None = None
    min_procs: int = Field(default=1, ge=1)  # virtual processors, or dedicated cores
    desired_procs: int = Field(default=1, ge=1)
    max_procs: int = Field(default=1, ge=1)
    sharing_mode: SharingMode = "uncap"
    uncap_weight: int = 128
    shared_proc_pool_id: int = 0
    min_mem: int = 1024  # MB
    desired_mem: int = 4096
    max_mem: int = 8192
    hpt_ratio: Literal["1:32", "1:64", "1:128", "1:256", "1:512"] = "1:128"
    max_virtual_slots: int = 20

    @property
    def shared(self) -> bool:
        return self.proc_mode == "shared"

    @property
    def entitlement(self) -> float:
        """Entitled processing units (shared) or cores owned (dedicated)."""
        if self.shared:
            return float(self.desired_proc_units or 0.0)
        return float(self.desired_procs)

    @property
    def capped(self) -> bool:
        return self.sharing_mode == "cap"

    @property
    def donates_while_active(self) -> bool:
        return self.sharing_mode in ("share_idle_procs_active", "share_idle_procs_always")


class Profile(Resources):
    name: str = Field(min_length=1, max_length=31)
    boot_mode: BootMode = "norm"
    keylock: Keylock = "norm"  # IBM i
    ipl_source: IplSource = "a"  # IBM i
    auto_start: bool = False
    conn_monitoring: bool = False


class VirtualScsi(Frozen):
    type: Literal["scsi"] = "scsi"
    slot: int = Field(ge=0)
    side: Literal["server", "client"]
    remote_lpar_id: int | None = None  # server: None = any partition
    remote_slot: int | None = None
    required: bool = False


class VirtualFc(Frozen):
    type: Literal["fc"] = "fc"
    slot: int = Field(ge=0)
    side: Literal["server", "client"]
    remote_lpar_id: int | None = None
    remote_slot: int | None = None
    wwpns: tuple[str, str] | None = None  # client: the HMC-generated pair
    required: bool = False


class VirtualEth(Frozen):
    type: Literal["eth"] = "eth"
    slot: int = Field(ge=0)
    pvid: int = Field(default=1, ge=1, le=4094)
    vlans: tuple[int, ...] = ()  # additional VLAN ids (trunk / IEEE 802.1Q)
    ieee: bool = False
    trunk_priority: int = Field(default=0, ge=0, le=15)  # 0 = not a trunk adapter
    vswitch: str = "ETHERNET0"
    mac: str = Field(default="", pattern=r"^([0-9A-F]{12})?$")
    required: bool = False


VirtualAdapter = Annotated[VirtualScsi | VirtualFc | VirtualEth, Field(discriminator="type")]


class VscsiMapping(Frozen):
    """vhost (server adapter slot) -> virtual target device -> backing device.

    A file-backed virtual optical device (`mkvdev -fbo`) is a mapping whose backing is a
    media file of the VIOS's repository (a Disk of kind "file", loaded with `loadopt`) or
    "" while it holds no media.
    """

    vhost_slot: int
    vtd: str  # vtscsi0, vtopt0
    backing: str  # a Disk name the VIOS sees; "" = an optical device with no media
    lun: int = Field(default=1, ge=1)  # 1 -> 0x8100000000000000


class NpivMapping(Frozen):
    """vfchost (server adapter slot) -> physical FC port of the VIOS."""

    vfchost_slot: int
    port: str  # fcs0


class SharedEthernetAdapter(Frozen):
    name: str  # ent8
    physical: str  # ent0 (a physical port of the VIOS)
    trunk_slots: tuple[int, ...]  # virtual Ethernet trunk adapters bridged
    default_slot: int  # -default adapter; its PVID is -defaultid
    ctl_chan_slot: int | None = None  # control channel adapter (None: VLAN 4095 simplification)
    ha_mode: Literal["auto", "sharing", "standby", "disabled"] = "auto"


class MediaRepository(Frozen):
    """The VIOS's virtual media repository (`mkrep -sp POOL -size N`): where the media
    files (Disks of kind "file", /var/vio/VMLibrary/NAME) live."""

    pool: str = "rootvg"
    size_mb: int = Field(ge=1)


class RefcodeEntry(Frozen):
    """One reference code a partition posted, at an engine time (lsrefcode -n)."""

    time: float = Field(ge=0)  # engine seconds
    refcode: str


WORKLOAD_KINDS = (  # engine.workload.DEFAULTS defines each; a test keeps the two equal
    "steady", "diurnal", "batch", "bursty", "idle", "oltp", "hana", "ibmi_batch", "vios",
)


class Workload(Frozen):
    kind: str = "steady"
    params: dict[str, float] = Field(default_factory=dict)


class Partition(Frozen):
    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=47)
    env: LparEnv
    os_version: str = "Unknown"
    state: PartitionState = "Not Activated"
    refcode: str = ""
    rmc_state: RmcState = "inactive"
    rmc_ipaddr: str = ""
    default_profile: str
    curr_profile: str = ""
    boot_mode: BootMode = "norm"  # of the current / last activation
    keylock: Keylock = "norm"
    bootable: bool = True  # has an OS to boot; False: activation stops at a boot-device error
    lpar_avail_priority: int = Field(default=127, ge=0, le=255)
    # curr_lpar_proc_compat_mode of an active partition ("" = the frame's newest mode) and
    # the desired one ("default" = the newest the firmware allows)
    curr_proc_compat_mode: CompatMode | Literal[""] = ""
    desired_proc_compat_mode: CompatMode = "default"
    profiles: tuple[Profile, ...] = Field(min_length=1)
    current: Resources | None = None  # granted resources while active
    # What a Not Activated partition keeps configured (HMC V8R8.4+, resource_config=1: the
    # curr_* values of lshwres --level lpar); None = nothing beyond its profiles.
    configured: Resources | None = None
    adapters: tuple[VirtualAdapter, ...] = ()
    vscsi_mappings: tuple[VscsiMapping, ...] = ()  # VIOS only
    npiv_mappings: tuple[NpivMapping, ...] = ()  # VIOS only
    seas: tuple[SharedEthernetAdapter, ...] = ()  # VIOS only
    media_repository: MediaRepository | None = None  # VIOS only (mkrep)
    workload: Workload = Workload()
    sync_curr_profile: Literal[0, 1, 2] = 0  # 2: suspended until the next activate/apply
    vios_license_accepted: bool = True  # a freshly installed VIOS has not accepted it yet
    refcode_history: tuple[RefcodeEntry, ...] = ()  # oldest first, REFCODE_HISTORY at most
    msp: bool = True  # VIOS only: a mover service partition for partition mobility (msp=1)
    uuid: str = Field(default="", pattern=UUID_PATTERN)  # REST API; "": derived (hmc_tui/rest)

    @property
    def is_vios(self) -> bool:
        return self.env == "vioserver"

    @property
    def active(self) -> bool:
        """Holds resources: anything but Not Activated / Not Available."""
        return self.state in ACTIVE_STATES

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def adapter(self, slot: int) -> VirtualScsi | VirtualFc | VirtualEth | None:
        return next((a for a in self.adapters if a.slot == slot), None)

    def settings(self) -> Resources:
        """What applies now: the current config when active, else the default profile."""
        if self.current is not None:
            return self.current
        return self.profile(self.default_profile) or self.profiles[0]


# ---------------------------------------------------------------- faults and their effects
# engine/ops/faults.py injects and clears faults; engine/redundancy/ derives what they do
# (docs/powervm-rules.md section 13).

FaultKind = Literal["port_down", "core", "dimm", "crash", "power_loss", "runaway", "memleak",
                    "noisy", "callhome_down"]


class Fault(Frozen):
    """A fault in the frame now: what failed, where, since when (engine seconds)."""

    kind: FaultKind
    # port location code, "core N", "dimm N", partition name (crash, runaway, memleak,
    # noisy), "system" or "hmc" (callhome_down: the HMC's link to IBM)
    target: str
    since: float = Field(default=0.0, ge=0)
    # cores (core) or MB (dimm) taken out of service; memleak: MB leaked per engine minute
    amount: int = Field(default=0, ge=0)
    problem_num: int = Field(default=0, ge=0)  # the serviceable event it opened


CallHomeState = Literal["Pending", "Sent", "Failed", "Disabled", "Not required"]


class ServiceEvent(Frozen):
    """A serviceable event (lssvcevents -t hardware): the SRC a fault logged."""

    problem_num: int = Field(ge=1)
    refcode: str  # the SRC, 8 characters
    text: str
    fru: str = ""  # location code (or name) of the failing part
    first_time: float = Field(default=0.0, ge=0)  # engine seconds
    last_time: float = Field(default=0.0, ge=0)
    status: Literal["Open", "Closed"] = "Open"
    callhome_intended: bool = True
    # Call home (engine/ops/faults.py): "Pending" until `callhome_due`, then "Sent" (or
    # "Failed" while the HMC's call-home link is down: a callhome_down fault); "Disabled"
    # when call home was off (chsacfg), "Not required" for events not called home or closed
    # before their call home was made.
    call_home: CallHomeState = "Sent"
    callhome_due: float = Field(default=0.0, ge=0)  # engine seconds


class Outage(Frozen):
    """What a fault did to a partition that must be undone when it is repaired (kept by
    engine/redundancy/outages.py): "rmc" = RMC lost with its last network path, "rootvg" = the boot
    disk lost its last path (the OS hangs, then crashes), "missing" = the OS booted while
    VIOS `vios_id` was down, so its paths through it stay Missing until `cfgmgr`."""

    lpar_id: int = Field(ge=1)
    kind: Literal["rmc", "rootvg", "missing"]
    since: float = Field(default=0.0, ge=0)
    vios_id: int = Field(default=0, ge=0)  # "missing": the VIOS


# ---------------------------------------------------------------- partition mobility
# engine/mobility validates and times a migration; engine/ops/mobility.py runs it.

MigrationKind = Literal["active", "inactive"]
# lslparmigr -r lpar migration_state while a migration is under way (docs/mobility.md)
MigrationState = Literal[
    "Migration Starting", "Migration In Progress", "Suspending", "Recovery Required",
]


class Migration(Frozen):
    """A partition migration under way, kept by the source frame until it ends. Memory
    figures are MB; times are engine seconds (engine/mobility/timing.py moves them on)."""

    lpar_id: int = Field(ge=1)  # on the source system
    name: str
    kind: MigrationKind
    target: str  # the target managed system's name
    dest_lpar_id: int = Field(ge=1)
    state: MigrationState = "Migration Starting"
    started: float = Field(default=0.0, ge=0)
    phase_end: float = Field(default=0.0, ge=0)  # end of the timed phase (start, suspend, ...)
    updated: float = Field(default=0.0, ge=0)  # engine time the copy was last moved on to
    mem_mb: int = Field(default=0, ge=0)
    bandwidth: float = Field(default=0.0, ge=0)  # MB/s between the mover service partitions
    remaining_mb: float = Field(default=0.0, ge=0)  # still to copy
    sent_mb: float = Field(default=0.0, ge=0)
    best_mb: float = Field(default=0.0, ge=0)  # the least remaining so far ...
    best_at: float = Field(default=0.0, ge=0)  # ... and when (no progress for long: stopped)
    dirty_mb_s: float = Field(default=0.0, ge=0)  # pages dirtied per second in the last step
    source_msp: str = ""
    dest_msp: str = ""
    pool: str = ""  # the target shared processor pool
    vscsi: tuple[tuple[int, int], ...] = ()  # client slot -> target VIOS id
    vfc: tuple[tuple[int, int], ...] = ()
    error: str = ""  # why it stopped (Recovery Required)
class SeaTakeover(Frozen):
    """An SEA taking over bridging from another of its failover group (a failover, or the
    failback to the primary): it bridges only from `until` (engine/redundancy/sea.py)."""

    vios_id: int = Field(ge=1)
    sea: str  # ent8
    until: float = Field(default=0.0, ge=0)  # engine seconds


# ---------------------------------------------------------------- hardware figures

# One entry per distinct system figures seen (a handful per process): `Frame.hardware` is
# read on every rule check.
_HW_CACHE: dict[tuple[object, ...], HardwareModel] = {}


def generation_of(modes: tuple[str, ...]) -> str:
    """The processor generation from lpar_proc_compat_modes: the newest mode, without the
    `_base`/`_Base` variant suffix (POWER9_base, POWER9 -> POWER9; Power10 -> Power10)."""
    named = [m for m in modes if m.lower() != "default"]
    return re.sub(r"_base$", "", named[-1], flags=re.IGNORECASE) if named else ""


def generic_hw(s: ManagedSystem) -> HardwareModel:
    """Figures for a machine type-model the catalog does not know: no more than what the
    captures show (installed cores and memory are the maxima) and PowerVM's usual limits."""
    return HardwareModel(
        mtm=s.mtm, name=f"Power {s.mtm}", generation=generation_of(s.proc_compat_modes)
        or "POWER", max_cores=s.installed_procs, max_memory_mb=s.installed_mem,
        max_lpars=1000, min_proc_units_per_vp=0.05, lmb_mb=s.mem_region_size,
        max_shared_pools=64, max_virtual_slots=32767, max_vps_per_lpar=s.installed_procs,
        hypervisor_base_mem_mb=0, os400_capable=True, firmware="",
    )


def hardware_of(s: ManagedSystem) -> HardwareModel:
    base = CATALOG.get(s.mtm) or generic_hw(s)
    update: dict[str, object] = {}
    if s.max_lpars is not None:
        update["max_lpars"] = s.max_lpars
    if s.max_virtual_procs_per_lpar is not None:
        update["max_vps_per_lpar"] = s.max_virtual_procs_per_lpar
    if s.min_proc_units_per_vp is not None:
        update["min_proc_units_per_vp"] = s.min_proc_units_per_vp
    if s.hypervisor_base_mem is not None:
        update["hypervisor_base_mem_mb"] = s.hypervisor_base_mem
    if s.proc_compat_modes and generation_of(s.proc_compat_modes):
        update["generation"] = generation_of(s.proc_compat_modes)
    return base.model_copy(update=update) if update else base


# ---------------------------------------------------------------- the frame


class Frame(Frozen):
    format: Literal[1] = 1
    system: ManagedSystem
    pools: tuple[SharedPool, ...] = Field(default=(), validate_default=True)
    io: PhysicalIO = PhysicalIO()
    partitions: tuple[Partition, ...] = ()
    engine_time: float = Field(default=0.0, ge=0)  # seconds since system.epoch
    faults: tuple[Fault, ...] = ()
    svc_events: tuple[ServiceEvent, ...] = ()  # oldest first
    outages: tuple[Outage, ...] = ()
    migrations: tuple[Migration, ...] = ()  # partitions migrating away from this system
    sea_takeovers: tuple[SeaTakeover, ...] = ()  # SEAs still in their failover delay

    @field_validator("pools", mode="after")
    @classmethod
    def _all_pools(cls, pools: tuple[SharedPool, ...]) -> tuple[SharedPool, ...]:
        """Always hold the 64 pools, ordered by id; a file lists only configured ones."""
        given = {p.id: p for p in pools}
        return tuple(given.get(i) or default_pool(i) for i in range(POOL_COUNT))

    # -- lookups
    @property
    def hardware(self) -> HardwareModel:
        """The catalog's model, with the figures the real HMC stated (system fields) winning;
        a machine type-model the catalog does not know gets generic figures (`generic_hw`)."""
        s = self.system
        key = (s.mtm, s.installed_procs, s.installed_mem, s.mem_region_size, s.max_lpars,
               s.max_virtual_procs_per_lpar, s.min_proc_units_per_vp, s.proc_compat_modes,
               s.hypervisor_base_mem)
        found = _HW_CACHE.get(key)
        if found is None:
            found = _HW_CACHE[key] = hardware_of(s)
        return found

    def partition(self, key: str | int) -> Partition | None:
        """By name, or by id when `key` is an int."""
        if isinstance(key, int):
            return next((p for p in self.partitions if p.id == key), None)
        return next((p for p in self.partitions if p.name == key), None)

    def pool(self, key: str | int) -> SharedPool | None:
        if isinstance(key, int):
            return self.pools[key] if 0 <= key < len(self.pools) else None
        return next((p for p in self.pools if p.name == key), None)

    def pool_members(self, pool_id: int) -> list[Partition]:
        """Active shared partitions whose current configuration is in the pool."""
        return [
            p for p in self.partitions
            if p.current is not None and p.current.shared
            and p.current.shared_proc_pool_id == pool_id
        ]

    # -- faults
    def deconfigured_procs(self) -> int:
        """Cores the service processor has taken out of service (core faults)."""
        return sum(f.amount for f in self.faults if f.kind == "core")

    def deconfigured_mem(self) -> int:
        """Memory (MB) taken out of service by DIMM faults."""
        return sum(f.amount for f in self.faults if f.kind == "dimm")

    def ports_down(self) -> frozenset[str]:
        """Location codes of the physical ports that are down."""
        return frozenset(f.target for f in self.faults if f.kind == "port_down")

    # -- resources the hypervisor has handed out
    def assigned_proc_units(self) -> float:
        return round(sum(p.current.entitlement for p in self.partitions if p.current), 2)

    def avail_proc_units(self) -> float:
        return round(self.system.configurable_procs - self.assigned_proc_units(), 2)

    def firmware_mem(self) -> int:
        """Hypervisor memory: a base plus each active partition's page table (HPT)."""
        lmb = self.system.mem_region_size
        total = self.hardware.hypervisor_base_mem_mb
        for p in self.partitions:
            if p.current is not None:
                ratio = int(p.current.hpt_ratio.split(":")[1])
                total += -(-p.current.max_mem // ratio // lmb) * lmb  # round up to an LMB
        return total

    def assigned_mem(self) -> int:
        return sum(p.current.desired_mem for p in self.partitions if p.current)

    def avail_mem(self) -> int:
        huge = self.system.configurable_num_sys_huge_pages * HUGE_PAGE_MB
        return self.system.configurable_mem - self.firmware_mem() - self.assigned_mem() - huge

    def pool_entitled(self, pool_id: int) -> float:
        """Entitled pool capacity: member entitlements plus the pool's reserve."""
        return self.pools_entitled()[pool_id]

    def pools_entitled(self) -> list[float]:
        """Entitled capacity of every pool (index = pool id), in one pass over partitions."""
        totals = [pool.reserved_proc_units for pool in self.pools]
        for p in self.partitions:
            if p.current is not None and p.current.shared:
                totals[p.current.shared_proc_pool_id] += p.current.entitlement
        return [round(t, 2) for t in totals]

    # -- naming
    def location(self, lpar_id: int, slot: int) -> str:
        """Virtual adapter location code: U<type>.<model>.<serial>-V<id>-C<slot>."""
        hw = self.hardware
        return f"U{hw.machine_type}.{hw.model}.{self.system.serial}-V{lpar_id}-C{slot}"

    @property
    def mtms(self) -> str:
        return f"{self.system.mtm}*{self.system.serial}"

    # -- building changed frames
    def with_partition(self, new: Partition) -> Frame:
        """This frame with the partition of the same id replaced (or appended)."""
        parts = list(self.partitions)
        for i, p in enumerate(parts):
            if p.id == new.id:
                parts[i] = new
                break
        else:
            parts.append(new)
            parts.sort(key=lambda p: p.id)
        return self.model_copy(update={"partitions": tuple(parts)})

    def without_partition(self, lpar_id: int) -> Frame:
        parts = tuple(p for p in self.partitions if p.id != lpar_id)
        return self.model_copy(update={"partitions": parts})

    def with_pool(self, new: SharedPool) -> Frame:
        pools = list(self.pools)
        pools[new.id] = new
        return self.model_copy(update={"pools": tuple(pools)})
