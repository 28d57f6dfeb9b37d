"""Client adapters and their VIOS server adapters, made and removed together.

The HMC's create-partition task makes, for each virtual SCSI or Fibre Channel client adapter,
the server adapter on the VIOS it names (a dynamic add on a running VIOS); `rmsyscfg -r lpar
--vioscfg` removes the server adapters connected to a deleted partition with their virtual
device mappings, and `--vdisk` also the logical volumes that backed them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import vios as names
from engine.errors import HmcError
from engine.hmcsyntax import attr_arg, name
from engine.model import Frame, Partition, VirtualEth, VirtualFc, VirtualScsi
from engine.ops.base import Context
from engine.ops.dlpar import require_dlpar_ready
from engine.ops.vio import next_mac, next_wwpns, require_vios_up

Pairable = VirtualScsi | VirtualFc
Adapter = VirtualScsi | VirtualFc | VirtualEth


def server_for(client: Pairable, lpar_id: int) -> Pairable:
    """The server adapter a client adapter names, serving exactly that client."""
    assert client.remote_slot is not None
    if isinstance(client, VirtualScsi):
        return VirtualScsi(slot=client.remote_slot, side="server", remote_lpar_id=lpar_id,
                           remote_slot=client.slot)
    return VirtualFc(slot=client.remote_slot, side="server", remote_lpar_id=lpar_id,
                     remote_slot=client.slot)


def clients(adapters: tuple[Adapter, ...]) -> list[Pairable]:
    return [a for a in adapters if not isinstance(a, VirtualEth) and a.side == "client"]


def with_addresses(frame: Frame, adapters: tuple[Adapter, ...]) -> tuple[Adapter, ...]:
    """Generate what the HMC generates when left out: client WWPN pairs and Ethernet MACs,
    each following the last one in the frame (and the ones generated before it here)."""
    wwpn = int(next_wwpns(frame)[0], 16)
    mac = int(next_mac(frame), 16)
    out: list[Adapter] = []
    for a in adapters:
        if isinstance(a, VirtualFc) and a.side == "client" and a.wwpns is None:
            a = a.model_copy(update={"wwpns": (f"{wwpn:016x}", f"{wwpn + 1:016x}")})
            wwpn += 2
        elif isinstance(a, VirtualEth) and not a.mac:
            a = a.model_copy(update={"mac": f"{mac:012X}"})
            mac += 1
        out.append(a)
    return tuple(out)


def add_servers(ctx: Context, lpar_id: int, adapters: tuple[Adapter, ...]) -> None:
    """Make on each named VIOS the server adapter of every client adapter (one step).

    A running VIOS takes it dynamically (RMC needed); a slot already holding the very
    server adapter wanted, or one serving any partition, is kept as it is.
    """
    for c in clients(adapters):
        if c.remote_lpar_id is None or c.remote_slot is None:
            continue  # the rules name what is missing
        v = ctx.partition_by_id(c.remote_lpar_id)
        if not v.is_vios:
            raise HmcError("HSCL0B09", kind="Virtual I/O Server", name=v.name, env=v.env)
        want = server_for(c, lpar_id)
        have = v.adapter(want.slot)
        if have is not None:
            if have.type == want.type and getattr(have, "side", "") == "server" \
                    and getattr(have, "remote_lpar_id", None) in (None, lpar_id):
                continue
            raise HmcError("HSCL0A06", what="virtual slot", value=want.slot, owner=v.name)
        if v.active:
            require_dlpar_ready(ctx, v)
        ctx.put(v.model_copy(update={"adapters": (*v.adapters, want)}))


def server_commands(frame: Frame, lpar_id: int, adapters: tuple[Adapter, ...]) -> list[str]:
    """The chhwres commands that make the server adapters, as the HMC's task runs them."""
    out = []
    for c in clients(adapters):
        v = frame.partition(c.remote_lpar_id or 0)
        if v is None or c.remote_slot is None:
            continue
        have = v.adapter(c.remote_slot)
        if have is not None and getattr(have, "remote_lpar_id", None) in (None, lpar_id):
            continue  # already there
        pairs = [("adapter_type", "server"), ("remote_lpar_id", lpar_id),
                 ("remote_slot_num", c.slot)]
        out.append(f"chhwres -r virtualio -m {name(frame.system.name)} -o a -p {name(v.name)} "
                   f"--rsubtype {c.type} -s {c.remote_slot} -a {attr_arg(pairs)}")
    return out


# ---------------------------------------------------------------- rmsyscfg --vioscfg


@dataclass(frozen=True)
class ServerLink:
    """A VIOS server adapter connected to a partition, and the mappings on it."""

    vios: Partition
    adapter: Pairable
    device: str  # vhostN / vfchostN
    mappings: tuple[str, ...]  # "vtscsi0 -> hdisk5", "fcs0"

    def describe(self) -> str:
        kind = "vSCSI" if self.adapter.type == "scsi" else "vFC"
        text = f"{self.vios.name} slot {self.adapter.slot} ({self.device}, {kind} server)"
        return text + (": " + ", ".join(self.mappings) if self.mappings else "")


def connected_servers(frame: Frame, p: Partition) -> list[ServerLink]:
    """VIOS server adapters that name the partition or serve one of its client adapters."""
    wanted = {(c.remote_lpar_id, c.remote_slot, c.type) for c in clients(p.adapters)}
    links = []
    for v in frame.partitions:
        if not v.is_vios or v.id == p.id:
            continue
        vhosts, vfchosts = names.vhosts(v), names.vfchosts(v)
        for a in v.adapters:
            if isinstance(a, VirtualEth) or a.side != "server":
                continue
            if a.remote_lpar_id != p.id and not (
                    a.remote_lpar_id is None and (v.id, a.slot, a.type) in wanted):
                continue
            if isinstance(a, VirtualScsi):
                maps = tuple(f"{m.vtd} -> {m.backing or 'no media'}" for m in v.vscsi_mappings
                             if m.vhost_slot == a.slot)
                device = vhosts.get(a.slot, "")
            else:
                maps = tuple(m.port for m in v.npiv_mappings if m.vfchost_slot == a.slot)
                device = vfchosts.get(a.slot, "")
            links.append(ServerLink(v, a, device, maps))
    return links


def remove_servers(ctx: Context, p: Partition, vdisk: bool) -> None:
    """Remove the connected server adapters and their mappings (and, with `vdisk`, the
    logical volumes that backed them). Mappings live in the VIOS: it must be up."""
    links = connected_servers(ctx.frame, p)
    dropped_lvs: set[str] = set()
    for vios_id in dict.fromkeys(link.vios.id for link in links):
        v = ctx.partition_by_id(vios_id)
        mine = [link for link in links if link.vios.id == vios_id]
        slots = {link.adapter.slot for link in mine}
        if any(link.mappings for link in mine):
            require_vios_up(v)
        if v.active:
            require_dlpar_ready(ctx, v)
        gone = [m for m in v.vscsi_mappings if m.vhost_slot in slots]
        ctx.put(v.model_copy(update={
            "adapters": tuple(a for a in v.adapters if a.slot not in slots),
            "vscsi_mappings": tuple(m for m in v.vscsi_mappings if m.vhost_slot not in slots),
            "npiv_mappings": tuple(m for m in v.npiv_mappings if m.vfchost_slot not in slots),
        }))
        dropped_lvs |= {m.backing for m in gone}
    if vdisk and dropped_lvs:
        still = {m.backing for q in ctx.frame.partitions for m in q.vscsi_mappings}
        disks = tuple(d for d in ctx.frame.io.disks
                      if not (d.kind == "lv" and d.name in dropped_lvs and d.name not in still))
        ctx.frame = ctx.frame.model_copy(
            update={"io": ctx.frame.io.model_copy(update={"disks": disks})})
