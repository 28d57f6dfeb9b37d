"""System settings, profile apply and synchronization, network boot, the VIOS licence.

Settings that the HMC shows as pending (`pend_...`: the partition start policy, the huge
pages requested, memory mirroring, the region size) take effect when the system is next
powered on (`apply_pending`, called by PowerOnSystem); the name and the power-off policy
change at once. docs/powervm-rules.md gives the rules; IBM's chsyscfg and chhwres man pages
name the attributes.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from engine import lifecycle as lc
from engine.errors import HmcError
from engine.hmcsyntax import arg, attr_arg, name, present
from engine.model import (
    HUGE_PAGE_MB,
    Frame,
    ManagedSystem,
    MirroringMode,
    Partition,
    RegionSize,
    StartPolicy,
    VirtualEth,
)
from engine.ops.base import Context, Operation
from engine.ops.power import activate
from engine.ops.vio import require_vios_up


def max_huge_pages(frame: Frame) -> int:
    """The 16 GB pages the configurable memory could hold beside the hypervisor's base."""
    return max(frame.system.configurable_mem - frame.hardware.hypervisor_base_mem_mb, 0) \
        // HUGE_PAGE_MB


def auto_region_size(system: ManagedSystem) -> RegionSize:
    """The firmware's choice for `pend_mem_region_size=auto`: larger memory, larger LMBs."""
    for limit, size in ((4096, 16), (8192, 32), (16384, 64), (32768, 128)):
        if system.configurable_mem <= limit:
            return size  # type: ignore[return-value]  # one of the RegionSize literals
    return 256


def apply_pending(system: ManagedSystem) -> ManagedSystem:
    """What the firmware takes up at power-on: every pending setting becomes current."""
    region = system.pend_mem_region_size
    if region == "auto":
        region = auto_region_size(system)
    return system.model_copy(update={
        "power_on_lpar_start_policy": system.pend_power_on_lpar_start_policy,
        "configurable_num_sys_huge_pages": system.requested_num_sys_huge_pages,
        "mem_mirroring_mode": system.pend_mem_mirroring_mode,
        "mem_region_size": region if region is not None else system.mem_region_size,
        "pend_mem_region_size": None,
    })


class ChangeSystem(Operation):
    """chsyscfg -r sys: rename the system, its power-off policy, its partition start policy
    (pending until the next power-on)."""

    op: Literal["change_system"] = "change_system"
    task: ClassVar[str] = "config"
    new_name: str | None = None
    power_off_policy: Literal[0, 1] | None = None
    power_on_lpar_start_policy: StartPolicy | None = None

    def apply(self, ctx: Context) -> None:
        s = ctx.frame.system
        update: dict[str, object] = {}
        if self.new_name is not None:
            update["name"] = self.new_name  # the name rules run on the result (HSCL0A16)
        if self.power_off_policy is not None:
            update["power_off_policy"] = self.power_off_policy
        if self.power_on_lpar_start_policy is not None:
            update["pend_power_on_lpar_start_policy"] = self.power_on_lpar_start_policy
        ctx.frame = ctx.frame.model_copy(update={"system": s.model_copy(update=update)})

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        pairs = present(("new_name", self.new_name), ("power_off_policy", self.power_off_policy),
                        ("power_on_lpar_start_policy", self.power_on_lpar_start_policy))
        return f"chsyscfg -r sys -m {name(frame.system.name)} -i {attr_arg(pairs)}"


class ChangeSystemMemory(Operation):
    """chhwres -r mem -o s at system level: huge pages requested, memory mirroring and the
    region size, all pending until the next power-on."""

    op: Literal["change_system_memory"] = "change_system_memory"
    task: ClassVar[str] = "config"
    requested_num_sys_huge_pages: int | None = Field(default=None, ge=0)
    mem_mirroring_mode: MirroringMode | None = None
    pend_mem_region_size: RegionSize | Literal["auto"] | None = None

    def apply(self, ctx: Context) -> None:
        s = ctx.frame.system
        update: dict[str, object] = {}
        pages = self.requested_num_sys_huge_pages
        if pages is not None:
            most = max_huge_pages(ctx.frame)
            if pages > most:
                raise HmcError("HSCL0E01", field="requested_num_sys_huge_pages", value=pages,
                               reason=f"the managed system can hold at most {most} huge pages "
                                      f"of {HUGE_PAGE_MB} MB.")
            update["requested_num_sys_huge_pages"] = pages
        if self.mem_mirroring_mode is not None:
            update["pend_mem_mirroring_mode"] = self.mem_mirroring_mode
        if self.pend_mem_region_size is not None:
            update["pend_mem_region_size"] = self.pend_mem_region_size
        ctx.frame = ctx.frame.model_copy(update={"system": s.model_copy(update=update)})

    def target(self) -> str:
        return "system"

    def command(self, frame: Frame) -> str:
        pairs = present(("requested_num_sys_huge_pages", self.requested_num_sys_huge_pages),
                        ("mem_mirroring_mode", self.mem_mirroring_mode),
                        ("pend_mem_region_size", self.pend_mem_region_size))
        return f"chhwres -r mem -m {name(frame.system.name)} -o s -a {attr_arg(pairs)}"


class ApplyProfile(Operation):
    """chsyscfg -r lpar -o apply: a shut-down partition takes a profile as its current
    configuration (the profile it shows as curr_profile and is synchronized with)."""

    op: Literal["apply_profile"] = "apply_profile"
    task: ClassVar[str] = "config"
    lpar: str
    profile: str

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        prof = ctx.profile(p, self.profile)
        if p.active:
            raise HmcError("HSCL3681", name=p.name)
        update: dict[str, object] = {"curr_profile": prof.name}
        if p.sync_curr_profile == 2:  # suspended until the next apply
            update["sync_curr_profile"] = 1
        ctx.put(p.model_copy(update=update))

    def command(self, frame: Frame) -> str:
        return (f"chsyscfg -r lpar -m {name(frame.system.name)} -o apply -p {name(self.lpar)} "
                f"-n {name(self.profile)}")


class SetProfileSync(Operation):
    """chsyscfg -r lpar -i sync_curr_profile=0|1|2: keep the current profile in step with
    the current configuration (1), not (0), or not until the next activation or apply (2)."""

    op: Literal["set_profile_sync"] = "set_profile_sync"
    task: ClassVar[str] = "config"
    lpar: str
    sync_curr_profile: Literal[0, 1, 2]

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        ctx.put(p.model_copy(update={"sync_curr_profile": self.sync_curr_profile}))

    def command(self, frame: Frame) -> str:
        pairs = [("name", self.lpar), ("sync_curr_profile", self.sync_curr_profile)]
        return f"chsyscfg -r lpar -m {name(frame.system.name)} -i {attr_arg(pairs)}"


def require_sync_allows(p: Partition, profile: str) -> None:
    """A synchronized partition's current profile follows its configuration: changing it
    by hand needs --force (which suspends the synchronization first)."""
    if p.sync_curr_profile == 1 and p.active and p.curr_profile == profile:
        raise HmcError("HSCL0E02", profile=profile, lpar=p.name)


# ---------------------------------------------------------------- network boot


def eth_location(frame: Frame, p: Partition, a: VirtualEth) -> str:
    return frame.location(p.id, a.slot) + "-T1"


def eth_mac(p: Partition, a: VirtualEth) -> str:
    """The adapter's MAC (12 hex digits, lower case as lpar_netboot prints it); one derived
    from the partition and slot when the HMC generated it and the frame does not say."""
    return (a.mac or f"a2{p.id:04x}{a.slot:06x}").lower()


def eth_path(a: VirtualEth) -> str:
    """The Open Firmware device path: unit address 0x30000000 plus the slot."""
    return f"/vdevice/l-lan@{0x30000000 + a.slot:08x}"


def reachable(frame: Frame, a: VirtualEth) -> bool:
    """The adapter's VLAN leaves the frame through a shared Ethernet adapter of a running
    VIOS (a trunk adapter on the same virtual switch carrying the VLAN)."""
    for v in frame.partitions:
        if not v.is_vios or v.state != "Running":
            continue
        trunks = {slot for sea in v.seas for slot in sea.trunk_slots}
        for t in v.adapters:
            if (isinstance(t, VirtualEth) and t.slot in trunks and t.vswitch == a.vswitch
                    and (a.pvid == t.pvid or a.pvid in t.vlans)):
                return True
    return False


class NetbootPartition(Operation):
    """lpar_netboot: power the partition on to Open Firmware and list its network adapters
    with a ping test (`discover`), or boot it from the network (an OS install: the
    partition then boots that OS; a VIOS has its licence still to accept)."""

    op: Literal["netboot"] = "netboot"
    task: ClassVar[str] = "power"
    lpar: str
    profile: str
    discover: bool = False  # -M -n: list the adapters, do not boot
    ping: bool = False  # -D: ping the server through each adapter
    force: bool = False  # -f: power an active partition off first
    location: str | None = None  # -l: the adapter by location code
    mac: str | None = None  # -m: the adapter by MAC address
    server: str = ""
    gateway: str = ""
    client: str = ""

    def _adapters(self, frame: Frame, p: Partition) -> list[VirtualEth]:
        found = [a for a in p.adapters if isinstance(a, VirtualEth)]
        if self.location:
            found = [a for a in found if eth_location(frame, p, a) == self.location]
        if self.mac:
            want = self.mac.replace(":", "").lower()
            found = [a for a in found if eth_mac(p, a) == want]
        if not found:
            where = f" {self.location or self.mac}" if self.location or self.mac else ""
            raise HmcError("HSCL0E03", name=p.name, where=where)
        return found

    def apply(self, ctx: Context) -> None:
        ctx.require_system_on()
        p = ctx.partition(self.lpar)
        if p.env == "os400":  # IBM i installs from its load source, not over the network
            raise HmcError("HSCL0B09", kind="network-bootable (AIX, Linux or VIOS)", name=p.name,
                           env=p.env)
        ctx.profile(p, self.profile)
        frame = ctx.frame
        adapters = self._adapters(frame, p)
        if p.active:
            if not self.force:
                raise HmcError("HSCL3681", name=p.name)
            ctx.lifecycle.cancel(p.id)  # a hard power-off, even mid-transition
            p = p.model_copy(update={**lc.stopped(p), "refcode": ""})
            ctx.put(p)
        results = [(a, self.ping and reachable(frame, a)) for a in adapters]
        ctx.data["adapters"] = [
            {"location": eth_location(frame, p, a), "mac": eth_mac(p, a), "path": eth_path(a),
             "ping": ("successful" if ok else "unsuccessful") if self.ping else "n/a"}
            for a, ok in results]
        if self.discover:
            activate(ctx, p, self.profile, "of")
            return
        if self.ping and not results[0][1]:
            raise HmcError("HSCL0E04", adapter=eth_path(results[0][0]), name=p.name,
                           server=self.server or "(none)")
        # The install puts a new OS on the partition: it boots from now on; a VIOS starts
        # without the device configuration of its old install, its licence not accepted.
        update: dict[str, object] = {"bootable": True}
        if p.is_vios:
            update.update(vios_license_accepted=False, vscsi_mappings=(), npiv_mappings=(),
                          seas=())
        installed = p.model_copy(update=update)
        ctx.put(installed)
        activate(ctx, installed, self.profile, "norm")

    def command(self, frame: Frame) -> str:
        flags = ["lpar_netboot"]
        if self.discover:
            flags += ["-M", "-n"]
        if self.force:
            flags.append("-f")
        if self.ping:
            flags.append("-D")
        flags += ["-t", "ent"]
        if self.location:
            flags += ["-l", arg(self.location)]
        if self.mac:
            flags += ["-m", arg(self.mac)]
        for flag, value in (("-S", self.server), ("-G", self.gateway), ("-C", self.client)):
            if value:
                flags += [flag, arg(value)]
        return " ".join([*flags, name(self.lpar), name(self.profile), name(frame.system.name)])


class AcceptViosLicense(Operation):
    """viosvrcmd -c "license -accept": the VIOS's licence, asked once after an install."""

    op: Literal["accept_vios_license"] = "accept_vios_license"
    task: ClassVar[str] = "virtualio"
    vios: str

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v, licensed=False)
        ctx.put(v.model_copy(update={"vios_license_accepted": True}))

    def command(self, frame: Frame) -> str:
        return f'viosvrcmd -m {name(frame.system.name)} -p {name(self.vios)} -c "license -accept"'


__all__ = [
    "AcceptViosLicense", "ApplyProfile", "ChangeSystem", "ChangeSystemMemory",
    "NetbootPartition", "SetProfileSync", "apply_pending", "eth_location", "eth_mac",
    "eth_path", "max_huge_pages", "reachable", "require_sync_allows",
]
