"""Virtual I/O: virtual adapters, vSCSI and NPIV mappings, Shared Ethernet Adapters,
file-backed virtual optical devices and the virtual media repository.

The structural rules (a backing device the VIOS sees, an NPIV-capable port, trunk adapters
for a SEA, ...) are checked by engine.rules on the resulting frame; the operations here
only build the change and refuse what depends on the moment (state, RMC, names in use).

The VIOS commands (mkvdev, rmvdev, vfcmap, loadopt, mkrep, ...) run on the VIOS; when one
fails the HMC relays the VIOS's own message, so these operations refuse with the VIOS's
wording (VIOS_MESSAGES) under HSCL2970, never with an HMC sentence of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal

from pydantic import Field

from engine import vios as names
from engine.errors import HmcError
from engine.hmcsyntax import arg, attr_arg, name
from engine.model import (
    Frame,
    MediaRepository,
    NpivMapping,
    Partition,
    SharedEthernetAdapter,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    VscsiMapping,
)
from engine.ops.base import Context, Operation
from engine.ops.dlpar import require_dlpar_ready

LIBRARY = "/var/vio/VMLibrary/"  # where the VIOS keeps the repository's media files
REPOSITORY_STEP_MB = 10240  # an implied repository: whole 10 GB steps with room to spare

# The VIOS's messages. "real" ones follow published VIOS output (docs/hmc-commands.md);
# "ours" are our wording in the VIOS's style where no published text was found.
VIOS_MESSAGES: dict[str, str] = {
    # real: mkvdev on a disk that already backs a VTD (published VIOS capture; the VIOS
    # breaks the line after "-f flag", which the command line restores)
    "in_use": '"{device}" is already being used as a backing device.  Specify the -f flag '
              "to force this device to be used anyway.",
    # ours
    "no_device": 'Device "{device}" is not found.',
    "not_svsa": 'Device "{device}" is not a Server Virtual SCSI Adapter (SVSA).',
    "not_vfchost": 'Device "{device}" is not a Virtual FC Server Adapter.',
    "not_npiv": 'Device "{device}" is not an NPIV capable Fibre Channel port.',
    "media_file": '"{device}" is a virtual media file of the repository. Create a virtual '
                  "optical device with mkvdev -fbo -vadapter {vhost}, then load the media "
                  "with loadopt -disk {media} -vtd vtoptN.",
    "not_optical": '"{device}" is not a file-backed virtual optical device.',
    "no_repository": "The DVD repository has not been created yet.",  # real (lsrep)
    "no_media": 'The media "{media}" is not in the virtual media repository.',
    "loaded": "The virtual optical device {device} already has media {media} loaded. "
              "Unload it with unloadopt -vtd {device}, or specify the -f flag to replace it.",
    "repository_exists": "The virtual media repository already exists in {pool} "
                         "({size} MB).",
}

WWPN_PREFIX = 0xC05076_0000000000  # IBM's prefix for HMC-generated virtual WWPNs
MAC_PREFIX = 0xFA_0000000000  # locally administered, as the HMC's generated MACs are


def next_free_slot(p: Partition) -> int:
    used = {a.slot for a in p.adapters}
    return next(s for s in range(2, len(used) + 3) if s not in used)


def next_wwpns(frame: Frame) -> tuple[str, str]:
    """The next consecutive pair after every virtual WWPN in the frame."""
    top = WWPN_PREFIX - 1
    for p in frame.partitions:
        for a in p.adapters:
            if isinstance(a, VirtualFc) and a.wwpns:
                top = max(top, *(int(w, 16) for w in a.wwpns))
    return f"{top + 1:016x}", f"{top + 2:016x}"


def next_mac(frame: Frame) -> str:
    top = MAC_PREFIX
    for p in frame.partitions:
        for a in p.adapters:
            if isinstance(a, VirtualEth) and a.mac:
                top = max(top, int(a.mac, 16))
    return f"{top + 1:012X}"


def vios_error(key: str, **fields: object) -> HmcError:
    """A VIOS command's failure, worded as the VIOS words it (VIOS_MESSAGES)."""
    return HmcError("HSCL2970", reason=VIOS_MESSAGES[key].format(**fields))


def media_name(backing: str) -> str:
    """/var/vio/VMLibrary/aix73.iso -> aix73.iso (the name loadopt and lsrep use)."""
    return backing.removeprefix(LIBRARY)


def is_optical(frame: Frame, m: VscsiMapping) -> bool:
    """A file-backed virtual optical device: empty, or backed by a media file."""
    if m.backing == "":
        return True
    return any(d.name == m.backing and d.kind == "file" for d in frame.io.disks)


def repository(frame: Frame, v: Partition) -> MediaRepository | None:
    """The VIOS's virtual media repository: the one mkrep made, or, for a frame that holds
    media files but no repository (frames saved before repositories were modelled), one
    just large enough for them in rootvg."""
    if v.media_repository is not None:
        return v.media_repository
    used = sum(d.size_gb * 1024 for d in frame.io.disks if d.kind == "file" and v.id in d.owners)
    if not used:
        return None
    return MediaRepository(size_mb=-(-used // REPOSITORY_STEP_MB) * REPOSITORY_STEP_MB
                           + REPOSITORY_STEP_MB)


def require_vios_up(p: Partition, licensed: bool = True) -> None:
    """VIOS commands run through RMC (viosvrcmd), so the VIOS must be up with RMC; all but
    `license` and `ioslevel` (licensed=False) also need its licence accepted."""
    if p.state != "Running":
        raise HmcError("HSCL0B02", name=p.name, state=p.state)
    if p.rmc_state != "active":
        raise HmcError("HSCL0DB4", name=p.name)
    if licensed and not p.vios_license_accepted:
        raise HmcError("HSCL0E05", name=p.name)


def remove_from_vios(ctx: Context, vios: str, field: str, drop: Callable[[Any], bool],
                     missing: str) -> None:
    """Drop the matching entries of one of a running VIOS's lists (mappings, SEAs)."""
    v = ctx.vios(vios)
    require_vios_up(v)
    entries = getattr(v, field)
    kept = tuple(x for x in entries if not drop(x))
    if len(kept) == len(entries):
        raise vios_error("no_device", device=missing)
    ctx.put(v.model_copy(update={field: kept}))


def device(frame: Frame, vios: str, naming: Callable[[Partition], dict[int, str]],
           slot: int) -> str:
    """The VIOS device name of a server adapter slot (vhostN, vfchostN) for shown commands."""
    p = frame.partition(vios)
    return naming(p).get(slot, f"slot{slot}") if p else "?"


def vios_cmd(frame: Frame, vios: str, command: str) -> str:
    return f"viosvrcmd -m {name(frame.system.name)} -p {name(vios)} -c {arg(command)}"


class AddVirtualAdapter(Operation):
    """chhwres -r virtualio -o a; a running partition needs DLPAR (RMC)."""

    op: Literal["add_adapter"] = "add_adapter"
    task: ClassVar[str] = "virtualio"
    lpar: str
    adapter: VirtualScsi | VirtualFc | VirtualEth

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.active:
            require_dlpar_ready(ctx, p)
        if p.adapter(self.adapter.slot) is not None:
            raise HmcError("HSCL0A06", what="virtual slot", value=self.adapter.slot,
                           owner=p.name)
        a = self.adapter
        if isinstance(a, VirtualFc) and a.side == "client" and a.wwpns is None:
            a = a.model_copy(update={"wwpns": next_wwpns(ctx.frame)})
        if isinstance(a, VirtualEth) and not a.mac:
            a = a.model_copy(update={"mac": next_mac(ctx.frame)})
        ctx.put(p.model_copy(update={"adapters": (*p.adapters, a)}))
        ctx.data["adapter"] = a

    def command(self, frame: Frame) -> str:
        a = self.adapter
        pairs: list[tuple[str, object]] = []
        if isinstance(a, VirtualEth):
            pairs += [("port_vlan_id", a.pvid), ("ieee_virtual_eth", a.ieee)]
            if a.vlans:
                pairs.append(("addl_vlan_ids", ",".join(map(str, a.vlans))))
            if a.trunk_priority:
                pairs += [("is_trunk", True), ("trunk_priority", a.trunk_priority)]
            if a.vswitch != "ETHERNET0":
                pairs.append(("vswitch", a.vswitch))
            if a.mac:
                pairs.append(("mac_addr", a.mac.lower()))
        else:
            pairs.append(("adapter_type", a.side))
            if a.remote_lpar_id is not None:
                pairs.append(("remote_lpar_id", a.remote_lpar_id))
            if a.remote_slot is not None:
                pairs.append(("remote_slot_num", a.remote_slot))
            if isinstance(a, VirtualFc) and a.wwpns:
                pairs.append(("wwpns", ",".join(a.wwpns)))
        if a.required:
            pairs.append(("is_required", True))
        return (f"chhwres -r virtualio -m {name(frame.system.name)} -o a -p {name(self.lpar)} "
                f"--rsubtype {a.type} -s {a.slot} -a {attr_arg(pairs)}")


class RemoveVirtualAdapter(Operation):
    op: Literal["remove_adapter"] = "remove_adapter"
    task: ClassVar[str] = "virtualio"
    lpar: str
    slot: int

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.active:
            require_dlpar_ready(ctx, p)
        a = p.adapter(self.slot)
        if a is None:
            raise HmcError("HSCL8016", slot=self.slot, lpar=p.name)
        in_use = [m.vtd for m in p.vscsi_mappings if m.vhost_slot == self.slot] + [
            "NPIV mapping" for m in p.npiv_mappings if m.vfchost_slot == self.slot] + [
            s.name for s in p.seas if self.slot in (*s.trunk_slots, s.ctl_chan_slot)]
        if in_use:
            raise HmcError("HSCL294D", name=p.name,
                           reason=f"the adapter is in use by {', '.join(in_use)}.")
        ctx.put(p.model_copy(update={"adapters": tuple(x for x in p.adapters if x is not a)}))
        if not isinstance(a, VirtualEth) and a.side == "client":
            self._release_server(ctx, p.id, a)

    @staticmethod
    def _release_server(ctx: Context, lpar_id: int, client: VirtualScsi | VirtualFc) -> None:
        """A server adapter that named the removed client now serves any partition."""
        server_lpar = ctx.frame.partition(client.remote_lpar_id or 0)
        server = server_lpar.adapter(client.remote_slot or -1) if server_lpar else None
        if server_lpar is None or isinstance(server, VirtualEth) or server is None:
            return
        if server.remote_lpar_id == lpar_id and server.remote_slot in (None, client.slot):
            freed = server.model_copy(update={"remote_lpar_id": None, "remote_slot": None})
            adapters = tuple(freed if x is server else x for x in server_lpar.adapters)
            ctx.put(server_lpar.model_copy(update={"adapters": adapters}))

    def command(self, frame: Frame) -> str:
        p = frame.partition(self.lpar)
        a = p.adapter(self.slot) if p else None
        kind = a.type if a else "eth"
        return (f"chhwres -r virtualio -m {name(frame.system.name)} -o r -p {name(self.lpar)} "
                f"--rsubtype {kind} -s {self.slot}")


class MapVscsi(Operation):
    """mkvdev [-f] -vdev DEVICE -vadapter vhostN [-dev VTD]: a disk or logical volume.

    A device that already backs a VTD of this VIOS is refused without -f (`force`), as the
    VIOS does; media files go through a virtual optical device (CreateOptical, LoadOptical).
    """

    op: Literal["map_vscsi"] = "map_vscsi"
    task: ClassVar[str] = "virtualio"
    vios: str
    vhost_slot: int
    backing: str
    vtd: str | None = None
    force: bool = False

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        vhost = require_vhost(v, self.vhost_slot)
        disk = next((d for d in ctx.frame.io.disks if d.name == self.backing), None)
        if disk is None or v.id not in disk.owners:
            raise vios_error("no_device", device=self.backing)
        if disk.kind == "file":
            raise vios_error("media_file", device=self.backing, vhost=vhost,
                             media=media_name(self.backing))
        if not self.force and any(m.backing == self.backing for m in v.vscsi_mappings):
            raise vios_error("in_use", device=self.backing)
        vtd = self.vtd or free_vtd(v, "vtscsi")
        m = VscsiMapping(vhost_slot=self.vhost_slot, vtd=vtd, backing=self.backing,
                         lun=free_lun(v, self.vhost_slot))
        ctx.put(v.model_copy(update={"vscsi_mappings": (*v.vscsi_mappings, m)}))
        ctx.data["vtd"] = vtd

    def command(self, frame: Frame) -> str:
        vhost = device(frame, self.vios, names.vhosts, self.vhost_slot)
        dev = f" -dev {self.vtd}" if self.vtd else ""
        force = " -f" if self.force else ""
        return vios_cmd(frame, self.vios,
                        f"mkvdev{force} -vdev {self.backing} -vadapter {vhost}{dev}")


def require_vhost(v: Partition, slot: int) -> str:
    """The vhostN of a server vSCSI slot, or the VIOS's refusal."""
    vhost = names.vhosts(v).get(slot)
    if vhost is None:
        raise vios_error("not_svsa", device=f"slot {slot}")
    return vhost


def free_vtd(v: Partition, stem: str) -> str:
    used = {m.vtd for m in v.vscsi_mappings}
    return next(f"{stem}{n}" for n in range(len(used) + 1) if f"{stem}{n}" not in used)


def free_lun(v: Partition, slot: int) -> int:
    luns = {m.lun for m in v.vscsi_mappings if m.vhost_slot == slot}
    return next(n for n in range(1, len(luns) + 2) if n not in luns)


class UnmapVscsi(Operation):
    """rmvdev -vtd VTD: the backing device stays, the mapping goes."""

    op: Literal["unmap_vscsi"] = "unmap_vscsi"
    task: ClassVar[str] = "virtualio"
    vios: str
    vtd: str

    def apply(self, ctx: Context) -> None:
        remove_from_vios(ctx, self.vios, "vscsi_mappings", lambda m: m.vtd == self.vtd, self.vtd)

    def command(self, frame: Frame) -> str:
        return vios_cmd(frame, self.vios, f"rmvdev -vtd {self.vtd}")


class MapNpiv(Operation):
    """vfcmap -vadapter vfchostN -fcp fcsN."""

    op: Literal["map_npiv"] = "map_npiv"
    task: ClassVar[str] = "virtualio"
    vios: str
    vfchost_slot: int
    port: str

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        if self.vfchost_slot not in names.vfchosts(v):
            raise vios_error("not_vfchost", device=f"slot {self.vfchost_slot}")
        if not any(port.name == self.port for port in names.physical_ports(ctx.frame, v.id, "fc")):
            raise vios_error("no_device", device=self.port)
        kept = tuple(m for m in v.npiv_mappings if m.vfchost_slot != self.vfchost_slot)
        m = NpivMapping(vfchost_slot=self.vfchost_slot, port=self.port)
        ctx.put(v.model_copy(update={"npiv_mappings": (*kept, m)}))

    def command(self, frame: Frame) -> str:
        vfc = device(frame, self.vios, names.vfchosts, self.vfchost_slot)
        return vios_cmd(frame, self.vios, f"vfcmap -vadapter {vfc} -fcp {self.port}")


class UnmapNpiv(Operation):
    """vfcmap -vadapter vfchostN -fcp (no port): unmap."""

    op: Literal["unmap_npiv"] = "unmap_npiv"
    task: ClassVar[str] = "virtualio"
    vios: str
    vfchost_slot: int

    def apply(self, ctx: Context) -> None:
        remove_from_vios(ctx, self.vios, "npiv_mappings",
                         lambda m: m.vfchost_slot == self.vfchost_slot,
                         f"vfchost in slot {self.vfchost_slot}")

    def command(self, frame: Frame) -> str:
        vfc = device(frame, self.vios, names.vfchosts, self.vfchost_slot)
        return vios_cmd(frame, self.vios, f"vfcmap -vadapter {vfc} -fcp")


class CreateSea(Operation):
    """mkvdev -sea PHYS -vadapter TRUNKS -default DEF -defaultid PVID -attr ha_mode ctl_chan."""

    op: Literal["create_sea"] = "create_sea"
    task: ClassVar[str] = "virtualio"
    vios: str
    physical: str
    trunk_slots: tuple[int, ...]
    default_slot: int
    ctl_chan_slot: int | None = None
    ha_mode: Literal["auto", "sharing", "standby", "disabled"] = "auto"

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        name = names.next_ent_name(ctx.frame, v)
        sea = SharedEthernetAdapter(
            name=name, physical=self.physical, trunk_slots=self.trunk_slots,
            default_slot=self.default_slot, ctl_chan_slot=self.ctl_chan_slot,
            ha_mode=self.ha_mode)
        ctx.put(v.model_copy(update={"seas": (*v.seas, sea)}))
        ctx.data["sea"] = name

    def command(self, frame: Frame) -> str:
        p = frame.partition(self.vios)
        ents = names.virtual_eths(frame, p) if p else {}
        trunks = ",".join(ents.get(s, f"slot{s}") for s in self.trunk_slots)
        default = ents.get(self.default_slot, f"slot{self.default_slot}")
        pvid = next((a.pvid for a in (p.adapters if p else ())
                     if a.slot == self.default_slot and isinstance(a, VirtualEth)), 1)
        attr = f"ha_mode={self.ha_mode}"
        if self.ctl_chan_slot is not None:
            attr += f" ctl_chan={ents.get(self.ctl_chan_slot, f'slot{self.ctl_chan_slot}')}"
        return vios_cmd(frame, self.vios, f"mkvdev -sea {self.physical} -vadapter {trunks} "
                        f"-default {default} -defaultid {pvid} -attr {attr}")


class RemoveSea(Operation):
    op: Literal["remove_sea"] = "remove_sea"
    task: ClassVar[str] = "virtualio"
    vios: str
    name: str

    def apply(self, ctx: Context) -> None:
        remove_from_vios(ctx, self.vios, "seas", lambda s: s.name == self.name, self.name)

    def command(self, frame: Frame) -> str:
        return vios_cmd(frame, self.vios, f"rmdev -dev {self.name}")


# ---------------------------------------------------------------- virtual optical media


def optical_device(ctx: Context, v: Partition, vtd: str) -> VscsiMapping:
    m = next((m for m in v.vscsi_mappings if m.vtd == vtd), None)
    if m is None:
        raise vios_error("no_device", device=vtd)
    if not is_optical(ctx.frame, m):
        raise vios_error("not_optical", device=vtd)
    return m


def with_media(v: Partition, m: VscsiMapping, backing: str) -> Partition:
    maps = tuple(m.model_copy(update={"backing": backing}) if x is m else x
                 for x in v.vscsi_mappings)
    return v.model_copy(update={"vscsi_mappings": maps})


class CreateOptical(Operation):
    """mkvdev -fbo -vadapter vhostN [-dev NAME]: a file-backed virtual optical device, empty
    until media is loaded into it (LoadOptical)."""

    op: Literal["create_optical"] = "create_optical"
    task: ClassVar[str] = "virtualio"
    vios: str
    vhost_slot: int
    vtd: str | None = None

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        require_vhost(v, self.vhost_slot)
        vtd = self.vtd or free_vtd(v, "vtopt")
        m = VscsiMapping(vhost_slot=self.vhost_slot, vtd=vtd, backing="",
                         lun=free_lun(v, self.vhost_slot))
        ctx.put(v.model_copy(update={"vscsi_mappings": (*v.vscsi_mappings, m)}))
        ctx.data["vtd"] = vtd

    def command(self, frame: Frame) -> str:
        vhost = device(frame, self.vios, names.vhosts, self.vhost_slot)
        dev = f" -dev {self.vtd}" if self.vtd else ""
        return vios_cmd(frame, self.vios, f"mkvdev -fbo -vadapter {vhost}{dev}")


class LoadOptical(Operation):
    """loadopt [-f] -disk NAME -vtd vtoptN: load repository media into an optical device;
    -f (`force`) replaces media already loaded."""

    op: Literal["load_optical"] = "load_optical"
    task: ClassVar[str] = "virtualio"
    vios: str
    vtd: str
    media: str  # the file's name in the repository: aix73_tl2.iso
    force: bool = False

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        m = optical_device(ctx, v, self.vtd)
        if repository(ctx.frame, v) is None:
            raise vios_error("no_repository")
        path = LIBRARY + self.media
        if not any(d.name == path and d.kind == "file" and v.id in d.owners
                   for d in ctx.frame.io.disks):
            raise vios_error("no_media", media=self.media)
        if m.backing and not self.force:
            raise vios_error("loaded", device=self.vtd, media=media_name(m.backing))
        ctx.put(with_media(v, m, path))

    def command(self, frame: Frame) -> str:
        force = "-f " if self.force else ""
        return vios_cmd(frame, self.vios, f"loadopt {force}-disk {self.media} -vtd {self.vtd}")


class UnloadOptical(Operation):
    """unloadopt -vtd vtoptN: the device stays, empty (nothing to do when it is empty)."""

    op: Literal["unload_optical"] = "unload_optical"
    task: ClassVar[str] = "virtualio"
    vios: str
    vtd: str

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        m = optical_device(ctx, v, self.vtd)
        if m.backing:
            ctx.put(with_media(v, m, ""))

    def command(self, frame: Frame) -> str:
        return vios_cmd(frame, self.vios, f"unloadopt -vtd {self.vtd}")


def size_text(size_mb: int) -> str:
    """mkrep's -size: 10G, or 1500M when not whole gigabytes."""
    return f"{size_mb // 1024}G" if size_mb % 1024 == 0 else f"{size_mb}M"


class CreateRepository(Operation):
    """mkrep -sp POOL -size N[M|G]: the virtual media repository (one per VIOS)."""

    op: Literal["create_repository"] = "create_repository"
    task: ClassVar[str] = "virtualio"
    vios: str
    pool: str = "rootvg"
    size_mb: int = Field(ge=1)

    def apply(self, ctx: Context) -> None:
        v = ctx.vios(self.vios)
        require_vios_up(v)
        existing = repository(ctx.frame, v)
        if existing is not None:
            raise vios_error("repository_exists", pool=existing.pool, size=existing.size_mb)
        repo = MediaRepository(pool=self.pool, size_mb=self.size_mb)
        ctx.put(v.model_copy(update={"media_repository": repo}))

    def command(self, frame: Frame) -> str:
        return vios_cmd(frame, self.vios,
                        f"mkrep -sp {self.pool} -size {size_text(self.size_mb)}")
