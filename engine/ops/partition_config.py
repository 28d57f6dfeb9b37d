"""Profiles from a running partition: save the current configuration to a profile.

`mksyscfg -r prof -o save -p LPAR -n PROFILE [--force]` (IBM's mksyscfg man page): a new
profile, or with --force an existing one overwritten, holding what the hypervisor has
granted now; what the current configuration does not hold (boot mode, keylock, ...) comes
from the profile the partition was activated with.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ValidationError

from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import Frame, Partition, Profile
from engine.ops.base import Context, Operation
from engine.ops.config import pydantic_to_hmc


def saved_profile(p: Partition, profile: str) -> Profile:
    """The profile `-o save` writes: the activation profile's fields, the current values."""
    if p.current is None:
        raise HmcError("HSCL1558", name=p.name)
    base = p.profile(p.curr_profile) or p.profile(p.default_profile) or p.profiles[0]
    try:
        return Profile.model_validate(base.model_dump() | p.current.model_dump()
                                      | {"name": profile})
    except ValidationError as exc:
        raise pydantic_to_hmc(exc) from None


class SaveCurrentConfig(Operation):
    op: Literal["save_profile"] = "save_profile"
    task: ClassVar[str] = "config"
    lpar: str
    profile: str
    force: bool = False  # overwrite an existing profile of that name

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        new = saved_profile(p, self.profile)
        if p.profile(self.profile) is None:
            ctx.put(p.model_copy(update={"profiles": (*p.profiles, new)}))
            return
        if not self.force:
            raise HmcError("HSCL0A06", what="profile name", value=self.profile, owner=p.name)
        profiles = tuple(new if q.name == new.name else q for q in p.profiles)
        ctx.put(p.model_copy(update={"profiles": profiles}))

    def command(self, frame: Frame) -> str:
        force = " --force" if self.force else ""
        return (f"mksyscfg -r prof -m {name(frame.system.name)} -o save -p {name(self.lpar)} "
                f"-n {name(self.profile)}{force}")
