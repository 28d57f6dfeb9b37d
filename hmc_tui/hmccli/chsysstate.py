"""chsysstate: activate and shut down partitions, power the managed system on and off.

    -r lpar -o on [-f PROFILE] [-b norm|sms|of|dd|ds] [-k norm|manual] [-i a|b|c|d]
    -r lpar -o shutdown|osshutdown [--immed] [--restart]
    -r lpar -o dumprestart           (panel function 22: simulated as an immediate restart)
    -r sys  -o on|onstandby|off [--immed] [--force]   (off with active partitions: --force)

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
from hmc_tui.hmccli.errors import CodedError
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FORCE, LPAR_ID, SYSTEM

# Every operation the HMC knows; the ones the engine has no operation for are refused with
# HSCLC001 rather than as a usage error.
LPAR_OPS = ("on", "shutdown", "osshutdown", "dumprestart", "retrydump", "dston", "remotedstoff",
            "remotedston", "chkey", "suspend", "resume")
SYS_OPS = ("on", "onstandby", "onsysprof", "onhwdisc", "off", "rebuild", "recover", "chkey")
_TARGET = ("-m", "-r", "-o", "-n", "--id")

GRAMMAR = Grammar(
    "chsysstate", "activate and shut down partitions, power the managed system on and off",
    "Changes the state of a partition or the managed system.",
    (
        SYSTEM,
        Flag("-r", choices=("lpar", "sys"), required=True, inline=True,
             help="the type of resource: lpar or sys"),
        Flag("-o", metavar="<operation>", required=True,
             choices=tuple(dict.fromkeys((*LPAR_OPS, *SYS_OPS))),
             help="the operation:\n"
                  "  on          - activate a partition / power on\n"
                  "  onstandby   - power on to partition standby\n"
                  "  off         - power off the managed system\n"
                  "  shutdown    - shut down a partition\n"
                  "  osshutdown  - shut down the partition's OS\n"
                  "  dumprestart - dump and restart a partition"),
        Flag("-n", metavar="<object name>", names="lpar", alt="lpar",
             help="the partition's name"),
        LPAR_ID,
        Flag("-f", metavar="<profile name>", names="profile",
             help="the profile to activate with"),
        Flag("-b", metavar="<boot mode>", choices=("norm", "sms", "of", "dd", "ds"),
             help="norm, sms, of, dd or ds"),
        Flag("-k", metavar="<keylock position>", choices=("norm", "manual"), inline=True,
             help="norm or manual (IBM i)"),
        Flag("-i", metavar="<IPL source>", choices=("a", "b", "c", "d"), inline=True,
             help="a, b, c or d (IBM i)"),
        Flag("--immed", SWITCH, help="immediate shut down / power off"),
        Flag("--restart", SWITCH, help="restart the partition once it is down", inline=True),
        FORCE,
    ),
    (
        Variant({"-r": "sys"}, flags=("-m", "-r", "-o", "--immed", "--restart", "--force"),
                choices={"-o": SYS_OPS}),
        Variant({"-r": "sys", "-o": "on"}, flags=("-m", "-r", "-o", "--force")),
        Variant({"-r": "sys", "-o": "onstandby"}, flags=("-m", "-r", "-o", "--force")),
        Variant({"-r": "lpar"}, choices={"-o": LPAR_OPS}, required=("-n",)),
        Variant({"-r": "lpar", "-o": "on"},
                flags=(*_TARGET, "-f", "-b", "-k", "-i", "--force")),
        Variant({"-r": "lpar", "-o": "shutdown"},
                flags=(*_TARGET, "--immed", "--restart", "--force")),
        Variant({"-r": "lpar", "-o": "osshutdown"},
                flags=(*_TARGET, "--immed", "--restart", "--force")),
        Variant({"-r": "lpar", "-o": "dumprestart"}, flags=(*_TARGET, "--force")),
    ),
)


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    resource = args.require("-r")
    ctx.system(args)
    action = args.require("-o")
    if resource == "sys":
        if action in ("on", "onstandby"):
            return [PowerOnSystem(standby=action == "onstandby")]
        if action == "off":
            if "--restart" in args:
                raise CodedError("HSCLC001", what="chsysstate -r sys -o off --restart")
            return [PowerOffSystem(immediate="--immed" in args, force="--force" in args)]
        raise CodedError("HSCLC001", what=f"chsysstate -r sys -o {action}")
    p = ctx.target(args)
    if action == "on":
        profile = args.get("-f")
        if profile is not None:
            ctx.profile(p, profile)
        boot, keylock, ipl = args.get("-b"), args.get("-k"), args.get("-i")
        return [ActivatePartition(lpar=p.name, profile=profile, boot_mode=boot,
                                  keylock=keylock, ipl_source=ipl)]
    if action in ("shutdown", "osshutdown"):
        immed = "--immed" in args
        option = ("os_immediate" if immed else "os") if action == "osshutdown" else (
            "immediate" if immed else "delayed")
        return [ShutdownPartition(lpar=p.name, option=option, restart="--restart" in args)]
    if action == "dumprestart":
        return [ShutdownPartition(lpar=p.name, option="immediate", restart=True)]
    raise CodedError("HSCLC001", what=f"chsysstate -r lpar -o {action}")


def run(ctx: Ctx, args: Args) -> str:
    for op in plan(ctx, args):
        ctx.execute(op)
    return ""
