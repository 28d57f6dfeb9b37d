"""lspwdpolicy, mkpwdpolicy, chpwdpolicy, rmpwdpolicy: the console's password policies.

The policies live next to the user store (hmc_tui/service/pwdpolicy.py), which consults the
active one whenever a password is set. Every user may list them; creating, changing,
activating and removing need the "users" task (hmcsuperadmin), checked against the caller as
the user store knows them now.

`lspwdpolicy -t p` prints one record per policy with the attribute names IBM's man pages and
the Ansible module hmc_pwdpolicy use (name, description, min_pwage, pwage, warn_pwage,
min_length, hist_size, min_digits, min_uppercase_chars, min_lowercase_chars,
min_special_chars) and `active` (0/1); `-t s` prints `active=0|1,active_policy_name=NAME`.
The order of the attributes is our own.
"""

from __future__ import annotations

from dataclasses import asdict

from engine.roles import authorize
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CodedError
from hmc_tui.hmccli.filters import parse_filter
from hmc_tui.hmccli.format import Record, render
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER
from hmc_tui.hmccli.tokens import parse_attrs
from hmc_tui.hmccli.usercmds import caller
from hmc_tui.service.pwdpolicy import ATTRIBUTES, PasswordPolicy, policy_from

POLICY_ATTRS = ("name", "description", "active", *ATTRIBUTES[2:])
STATUS_ATTRS = ("active", "active_policy_name")

_INPUT = Flag("-i", metavar='"<input data>"', names="text",
              help="attribute=value pairs: name, description,\n"
                   "min_pwage, pwage, warn_pwage, min_length,\n"
                   "hist_size, min_digits, min_uppercase_chars,\n"
                   "min_lowercase_chars, min_special_chars")
_NAME = Flag("-n", metavar="<policy name>", names="text", help="the policy's name")

LSPWDPOLICY = Grammar(
    "lspwdpolicy", "list the console's password policies",
    "Lists the password policies (p) or the password policy status (s).",
    (Flag("-t", choices=("p", "s"), required=True, help="p (policies) or s (status)"),
     FILTER, FIELDS, HEADER),
    (Variant({"-t": "p"}, attributes=POLICY_ATTRS, filters=("names",)),
     Variant({"-t": "s"}, flags=("-t", "-F", "--header"), attributes=STATUS_ATTRS)),
)
MKPWDPOLICY = Grammar(
    "mkpwdpolicy", "create a password policy",
    "Creates a password policy (it is not activated).",
    (Flag("-i", metavar='"<input data>"', names="text", required=True, help=_INPUT.help),),
)
CHPWDPOLICY = Grammar(
    "chpwdpolicy", "activate, deactivate or change a password policy",
    "Activates (a) or deactivates (d) the password policy, or modifies\n"
    "a policy (m, with -i name=...,new_name=... and other attributes).",
    (Flag("-o", choices=("a", "d", "m"), required=True,
          help="a (activate), d (deactivate), m (modify)"),
     _NAME, _INPUT),
    (Variant({"-o": "a"}, flags=("-o", "-n"), required=("-n",)),
     Variant({"-o": "d"}, flags=("-o",)),
     Variant({"-o": "m"}, flags=("-o", "-i"), required=("-i",))),
)
RMPWDPOLICY = Grammar(
    "rmpwdpolicy", "remove a password policy", "Removes a password policy.",
    (Flag("-n", metavar="<policy name>", names="text", required=True,
          help="the policy's name"),),
)


def _attrs(text: str) -> dict[str, str]:
    """-i "name=..,min_length=.." as a dict; a repeated attribute is a usage error."""
    attrs: dict[str, str] = {}
    for key, op, value in parse_attrs(text):
        if op != "=" or key in attrs:
            raise CodedError("HSCLC0FF", detail=f"-i: {key}{op} is not attribute=value")
        attrs[key] = value
    return attrs


def _record(policy: PasswordPolicy, active: bool) -> Record:
    values = {k: str(v) for k, v in asdict(policy).items()}
    values["active"] = "1" if active else "0"
    return {k: values[k] for k in POLICY_ATTRS}


def run_ls(ctx: Ctx, args: Args) -> str:
    policies = ctx.user_store().policies
    fields, header = args.get("-F"), "--header" in args
    active = policies.active()
    if args.require("-t") == "s":
        status: Record = {"active": "1" if active else "0",
                          "active_policy_name": active.name if active else ""}
        return render([status], fields, header, STATUS_ATTRS)
    f = parse_filter(args.get("--filter"), args.filters)
    records = [_record(p, active is not None and p.name == active.name)
               for p in policies.policies() if f.allows("names", p.name)]
    return render(records, fields, header, POLICY_ATTRS)


def _authorised(ctx: Ctx) -> None:
    store = ctx.user_store()
    authorize(caller(ctx.console.actor, store), "users")


def run_mk(ctx: Ctx, args: Args) -> str:
    _authorised(ctx)
    attrs = _attrs(args.require("-i"))
    if "name" not in attrs:
        raise CodedError("HSCLC002", name="name")
    ctx.user_store().policies.create(policy_from(attrs))
    return ""


def run_ch(ctx: Ctx, args: Args) -> str:
    _authorised(ctx)
    policies = ctx.user_store().policies
    option = args.require("-o")
    if option == "a":
        policies.activate(args.require("-n"))
    elif option == "d":
        policies.deactivate()
    else:
        attrs = _attrs(args.require("-i"))
        name = attrs.pop("name", "")
        if not name:
            raise CodedError("HSCLC002", name="name")
        policies.modify(name, attrs)
    return ""


def run_rm(ctx: Ctx, args: Args) -> str:
    _authorised(ctx)
    ctx.user_store().policies.remove(args.require("-n"))
    return ""
