"""The uom objects as the HMC writes them, from a frame: ManagementConsole, ManagedSystem,
LogicalPartition / VirtualIOServer, LogicalPartitionProfile, SharedProcessorPool,
VirtualSwitch and VirtualNetwork, plus the `quick` JSON views.

Element names are the ones pypowervm's wrappers read (pypowervm/wrappers/*.py) and the
values are spelt as the HMC spells them there: states in lower case ("running", "not
activated"), partition types "AIX/Linux", "OS400", "Virtual IO Server", memory in MB.
"""

from __future__ import annotations

import os
import platform
from typing import Any

from engine.model import Frame, Partition, Profile, Resources, VirtualEth
from engine.redundancy import sea_roles
from hmc_tui.rest import uuids, vios_storage
from hmc_tui.rest import xml as x

PARTITION_TYPES = {"aixlinux": "AIX/Linux", "os400": "OS400", "vioserver": "Virtual IO Server"}
SHARING_MODES = {
    "cap": "capped", "uncap": "uncapped", "keep_idle_procs": "keep idle procs",
    "share_idle_procs": "sre idle proces", "share_idle_procs_active": "sre idle procs active",
    "share_idle_procs_always": "sre idle procs always",
}
BOOT_MODES = {"norm": "Normal", "sms": "System_Management_Services", "of": "Open_Firmware",
              "dd": "Diagnostic_With_Default_Boot_List", "ds": "Diagnostic_With_Stored_Boot_List"}
KEYLOCK = {"norm": "normal", "manual": "manual"}


class Urls:
    """The links objects carry: absolute, on the host the client asked."""

    def __init__(self, base: str, frame: Frame) -> None:
        self.base = base.rstrip("/")  # https://host:port/rest/api/uom
        self.frame = frame
        self.sys_uuid = uuids.system_uuid(frame.system)

    def system(self) -> str:
        return f"{self.base}/ManagedSystem/{self.sys_uuid}"

    def lpar(self, p: Partition) -> str:
        kind = "VirtualIOServer" if p.is_vios else "LogicalPartition"
        return f"{self.system()}/{kind}/{uuids.partition_uuid(self.frame.system, p)}"

    def top_lpar(self, p: Partition) -> str:
        kind = "VirtualIOServer" if p.is_vios else "LogicalPartition"
        return f"{self.base}/{kind}/{uuids.partition_uuid(self.frame.system, p)}"

    def profile(self, p: Partition, prof: Profile) -> str:
        return (f"{self.top_lpar(p)}/LogicalPartitionProfile/"
                f"{uuids.profile_uuid(self.frame.system, p, prof)}")

    def pool(self, pool_id: int) -> str:
        return f"{self.system()}/SharedProcessorPool/{uuids.pool_uuid(self.frame.system, pool_id)}"


def state(p: Partition) -> str:
    return p.state.lower()


# ---------------------------------------------------------------- ManagementConsole

def management_console(systems: list[Urls], version: str) -> x.Element:
    """The HMC itself, linking every managed system it manages."""
    obj = x.element("ManagementConsole", atom_id=uuids.console_uuid())
    leaf = x.leaf
    managed = x.child(obj, "ManagedSystems", schema=False)
    for urls in systems:
        x.ET.SubElement(managed, f"{{{x.UOM_NS}}}link", {"href": urls.system(), "rel": "related"})
    mtms = x.child(obj, "MachineTypeModelAndSerialNumber")
    leaf(mtms, "MachineType", "7063")  # the HMC appliance's type (7063-CR2)
    leaf(mtms, "Model", "CR2")
    leaf(mtms, "SerialNumber", uuids.console_uuid().replace("-", "")[:7].upper())
    leaf(obj, "ManagementConsoleName", "hmc-tui")
    info = x.child(obj, "VersionInfo")
    leaf(info, "BuildLevel", version)
    leaf(info, "Maintenance", "0")
    leaf(info, "Minor", "1")
    leaf(info, "Release", "10")
    leaf(info, "ServicePackName", "hmc-tui")
    leaf(info, "Version", "V10")
    leaf(obj, "BaseVersion", "V10R1")
    procs = x.child(obj, "ProcConfiguration")
    leaf(procs, "NumberOfProcessors", os.cpu_count() or 1)
    leaf(procs, "ModelName", platform.processor() or platform.machine())
    leaf(procs, "Architecture", platform.machine())
    return obj


# ---------------------------------------------------------------- ManagedSystem

def managed_system(frame: Frame, urls: Urls) -> x.Element:
    s = frame.system
    hw = frame.hardware
    obj = x.element("ManagedSystem", atom_id=urls.sys_uuid)
    leaf = x.leaf
    lpars = x.child(obj, "AssociatedLogicalPartitions", schema=False)
    vioses = x.child(obj, "AssociatedVirtualIOServers", schema=False)
    for p in frame.partitions:
        x.ET.SubElement(vioses if p.is_vios else lpars, f"{{{x.UOM_NS}}}link",
                        {"href": urls.lpar(p), "rel": "related"})
    caps = x.child(obj, "AssociatedSystemCapabilities")
    for name, value in (("ActiveLogicalPartitionMobilityCapable", True),
                        ("InactiveLogicalPartitionMobilityCapable", True),
                        ("AIXCapable", True), ("LinuxCapable", True),
                        ("IBMiCapable", hw.os400_capable),
                        ("SharedProcessorPoolCapable", True),
                        ("VirtualIOServerCapable", True)):
        leaf(caps, name, value)
    mem = x.child(obj, "AssociatedSystemMemoryConfiguration")
    leaf(mem, "ConfigurableSystemMemory", s.configurable_mem)
    leaf(mem, "CurrentAvailableSystemMemory", frame.avail_mem())
    leaf(mem, "InstalledSystemMemory", s.installed_mem)
    leaf(mem, "MemoryRegionSize", s.mem_region_size)
    leaf(mem, "MemoryUsedByHypervisor", frame.firmware_mem())
    proc = x.child(obj, "AssociatedSystemProcessorConfiguration")
    leaf(proc, "ConfigurableSystemProcessorUnits", float(s.configurable_procs))
    leaf(proc, "CurrentAvailableSystemProcessorUnits", frame.avail_proc_units())
    leaf(proc, "CurrentMaximumAllowedProcessorsPerPartition", hw.max_cores)
    leaf(proc, "InstalledSystemProcessorUnits", float(s.installed_procs))
    leaf(proc, "MaximumAllowedVirtualProcessorsPerPartition", hw.max_vps_per_lpar)
    leaf(proc, "MinimumProcessorUnitsPerVirtualProcessor", hw.min_proc_units_per_vp)
    modes = x.child(proc, "SupportedPartitionProcessorCompatibilityModes", schema=False)
    modes.text = " ".join(s.proc_compat_modes or ("default",))
    mtms = x.child(obj, "MachineTypeModelAndSerialNumber")
    machine, model = s.mtm.split("-")
    leaf(mtms, "MachineType", machine)
    leaf(mtms, "Model", model)
    leaf(mtms, "SerialNumber", s.serial)
    leaf(obj, "PrimaryIPAddress", s.ipaddr or "127.0.0.1")
    leaf(obj, "State", s.state.lower())
    leaf(obj, "SystemName", s.name, kb="CUR")
    leaf(obj, "SystemFirmware", s.firmware or hw.firmware)
    return obj


def system_quick(frame: Frame, urls: Urls) -> dict[str, Any]:
    s = frame.system
    machine, model = s.mtm.split("-")
    return {
        "UUID": urls.sys_uuid, "SystemName": s.name, "State": s.state.lower(),
        "MachineType": machine, "Model": model, "SerialNumber": s.serial,
        "MTMS": frame.mtms, "IPAddress": s.ipaddr or "127.0.0.1",
        "SystemFirmware": s.firmware or frame.hardware.firmware,
        "InstalledSystemProcessorUnits": s.installed_procs,
        "ConfigurableSystemProcessorUnits": s.configurable_procs,
        "CurrentAvailableSystemProcessorUnits": frame.avail_proc_units(),
        "InstalledSystemMemory": s.installed_mem,
        "ConfigurableSystemMemory": s.configurable_mem,
        "CurrentAvailableSystemMemory": frame.avail_mem(),
        "MemoryUsedByHypervisor": frame.firmware_mem(),
        "ActivePartitionCount": sum(p.active for p in frame.partitions),
        "PartitionCount": len(frame.partitions),
    }


# ---------------------------------------------------------------- partitions

def partition(frame: Frame, urls: Urls, p: Partition,
              groups: frozenset[str] | None = None) -> x.Element:
    """A LogicalPartition or VirtualIOServer element (base_partition.py's elements); of a
    VIOS's storage groups (vios_storage) those in `groups`, every one when None."""
    puuid = uuids.partition_uuid(frame.system, p)
    obj = x.element("VirtualIOServer" if p.is_vios else "LogicalPartition", atom_id=puuid)
    leaf = x.leaf
    prof = p.profile(p.curr_profile or p.default_profile) or p.profiles[0]
    x.link(obj, "AssociatedPartitionProfile", urls.profile(p, prof))
    leaf(obj, "AvailabilityPriority", p.lpar_avail_priority, kb="CUD")
    leaf(obj, "CurrentProcessorCompatibilityMode", p.curr_proc_compat_mode or "default")
    leaf(obj, "CurrentProfileSync", "On" if p.sync_curr_profile == 1 else "Off", kb="CUD")
    leaf(obj, "IsBootable", p.bootable)
    leaf(obj, "IsConnectionMonitoringEnabled", prof.conn_monitoring, kb="CUD")
    leaf(obj, "IsOperationInProgress", p.state in ("Starting", "Shutting Down"))
    leaf(obj, "KeylockPosition", KEYLOCK[p.keylock], kb="CUD")
    leaf(obj, "OperatingSystemVersion", p.os_version)
    _memory(obj, p)
    leaf(obj, "PartitionID", p.id, kb="COD")
    leaf(obj, "PartitionName", p.name, kb="CUR")
    _processors(obj, p)
    x.link(obj, "AssociatedManagedSystem", urls.system(), kb="ROR")
    leaf(obj, "PartitionState", state(p))
    leaf(obj, "PartitionType", PARTITION_TYPES[p.env], kb="COD")
    leaf(obj, "PartitionUUID", puuid)
    leaf(obj, "PendingProcessorCompatibilityMode", p.desired_proc_compat_mode, kb="CUD")
    pool_id = p.settings().shared_proc_pool_id if p.settings().shared else 0
    x.link(obj, "ProcessorPool", urls.pool(pool_id))
    leaf(obj, "ResourceMonitoringControlState", p.rmc_state)
    leaf(obj, "ResourceMonitoringIPAddress", p.rmc_ipaddr)
    leaf(obj, "ReferenceCode", p.refcode)
    leaf(obj, "BootMode", BOOT_MODES[p.boot_mode], kb="CUD")
    leaf(obj, "CurrentProfile", p.curr_profile)
    leaf(obj, "DefaultProfile", p.default_profile, kb="CUD")
    if p.is_vios:
        vios_storage.before_network(obj, frame, urls, p, groups)
    if p.is_vios and p.seas:
        _seas(obj, frame, urls, p)
    if p.is_vios:
        vios_storage.after_network(obj, frame, urls, p, groups)
    return obj


def _seas(obj: x.Element, frame: Frame, urls: Urls, p: Partition) -> None:
    """A VIOS's shared Ethernet adapters (pypowervm's network.SEA): the physical port
    bridged, the trunk adapters with their VLANs and priority, and whether the SEA is the
    primary of its failover group now (engine.redundancy decides it, as lshwres shows)."""
    leaf = x.leaf
    roles = {r.sea: r for r in sea_roles(frame) if r.vios_id == p.id}
    switches = vswitches(frame)
    seas = x.child(obj, "SharedEthernetAdapters")
    for sea in p.seas:
        one = x.child(seas, "SharedEthernetAdapter", schema=False)
        one.set("schemaVersion", x.SCHEMA_VERSION)
        x.link(one, "AssignedVirtualIOServer", urls.lpar(p), kb="ROR")
        backing = x.child(one, "BackingDeviceChoice", schema=False)
        device = x.child(backing, "EthernetBackingDevice")
        leaf(device, "DeviceName", sea.physical)
        default = p.adapter(sea.default_slot)
        leaf(one, "HighAvailabilityMode", sea.ha_mode, kb="CUD")
        leaf(one, "DeviceName", sea.name)
        leaf(one, "PortVLANID", default.pvid if isinstance(default, VirtualEth) else 1)
        trunks = x.child(one, "TrunkAdapters", schema=False)
        for slot in sea.trunk_slots:
            a = p.adapter(slot)
            if not isinstance(a, VirtualEth):
                continue
            t = x.child(trunks, "TrunkAdapter")
            leaf(t, "LocationCode", frame.location(p.id, slot))
            leaf(t, "RequiredAdapter", a.required)
            leaf(t, "VirtualSlotNumber", slot)
            leaf(t, "PortVLANID", a.pvid)
            leaf(t, "TaggedVLANIDs", " ".join(str(v) for v in a.vlans))
            leaf(t, "TaggedVLANSupported", a.ieee or bool(a.vlans))
            leaf(t, "TrunkPriority", a.trunk_priority)
            leaf(t, "VirtualSwitchID", switches.index(a.vswitch) if a.vswitch in switches
                 else 0)
        role = roles.get(sea.name)
        leaf(one, "IsPrimary", role is not None and role.state.startswith("PRIMARY"))


def wanted(p: Partition) -> Resources:
    """The configuration the HMC shows as desired: the running one, else what a Not
    Activated partition keeps configured, else its default profile."""
    return p.current or p.configured or p.settings()


def _dedicated(ded: x.Element, r: Resources) -> None:
    """A DedicatedProcessorConfiguration's figures (a partition's wanted ones or a profile's)."""
    for tag, value in (("DesiredProcessors", r.desired_procs),
                       ("MaximumProcessors", r.max_procs), ("MinimumProcessors", r.min_procs)):
        x.leaf(ded, tag, value, kb="CUD")


def _shared(shr: x.Element, r: Resources) -> None:
    """A SharedProcessorConfiguration's figures, in the schema's order."""
    for tag, value in (
        ("DesiredProcessingUnits", r.desired_proc_units or 0.0),
        ("DesiredVirtualProcessors", r.desired_procs),
        ("MaximumProcessingUnits", r.max_proc_units or 0.0),
        ("MaximumVirtualProcessors", r.max_procs),
        ("MinimumProcessingUnits", r.min_proc_units or 0.0),
        ("MinimumVirtualProcessors", r.min_procs),
        ("SharedProcessorPoolID", r.shared_proc_pool_id),
        ("UncappedWeight", r.uncap_weight),
    ):
        x.leaf(shr, tag, value, kb="CUD")


def _processors(obj: x.Element, p: Partition) -> None:
    want = wanted(p)
    cur = p.current
    leaf = x.leaf
    cfg = x.child(obj, "PartitionProcessorConfiguration")
    if not want.shared:
        _dedicated(x.child(cfg, "DedicatedProcessorConfiguration"), want)
    leaf(cfg, "HasDedicatedProcessors", not want.shared, kb="CUD")
    if want.shared:
        _shared(x.child(cfg, "SharedProcessorConfiguration"), want)
    leaf(cfg, "SharingMode", SHARING_MODES[want.sharing_mode], kb="CUD")
    if cur is None:
        return
    leaf(cfg, "CurrentHasDedicatedProcessors", not cur.shared)
    leaf(cfg, "CurrentSharingMode", SHARING_MODES[cur.sharing_mode])
    if cur.shared:
        c = x.child(cfg, "CurrentSharedProcessorConfiguration")
        leaf(c, "AllocatedVirtualProcessors", cur.desired_procs)
        leaf(c, "CurrentMaximumProcessingUnits", cur.max_proc_units or 0.0)
        leaf(c, "CurrentMinimumProcessingUnits", cur.min_proc_units or 0.0)
        leaf(c, "CurrentProcessingUnits", cur.desired_proc_units or 0.0)
        leaf(c, "CurrentSharedProcessorPoolID", cur.shared_proc_pool_id)
        leaf(c, "CurrentUncappedWeight", cur.uncap_weight)
        leaf(c, "CurrentMinimumVirtualProcessors", cur.min_procs)
        leaf(c, "CurrentMaximumVirtualProcessors", cur.max_procs)
        leaf(c, "RuntimeProcessingUnits", cur.desired_proc_units or 0.0)
        leaf(c, "RuntimeUncappedWeight", cur.uncap_weight)
    else:
        c = x.child(cfg, "CurrentDedicatedProcessorConfiguration")
        leaf(c, "CurrentMaximumProcessors", cur.max_procs)
        leaf(c, "CurrentMinimumProcessors", cur.min_procs)
        leaf(c, "CurrentProcessors", cur.desired_procs)
        leaf(c, "RunProcessors", cur.desired_procs)
    leaf(cfg, "RuntimeHasDedicatedProcessors", not cur.shared)
    leaf(cfg, "RuntimeSharingMode", SHARING_MODES[cur.sharing_mode])


def _memory(obj: x.Element, p: Partition) -> None:
    want = wanted(p)
    cur = p.current
    leaf = x.leaf
    cfg = x.child(obj, "PartitionMemoryConfiguration")
    leaf(cfg, "DesiredMemory", want.desired_mem, kb="CUD")
    leaf(cfg, "HardwarePageTableRatio", int(want.hpt_ratio.split(":")[1]).bit_length() - 1,
         kb="CUD")
    leaf(cfg, "MaximumMemory", want.max_mem, kb="CUD")
    leaf(cfg, "MinimumMemory", want.min_mem, kb="CUD")
    if cur is not None:
        leaf(cfg, "CurrentMaximumMemory", cur.max_mem)
        leaf(cfg, "CurrentMemory", cur.desired_mem)
        leaf(cfg, "CurrentMinimumMemory", cur.min_mem)
        leaf(cfg, "RuntimeMemory", cur.desired_mem)
    else:
        leaf(cfg, "CurrentMemory", 0)
        leaf(cfg, "RuntimeMemory", 0)


def partition_quick(frame: Frame, urls: Urls, p: Partition) -> dict[str, Any]:
    s = p.current or p.settings()
    return {
        "UUID": uuids.partition_uuid(frame.system, p), "PartitionName": p.name,
        "PartitionID": p.id, "PartitionType": PARTITION_TYPES[p.env],
        "PartitionState": state(p), "ReferenceCode": p.refcode,
        "OperatingSystemVersion": p.os_version, "RMCState": p.rmc_state,
        "ResourceMonitoringIPAddress": p.rmc_ipaddr,
        "HasDedicatedProcessors": not s.shared, "SharingMode": SHARING_MODES[s.sharing_mode],
        "CurrentProcessors": p.current.desired_procs if p.current else 0,
        "CurrentProcessingUnits": (round(p.current.entitlement, 2) if p.current else 0.0),
        "CurrentMemory": p.current.desired_mem if p.current else 0,
        "DesiredProcessors": s.desired_procs, "DesiredMemory": s.desired_mem,
        "CurrentProfile": p.curr_profile, "DefaultProfile": p.default_profile,
        "AssociatedManagedSystem": urls.system(), "MigrationState": "Not_Migrating",
    }


# ---------------------------------------------------------------- profiles

def profile(frame: Frame, urls: Urls, p: Partition, prof: Profile) -> x.Element:
    obj = x.element("LogicalPartitionProfile",
                    atom_id=uuids.profile_uuid(frame.system, p, prof))
    leaf = x.leaf
    leaf(obj, "ProfileName", prof.name, kb="CUR")
    leaf(obj, "ProfileType", "REG_PROFILE")
    leaf(obj, "BootMode", BOOT_MODES[prof.boot_mode], kb="CUD")
    leaf(obj, "AutoStart", prof.auto_start, kb="CUD")
    leaf(obj, "IsConnectionMonitoringEnabled", prof.conn_monitoring, kb="CUD")
    leaf(obj, "KeylockPosition", KEYLOCK[prof.keylock], kb="CUD")
    x.link(obj, "AssociatedLogicalPartition", urls.top_lpar(p), kb="ROR")
    mem = x.child(obj, "ProfileMemory")
    leaf(mem, "DesiredMemory", prof.desired_mem, kb="CUD")
    leaf(mem, "MaximumMemory", prof.max_mem, kb="CUD")
    leaf(mem, "MinimumMemory", prof.min_mem, kb="CUD")
    proc = x.child(obj, "ProfileProcessorConfiguration")
    leaf(proc, "HasDedicatedProcessors", not prof.shared, kb="CUD")
    leaf(proc, "SharingMode", SHARING_MODES[prof.sharing_mode], kb="CUD")
    if prof.shared:
        _shared(x.child(proc, "SharedProcessorConfiguration"), prof)
    else:
        _dedicated(x.child(proc, "DedicatedProcessorConfiguration"), prof)
    return obj


# ---------------------------------------------------------------- pools, network

def shared_pool(frame: Frame, urls: Urls, pool_id: int) -> x.Element:
    pool = frame.pools[pool_id]
    obj = x.element("SharedProcessorPool", atom_id=uuids.pool_uuid(frame.system, pool_id))
    leaf = x.leaf
    members = [p for p in frame.partitions
               if p.settings().shared and p.settings().shared_proc_pool_id == pool_id]
    assigned = x.child(obj, "AssignedPartitions", schema=False)
    for p in members:
        x.ET.SubElement(assigned, f"{{{x.UOM_NS}}}link", {"href": urls.lpar(p), "rel": "related"})
    entitled = frame.pools_entitled()[pool_id]
    size = (frame.system.configurable_procs if pool_id == 0 else pool.max_proc_units)
    leaf(obj, "AvailableProcUnits", round(max(size - entitled, 0.0), 2))
    leaf(obj, "CurrentReservedProcessingUnits", pool.reserved_proc_units, kb="CUD")
    leaf(obj, "MaximumProcessingUnits", float(size), kb="CUD")
    leaf(obj, "PendingReservedProcessingUnits", pool.reserved_proc_units, kb="CUD")
    leaf(obj, "PoolID", pool_id)
    leaf(obj, "PoolName", pool.name, kb="CUD")
    return obj


def active_pools(frame: Frame) -> list[int]:
    """Pools the HMC lists: the default pool and every configured one."""
    return [pool.id for pool in frame.pools if pool.id == 0 or pool.max_proc_units > 0]


def vlans(frame: Frame) -> dict[tuple[str, int], list[Partition]]:
    """(virtual switch, VLAN) -> partitions with a virtual Ethernet adapter on it."""
    found: dict[tuple[str, int], list[Partition]] = {}
    for p in frame.partitions:
        for a in p.adapters:
            if a.type == "eth":
                for vlan in (a.pvid, *a.vlans):
                    members = found.setdefault((a.vswitch, vlan), [])
                    if p not in members:
                        members.append(p)
    return dict(sorted(found.items()))


def vswitches(frame: Frame) -> list[str]:
    return sorted({vs for vs, _ in vlans(frame)} | {"ETHERNET0"})


def virtual_switch(frame: Frame, urls: Urls, index: int, name: str) -> x.Element:
    obj = x.element("VirtualSwitch", atom_id=uuids.vswitch_uuid(frame.system, name))
    leaf = x.leaf
    leaf(obj, "SwitchID", index)
    leaf(obj, "SwitchMode", "Veb", kb="CUD")
    leaf(obj, "SwitchName", name, kb="CUR")
    nets = x.child(obj, "VirtualNetworks", schema=False)
    for vs, vlan in vlans(frame):
        if vs == name:
            x.ET.SubElement(nets, f"{{{x.UOM_NS}}}link", {
                "href": f"{urls.system()}/VirtualNetwork/"
                        f"{uuids.vnet_uuid(frame.system, vs, vlan)}", "rel": "related"})
    return obj


def virtual_network(frame: Frame, urls: Urls, vswitch: str, vlan: int) -> x.Element:
    obj = x.element("VirtualNetwork", atom_id=uuids.vnet_uuid(frame.system, vswitch, vlan))
    leaf = x.leaf
    x.link(obj, "AssociatedSwitch", f"{urls.system()}/VirtualSwitch/"
           f"{uuids.vswitch_uuid(frame.system, vswitch)}")
    leaf(obj, "NetworkName", f"VLAN{vlan}-{vswitch}", kb="CUR")
    leaf(obj, "NetworkVLANID", vlan, kb="CUR")
    leaf(obj, "VswitchID", vswitches(frame).index(vswitch))
    leaf(obj, "TaggedNetwork", vlan != 1, kb="CUD")
    return obj


def vnet_quick(frame: Frame, urls: Urls, vswitch: str, vlan: int) -> dict[str, Any]:
    return {"UUID": uuids.vnet_uuid(frame.system, vswitch, vlan),
            "NetworkName": f"VLAN{vlan}-{vswitch}", "NetworkVLANID": vlan,
            "VswitchID": vswitches(frame).index(vswitch), "VirtualSwitchName": vswitch,
            "TaggedNetwork": vlan != 1}
