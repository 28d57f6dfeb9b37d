"""What a command runs against: the console, one snapshot, and the HMC's lookups.

Every command reads one snapshot taken when it starts, so a listing is consistent even while
the engine clock runs; changes go to the console as operations with the console's actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.errors import HmcError
from engine.model import Frame, Partition, Profile
from engine.ops import Operation
from engine.service import OpResult
from engine.snapshot import Snapshot
from hmc_tui.console import Console
from hmc_tui.hmccli.errors import CliError, UsageError
from hmc_tui.hmccli.options import Args
from hmc_tui.service.users import UserStore

DATE_FORMAT = "%m/%d/%Y %H:%M:%S"


def hmc_time(moment: datetime) -> str:
    """The HMC's timestamps: MM/DD/YYYY HH:MM:SS."""
    return moment.strftime(DATE_FORMAT)


@dataclass
class Ctx:
    console: Console
    snap: Snapshot
    allow_files: bool = True  # may -f read local files (off for remote sessions)
    results: list[OpResult] = field(default_factory=list)  # of operations this command ran
    users: UserStore | None = None  # the user store of the user commands (None: the default)
    # The managed system -m named (its MTMS: a rename does not change it), "" while none
    # was named; operations this command runs act on it.
    system_key: str = ""
    # The engine's `step` when the front end hands this command the clock (`hmc-tui cmd`):
    # a command that waits for the engine (migrlpar -o m) steps it; None: the clock is
    # running, or someone else's (lockstep).
    step: Callable[[float], None] | None = None

    @classmethod
    def of(cls, console: Console, allow_files: bool = True,
           users: UserStore | None = None,
           step: Callable[[float], None] | None = None) -> Ctx:
        return cls(console=console, snap=console.snapshot(), allow_files=allow_files,
                   users=users, step=step)

    def user_store(self) -> UserStore:
        """The store given, else the data dir's (opened only by a user command)."""
        if self.users is None:
            self.users = UserStore()
        return self.users

    @property
    def frame(self) -> Frame:
        return self.snap.frame

    # -- time
    def wall(self, seconds: float | None = None) -> datetime:
        """Engine seconds on the system's calendar (now when None)."""
        t = self.snap.time if seconds is None else seconds
        return self.frame.system.epoch + timedelta(seconds=t)

    def now(self) -> str:
        return hmc_time(self.wall())

    # -- lookups that fail the HMC's way
    def system(self, args: Args, required: bool = True) -> None:
        """Resolve -m: a system's name or `type-model*serial` (HSCL8014 for another); from
        then on `frame` (and `snap`'s live figures) are that system's and the command's
        operations act on it. Where -m may be omitted the first system stays."""
        value = args.get("-m")
        if value is None:
            if required:
                raise UsageError("-m")
            return
        self.use_system(value)

    @property
    def on_system(self) -> str:
        """What requests to the console name the system by: its MTMS when the HMC manages
        several, else "" (the only one, as before several systems)."""
        return self.system_key if self.snap.several else ""

    def use_system(self, key: str) -> None:
        """Make system `key` (name or MTMS) the one this command is about."""
        self.snap = self.snap.on(self.snap.index(key) if key else 0)
        self.system_key = self.frame.mtms

    def partition(self, name: str) -> Partition:
        p = self.frame.partition(name)
        if p is None:
            raise HmcError("HSCL8012", name=name)
        return p

    def partition_id(self, text: str) -> Partition:
        try:
            lpar_id = int(text)
        except ValueError:
            raise UsageError("--id") from None
        p = self.frame.partition(lpar_id)
        if p is None:
            raise HmcError("HSCL8012", name=text)
        return p

    def target(self, args: Args, name_flag: str = "-n", id_flag: str = "--id") -> Partition:
        """The partition named by `-n NAME` / `-p NAME` or `--id N` (exactly one)."""
        if name_flag in args and id_flag in args:
            raise UsageError(name_flag, id_flag)
        if id_flag in args:
            return self.partition_id(args.require(id_flag))
        return self.partition(args.require(name_flag, id_flag))

    def profile(self, p: Partition, name: str) -> Profile:
        prof = p.profile(name)
        if prof is None:
            raise HmcError("HSCL8013", name=name, lpar=p.name)
        return prof

    # -- changes
    def execute(self, op: Operation) -> OpResult:
        """Run one operation with the console's actor; a refusal becomes the HMC's error."""
        if self.on_system and not op.system:
            op = op.model_copy(update={"system": self.on_system})
        result = self.console.execute(op)
        self.results.append(result)
        if not result.ok:
            raise CliError(f"{result.code} {result.message}")
        return result
