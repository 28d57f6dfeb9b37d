"""chsysstate: activate and shut down partitions, power the managed system on and off.

    -r lpar -o on [-f PROFILE] [-b norm|sms|of|dd|ds] [-k norm|manual] [-i a|b|c|d]
    -r lpar -o shutdown|osshutdown [--immed] [--restart]
    -r lpar -o dumprestart           (panel function 22: simulated as an immediate restart)
    -r sys  -o on|onstandby|off [--immed]

Without -f the partition starts with its default profile (newer HMCs start the current
configuration, which for the simulator is the same thing until a profile is changed).
"""

from __future__ import annotations

from engine.ops import (
    ActivatePartition,
    Operation,
    PowerOffSystem,
    PowerOnSystem,
    ShutdownPartition,
)
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError, UsageError
from hmc_tui.hmccli.options import SWITCH, VALUE, Args

FLAGS = {"-m": VALUE, "-r": VALUE, "-o": VALUE, "-n": VALUE, "--id": VALUE, "-f": VALUE,
         "-b": VALUE, "-k": VALUE, "-i": VALUE, "--immed": SWITCH, "--restart": SWITCH,
         "--force": SWITCH}
LPAR_OPS = ("on", "shutdown", "osshutdown", "dumprestart", "retrydump", "dston", "remotedstoff",
            "remotedston", "chkey", "suspend", "resume")
SYS_OPS = ("on", "onstandby", "onsysprof", "onhwdisc", "off", "rebuild", "recover", "chkey")


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.one_of("-r", ("lpar", "sys"))
    ctx.system(args)
    if resource == "sys":
        action = args.one_of("-o", SYS_OPS)
        if action in ("on", "onstandby"):
            args.only(("-m", "-r", "-o", "--force"))
            return [PowerOnSystem(standby=action == "onstandby")]
        if action == "off":
            args.only(("-m", "-r", "-o", "--immed", "--restart", "--force"))
            if "--restart" in args:
                raise CodedError("HSCLC001", what="chsysstate -r sys -o off --restart")
            return [PowerOffSystem(immediate="--immed" in args)]
        raise CodedError("HSCLC001", what=f"chsysstate -r sys -o {action}")
    action = args.one_of("-o", LPAR_OPS)
    p = ctx.target(args)
    if action == "on":
        args.only(("-m", "-r", "-o", "-n", "--id", "-f", "-b", "-k", "-i", "--force"))
        profile = args.get("-f")
        if profile is not None:
            ctx.profile(p, profile)
        boot = args.get("-b")
        if boot is not None and boot not in ("norm", "sms", "of", "dd", "ds"):
            raise UsageError("-b")
        keylock = args.get("-k")
        if keylock is not None and keylock not in ("norm", "manual"):
            raise UsageError("-k")
        ipl = args.get("-i")
        if ipl is not None and ipl not in ("a", "b", "c", "d"):
            raise UsageError("-i")
        return [ActivatePartition(lpar=p.name, profile=profile, boot_mode=boot,
                                  keylock=keylock, ipl_source=ipl)]  # type: ignore[arg-type]
    if action in ("shutdown", "osshutdown"):
        args.only(("-m", "-r", "-o", "-n", "--id", "--immed", "--restart", "--force"))
        immed = "--immed" in args
        option = ("os_immediate" if immed else "os") if action == "osshutdown" else (
            "immediate" if immed else "delayed")
        return [ShutdownPartition(lpar=p.name, option=option, restart="--restart" in args)]
    if action == "dumprestart":
        args.only(("-m", "-r", "-o", "-n", "--id", "--force"))
        return [ShutdownPartition(lpar=p.name, option="immediate", restart=True)]
    raise CodedError("HSCLC001", what=f"chsysstate -r lpar -o {action}")


def run(ctx: Ctx, args: Args) -> str:
    for op in plan(ctx, args):
        ctx.execute(op)
    return ""
