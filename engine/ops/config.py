"""Configuration: create and delete partitions and profiles, change profiles and pools."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError

from engine.errors import HmcError
from engine.hmcsyntax import attr_arg, items, name, present
from engine.model import (
    Frame,
    LparEnv,
    Partition,
    Profile,
    VirtualEth,
    VirtualFc,
    VirtualScsi,
    Workload,
)
from engine.ops.base import Context, Operation
from engine.ops.system import require_sync_allows
from engine.ops.vios_pairs import add_servers, remove_servers, server_commands, with_addresses

PROFILE_ATTRS = (
    "min_mem", "desired_mem", "max_mem", "proc_mode", "min_proc_units", "desired_proc_units",
    "max_proc_units", "min_procs", "desired_procs", "max_procs", "sharing_mode", "uncap_weight",
    "hpt_ratio", "max_virtual_slots", "boot_mode", "keylock", "ipl_source", "auto_start",
    "conn_monitoring",
)


def pydantic_to_hmc(exc: ValidationError, prefix: str = "") -> HmcError:
    """The first pydantic complaint as an HMC 'value not valid' error naming the field."""
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"]) or prefix
    return HmcError("HSCL0A0F", f"{prefix}{field}", field=field, value=err.get("input"),
                    reason=err["msg"] + ".")


def profile_pairs(prof: Profile, pool_name: str) -> list[tuple[str, object]]:
    """The -i attribute pairs that create this profile (for the shown HMC commands)."""
    pairs: list[tuple[str, object]] = [("name", prof.name)]
    pairs += [(key, getattr(prof, key)) for key in PROFILE_ATTRS
              if getattr(prof, key) is not None]
    if prof.shared:
        pairs.append(("shared_proc_pool_name", pool_name))
    return pairs


def adapter_pairs(frame: Frame, adapters: tuple) -> list[tuple[str, object]]:
    return [(f"virtual_{kind}_adapters", items(frame, adapters, kind))
            for kind in ("scsi", "fc", "eth") if any(a.type == kind for a in adapters)]


class CreatePartition(Operation):
    """mksyscfg -r lpar: a new partition with its first profile (Not Activated)."""

    op: Literal["create_lpar"] = "create_lpar"
    task: ClassVar[str] = "config"
    name: str
    env: LparEnv
    lpar_id: int | None = None  # None: the lowest free id
    profile: Profile
    os_version: str = "Unknown"
    adapters: tuple[VirtualScsi | VirtualFc | VirtualEth, ...] = ()
    workload: Workload = Workload()
    # The console's create task: also make, on each VIOS a client adapter names, its server
    # adapter (engine/ops/vios_pairs.py); mksyscfg alone leaves that to the user.
    vios_servers: bool = False

    def new_id(self, frame: Frame) -> int:
        """The id asked for, or the lowest free one."""
        taken = {p.id for p in frame.partitions}
        return self.lpar_id or next(i for i in range(1, len(taken) + 2) if i not in taken)

    def apply(self, ctx: Context) -> None:
        frame = ctx.frame
        if frame.partition(self.name) is not None:
            raise HmcError("HSCL0A06", what="partition name", value=self.name,
                           owner="another partition")
        lpar_id = self.new_id(frame)
        if frame.partition(lpar_id) is not None:
            raise HmcError("HSCL0A06", what="partition ID", value=lpar_id,
                           owner=frame.partition(lpar_id).name)  # type: ignore[union-attr]
        try:
            p = Partition(id=lpar_id, name=self.name, env=self.env, os_version=self.os_version,
                          default_profile=self.profile.name, profiles=(self.profile,),
                          adapters=with_addresses(frame, self.adapters),
                          workload=self.workload)
        except ValidationError as exc:
            raise pydantic_to_hmc(exc) from None
        if self.vios_servers:
            add_servers(ctx, lpar_id, self.adapters)
        ctx.put(p)
        ctx.data["lpar_id"] = lpar_id

    def target(self) -> str:
        return self.name

    def command(self, frame: Frame) -> str:
        pool = frame.pools[self.profile.shared_proc_pool_id].name
        pairs = profile_pairs(self.profile, pool)
        head: list[tuple[str, object]] = [("name", self.name)]
        if self.lpar_id is not None:
            head.append(("lpar_id", self.lpar_id))
        head += [("profile_name", self.profile.name), ("lpar_env", self.env)]
        pairs = head + pairs[1:] + adapter_pairs(frame, self.adapters)
        mk = f"mksyscfg -r lpar -m {name(frame.system.name)} -i {attr_arg(pairs)}"
        if not self.vios_servers:
            return mk
        # the server adapters first: a client adapter must find its server
        return "; ".join([*server_commands(frame, self.new_id(frame), self.adapters), mk])


class DeletePartition(Operation):
    """rmsyscfg -r lpar [--vioscfg [--vdisk]]: without --vioscfg the VIOS server adapters
    that named the partition stay, serving any partition."""

    op: Literal["delete_lpar"] = "delete_lpar"
    task: ClassVar[str] = "config"
    lpar: str
    vioscfg: bool = False  # also remove the connected VIOS server adapters and mappings
    vdisk: bool = False  # and the logical volumes that backed those mappings

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.state != "Not Activated":
            raise HmcError("HSCL0B05", name=p.name)
        if self.vioscfg:
            remove_servers(ctx, p, self.vdisk)
        users = [c.name for c in ctx.frame.partitions if c.id != p.id and any(
            getattr(a, "remote_lpar_id", None) == p.id and a.side == "client"
            for a in c.adapters if not isinstance(a, VirtualEth))]
        if users:
            raise HmcError("HSCL0B0A", name=p.name, users=", ".join(users))
        ctx.frame = ctx.frame.without_partition(p.id)
        # Physical adapters it owned go back to the unassigned pool.
        adapters = tuple(a.model_copy(update={"owner": None}) if a.owner == p.id else a
                         for a in ctx.frame.io.adapters)
        disks = tuple(d.model_copy(update={"owners": tuple(o for o in d.owners if o != p.id)})
                      for d in ctx.frame.io.disks)
        io = ctx.frame.io.model_copy(update={"adapters": adapters, "disks": disks})
        # Server adapters elsewhere that named it now serve "any" partition.
        frame = ctx.frame.model_copy(update={"io": io})
        for other in frame.partitions:
            changed = tuple(
                a.model_copy(update={"remote_lpar_id": None, "remote_slot": None})
                if not isinstance(a, VirtualEth) and a.remote_lpar_id == p.id else a
                for a in other.adapters)
            if changed != other.adapters:
                frame = frame.with_partition(other.model_copy(update={"adapters": changed}))
        ctx.frame = frame

    def command(self, frame: Frame) -> str:
        flags = " --vioscfg" * self.vioscfg + " --vdisk" * (self.vioscfg and self.vdisk)
        return f"rmsyscfg -r lpar -m {name(frame.system.name)} -n {name(self.lpar)}{flags}"


class ChangePartition(Operation):
    """chsyscfg -r lpar: rename a partition or choose its default profile."""

    op: Literal["change_lpar"] = "change_lpar"
    task: ClassVar[str] = "config"
    lpar: str
    new_name: str | None = None
    default_profile: str | None = None

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        update: dict[str, object] = {}
        if self.default_profile is not None:
            update["default_profile"] = ctx.profile(p, self.default_profile).name
        if self.new_name is not None and self.new_name != p.name:
            other = ctx.frame.partition(self.new_name)
            if other is not None:
                raise HmcError("HSCL0A06", what="partition name", value=self.new_name,
                               owner=f"partition {other.id}")
            update["name"] = self.new_name
        try:  # model_copy does not validate: the name's length and form are checked here
            ctx.put(Partition.model_validate(p.model_dump() | update))
        except ValidationError as exc:
            raise pydantic_to_hmc(exc) from None

    def command(self, frame: Frame) -> str:
        pairs = present(("name", self.lpar), ("new_name", self.new_name),
                        ("default_profile", self.default_profile))
        return f"chsyscfg -r lpar -m {name(frame.system.name)} -i {attr_arg(pairs)}"


class CreateProfile(Operation):
    op: Literal["create_profile"] = "create_profile"
    task: ClassVar[str] = "config"
    lpar: str
    profile: Profile

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.profile(self.profile.name) is not None:
            raise HmcError("HSCL0A06", what="profile name", value=self.profile.name,
                           owner=p.name)
        ctx.put(p.model_copy(update={"profiles": (*p.profiles, self.profile)}))

    def command(self, frame: Frame) -> str:
        pool = frame.pools[self.profile.shared_proc_pool_id].name
        pairs = profile_pairs(self.profile, pool)
        pairs.insert(1, ("lpar_name", self.lpar))
        return f"mksyscfg -r prof -m {name(frame.system.name)} -i {attr_arg(pairs)}"


class ChangeProfile(Operation):
    """chsyscfg -r prof: change attributes of a profile (HMC attribute names)."""

    op: Literal["change_profile"] = "change_profile"
    task: ClassVar[str] = "config"
    lpar: str
    profile: str
    changes: dict[str, Any]

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        prof = ctx.profile(p, self.profile)
        require_sync_allows(p, prof.name)
        changes = dict(self.changes)
        if "shared_proc_pool_name" in changes:
            changes["shared_proc_pool_id"] = ctx.pool(str(changes.pop("shared_proc_pool_name"))).id
        if "new_name" in changes:
            changes["name"] = changes.pop("new_name")
        try:
            new = Profile.model_validate(prof.model_dump() | changes)
        except ValidationError as exc:
            raise pydantic_to_hmc(exc) from None
        profiles = tuple(new if q.name == prof.name else q for q in p.profiles)
        update: dict[str, object] = {"profiles": profiles}
        if new.name != prof.name:
            if p.default_profile == prof.name:
                update["default_profile"] = new.name
            if p.curr_profile == prof.name:
                update["curr_profile"] = new.name
        ctx.put(p.model_copy(update=update))

    def command(self, frame: Frame) -> str:
        pairs = [("name", self.profile), ("lpar_name", self.lpar), *self.changes.items()]
        return f"chsyscfg -r prof -m {name(frame.system.name)} -i {attr_arg(pairs)}"


class DeleteProfile(Operation):
    op: Literal["delete_profile"] = "delete_profile"
    task: ClassVar[str] = "config"
    lpar: str
    profile: str

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        prof = ctx.profile(p, self.profile)
        if prof.name == p.default_profile:
            raise HmcError("HSCL0B08", name=prof.name, lpar=p.name)
        profiles = tuple(q for q in p.profiles if q.name != prof.name)
        ctx.put(p.model_copy(update={"profiles": profiles}))

    def command(self, frame: Frame) -> str:
        return (f"rmsyscfg -r prof -m {name(frame.system.name)} -n {name(self.profile)} "
                f"-p {name(self.lpar)}")


class ChangePool(Operation):
    """chhwres -r procpool -o s: a pool's maximum and reserved capacity, or its name."""

    op: Literal["change_pool"] = "change_pool"
    task: ClassVar[str] = "pools"
    pool: str
    max_proc_units: int | None = Field(default=None, ge=0)
    reserved_proc_units: float | None = Field(default=None, ge=0)
    new_name: str | None = None

    def apply(self, ctx: Context) -> None:
        pool = ctx.pool(self.pool)
        if pool.is_default:
            raise HmcError("HSCL0A0C")
        update: dict[str, object] = {}
        if self.max_proc_units is not None:
            update["max_proc_units"] = self.max_proc_units
        if self.reserved_proc_units is not None:
            update["reserved_proc_units"] = round(self.reserved_proc_units, 2)
        if self.new_name:
            update["name"] = self.new_name
        ctx.frame = ctx.frame.with_pool(pool.model_copy(update=update))

    def target(self) -> str:
        return self.pool

    def command(self, frame: Frame) -> str:
        reserved = self.reserved_proc_units
        pairs = present(("max_pool_proc_units", self.max_proc_units),
                        ("reserved_pool_proc_units", None if reserved is None else float(reserved)),
                        ("new_name", self.new_name or None))
        return (f"chhwres -r procpool -m {name(frame.system.name)} -o s "
                f"--poolname {name(self.pool)} -a {attr_arg(pairs)}")


class MovePartitionPool(Operation):
    """Move a shared partition to another pool: its current configuration when active,
    and its default profile, so the move survives the next activation."""

    op: Literal["move_pool"] = "move_pool"
    task: ClassVar[str] = "pools"
    lpar: str
    pool: str

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        pool = ctx.pool(self.pool)
        settings = p.settings()
        if not settings.shared:
            raise HmcError("HSCL0A0F", field="shared_proc_pool_name", value=self.pool,
                           reason="partitions with dedicated processors are in no shared pool.")
        ctx.require_settled(p)
        update: dict[str, object] = {}
        if p.current is not None:
            update["current"] = p.current.model_copy(update={"shared_proc_pool_id": pool.id})
        update["profiles"] = tuple(
            q.model_copy(update={"shared_proc_pool_id": pool.id})
            if q.name == p.default_profile else q for q in p.profiles)
        ctx.put(p.model_copy(update=update))

    def command(self, frame: Frame) -> str:
        return (f"chhwres -r procpool -m {name(frame.system.name)} -o s -p {name(self.lpar)} "
                f"--poolname {name(self.pool)}")
