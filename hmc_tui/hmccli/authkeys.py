"""mkauthkeys and lshmcldap: the caller's SSH keys, and the console's (absent) LDAP.

`mkauthkeys --add 'KEY'` adds an OpenSSH public key to the caller's keys in the user store,
`--remove 'COMMENT'` (or a whole key line) removes the matching ones, `--test` answers
whether the caller has a key at all; `-u USER` acts on another user's keys and needs the
"users" task (hmcsuperadmin). The SSH service reads the store at every login, so a key added
here logs in from the next connection. As on the HMC (IBM's mkauthkeys man page) the key or
comment is the value right after --add / --remove. The key exchange with another console
(`--ip HOST`, `-g`) needs a second console, which this one cannot reach: HSCLC001.

`lshmcldap`: no LDAP server is ever configured here. The sentence is our own; IBM's Ansible
collection (plugins/module_utils/hmc_resource.py, list_HMC_LDAP) looks for
"LDAP server is not configured" in the output of a successful command, so it contains that.
"""

from __future__ import annotations

from engine.errors import HmcError
from engine.roles import authorize
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError, CodedError, UsageError
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER
from hmc_tui.hmccli.usercmds import caller
from hmc_tui.service.users import UserError, parse_public_keys

NO_LDAP = "The LDAP server is not configured on this management console."

MKAUTHKEYS = Grammar(
    "mkauthkeys", "add or remove your SSH public keys",
    "Adds or removes SSH public keys of the user (your own unless -u).",
    (
        Flag("-a", metavar="'<key>'", names="text", alt="what",
             help="add the OpenSSH public key"),
        Flag("--add", metavar="'<key>'", names="text", alt="what", help="as -a"),
        Flag("-r", metavar="'<comment>'", names="text", alt="what",
             help="remove the keys with this comment, or\nthis key"),
        Flag("--remove", metavar="'<comment>'", names="text", alt="what",
             help="as -r"),
        Flag("--test", SWITCH, alt="what", help="whether the user has a key"),
        Flag("-g", SWITCH),  # a key exchange with another console: refused
        Flag("-u", metavar="<user name>", names="text",
             help="the user whose keys change (hmcsuperadmin)"),
        Flag("-t", choices=("rsa", "dsa", "ecdsa", "ed25519")),
        Flag("--ip", metavar="<remote console>", names="text"),
        Flag("--passwd", metavar="<password>", names="text"),
    ),
)
LSHMCLDAP = Grammar(
    "lshmcldap", "list the console's LDAP configuration",
    "Lists the LDAP configuration (config) or LDAP users (user).",
    (Flag("-r", choices=("config", "user"), required=True, help="config or user"),
     FILTER, FIELDS, HEADER),
    (Variant({}, filters=("names",), attributes=()),),
)


def run_mkauthkeys(ctx: Ctx, args: Args) -> str:
    if "--ip" in args or "-g" in args:
        raise CodedError("HSCLC001", what="mkauthkeys --ip / -g (a key exchange with another "
                                          "management console)")
    store = ctx.user_store()
    actor = caller(ctx.console.actor, store)
    user = args.get("-u") or actor.user
    if user != actor.user:
        authorize(actor, "users")
    if store.get(user) is None:
        raise CliError(f"mkauthkeys: the user {user} does not exist")
    key = args.get("-a") or args.get("--add")
    remove = args.get("-r") or args.get("--remove")
    try:
        if key is not None:
            store.add_keys(user, parse_public_keys(key))
        elif remove is not None:
            if store.remove_keys(user, remove.strip()) == 0:
                raise HmcError("HSCL0D0D", user=user, key=remove.strip())
        elif "--test" in args:
            found = store.get(user)
            if found is None or not found.keys:
                raise HmcError("HSCL0D0D", user=user, key="any key")
        else:
            raise UsageError("-a", "--add", "-r", "--remove", "--test")
    except UserError as exc:
        raise HmcError("HSCL0D0C", key=_short(key or ""), reason=str(exc)) from None
    return ""


def _short(key: str) -> str:
    """A key for an error line: its type and the start of its material."""
    parts = key.split()
    return " ".join(parts[:1] + [p[:16] + "..." for p in parts[1:2]]) or "''"


def run_lshmcldap(ctx: Ctx, args: Args) -> str:
    return NO_LDAP
