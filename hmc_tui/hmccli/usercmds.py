"""The HMC user commands: lshmcusr, mkhmcusr, rmhmcusr, chhmcusr.

They are commands like any other (declared in `GRAMMARS`, registered in `COMMANDS`) that act
on the user store the command context carries (`Ctx.users`). mkhmcusr, rmhmcusr and chhmcusr
need the "users" task (hmcsuperadmin); lshmcusr lists every user for a superadmin and only
the caller's own record for anyone else. Rights are checked with the engine's own
`authorize` (HSCL350B) against the caller as the store knows them *now*: the store re-reads
its file when it changed, so a user removed or demoted while a session is open loses the
rights at the next command (HSCL0F03 when removed).
Output follows the HMC: `lshmcusr` prints one `attr=value,...` line per user (quoted where a
value holds the delimiter), `-F` picks attributes in order with the delimiter that separates
their names, and an empty list prints "No results were found.".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from engine.errors import HmcError
from engine.roles import ALLOWED, Actor, authorize
from hmc_tui.hmccli.errors import CliError, ShowUsage
from hmc_tui.hmccli.grammar import SWITCH, Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.result import CommandResult
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER
from hmc_tui.service.users import (
    ROLE_DESCRIPTIONS,
    ROLES,
    PolicyViolation,
    User,
    UserError,
    UserStore,
)

NO_RESULTS = "No results were found."

# The attributes of a real `lshmcusr` line, in its order (docs/hmc-commands.md).
LSHMCUSR_ATTRS = (
    "name", "taskrole", "description", "pwage", "resourcerole", "authentication_type",
    "remote_webui_access", "remote_ssh_access", "min_pwage", "session_timeout",
    "verify_timeout", "idle_timeout", "inactivity_expiration", "resources",
    "password_encryption", "disabled",
)
# Flags whose value is a password: never echoed, never kept in a shell's history.
SECRET_FLAGS = {"mkhmcusr": ("--passwd",), "chhmcusr": ("-v",), "updlic": ("--passwd",),
                "lslic": ("--passwd",), "mkauthkeys": ("--passwd",)}
SECRET_ATTRS = ("passwd",)  # inside -i "name=...,passwd=..."

_USER = Flag("-u", metavar="<user name>", names="text", required=True, help="the user's name")
_INPUT = Flag("-i", metavar='"<input data>"', names="text",
              help="attribute=value pairs: name, taskrole,\ndescription, passwd")
GRAMMARS = (
    Grammar(
        "lshmcusr", "list the management console's users", "Lists HMC users.",
        (Flag("-t", choices=("default",), help="the listing: default"),
         replace(FILTER, help="names, taskroles, resourceroles"),
         FIELDS, HEADER, Flag("--script", SWITCH)),
        (Variant({}, attributes=LSHMCUSR_ATTRS,
                 filters=("names", "taskroles", "resourceroles")),),
        bare=True,
    ),
    Grammar(
        "mkhmcusr", "create a management console user",
        "Creates an HMC user (from flags or from -i input data).",
        (replace(_USER, required=False, alt="input"),
         Flag("-a", choices=ROLES, help="the task role"),
         Flag("-d", metavar="<description>", names="text", help="a description"),
         Flag("--passwd", metavar="<password>", names="text", help="the password"),
         Flag("-M", metavar="<days>", names="number"),
         replace(_INPUT, alt="input"),
         Flag("--auth", choices=("local",), help="the authentication type: local")),
    ),
    Grammar(
        "rmhmcusr", "remove a management console user", "Removes an HMC user.",
        (_USER,),
    ),
    Grammar(
        "chhmcusr", "change a management console user",
        "Changes an HMC user's password, task role or description.",
        (replace(_USER, required=False, alt="input"),
         Flag("-t", choices=("passwd", "taskrole", "desc"), help="what to change"),
         Flag("-v", metavar="<new value>", names="text", help="the new value"),
         replace(_INPUT, alt="input")),
    ),
)


class _Usage(Exception):
    """A command line the command cannot run; the message goes to stderr, exit 1."""


def caller(actor: Actor, store: UserStore) -> Actor:
    """The actor as the user store knows them now (revocation takes effect at once).

    A store without any user has nobody to revoke (a local frame whose service never ran):
    the console's own actor stands.
    """
    if not store.users():
        return actor
    user = store.get(actor.user)
    if user is None:
        raise HmcError("HSCL0F03", user=actor.user)
    if user.role == actor.role:
        return actor
    return Actor.model_validate({"user": actor.user, "role": user.role})


def run_user_command(argv: Sequence[str], actor: Actor, store: UserStore) -> CommandResult:
    """Run `argv` (argv[0] a user command) for `actor` without a console (tests, tools):
    the same parsing, authorisation and errors as through `run_command`."""
    grammar = next((g for g in GRAMMARS if g.name == argv[0]), None)
    if grammar is None:
        return CommandResult(stderr=f"{argv[0]}: not a user command\n", exit_code=1)
    try:
        out = run(grammar.parse(list(argv[1:])), actor, store)
        return CommandResult(stdout=out + "\n" if out else "")
    except ShowUsage as exc:
        text = grammar.usage_text() + "\n"
        return CommandResult(text) if exc.requested else CommandResult("", text, 1)
    except HmcError as exc:
        return CommandResult(stderr=f"{exc.code} {exc.message}\n", exit_code=1)
    except CliError as exc:
        return CommandResult(stderr=exc.message + "\n", exit_code=exc.exit_code)


def run(args: Args, actor: Actor, store: UserStore) -> str:
    """One user command for `actor`, authorised against the store as it is now.

    Every user may list themselves (lshmcusr shows a user without the "users" task only
    their own record, as the HMC does); the other commands need the task.
    """
    now = caller(actor, store)
    if args.command != "lshmcusr":
        authorize(now, "users")
    try:
        return _COMMANDS[args.command](dict(args.values), now, store).removesuffix("\n")
    except PolicyViolation as exc:  # the HMC's coded line, as it is
        raise CliError(str(exc)) from None
    except (_Usage, UserError) as exc:
        raise CliError(f"{args.command}: {exc}") from None


def _input_attrs(text: str) -> dict[str, str]:
    """`-i 'name=bob,taskrole=hmcviewer,"description=a, b"'` -> attributes.

    HMC input data: comma-separated attr=value; a pair holding commas is enclosed in double
    quotes (inside a quoted shell argument the quotes themselves are written doubled).
    """
    text = text.replace('""', '"')
    attrs: dict[str, str] = {}
    for part in re.findall(r'"[^"]*"|[^,]+', text):
        pair = part.strip('"')
        if "=" not in pair:
            raise _Usage(f"the input data {pair!r} is not attribute=value")
        key, value = pair.split("=", 1)
        attrs[key.strip()] = value
    return attrs


def _required(opts: dict[str, str], option: str, what: str) -> str:
    value = opts.get(option)
    if not value:
        raise _Usage(f"the {what} is required ({option})")
    return value


# ---------------------------------------------------------------- lshmcusr


def _attributes(user: User) -> dict[str, str]:
    return {
        "name": user.name,
        "taskrole": user.role,
        "description": user.description or ROLE_DESCRIPTIONS.get(user.role, ""),
        "pwage": "99999",
        "resourcerole": "ALL:",
        "authentication_type": "local",
        "remote_webui_access": "0",
        "remote_ssh_access": "1",
        "min_pwage": "0",
        "session_timeout": "0",
        "verify_timeout": "15",
        "idle_timeout": "0",
        "inactivity_expiration": "0",
        "resources": "<ResourceID = ALL:><UserDefinedName = AllSystemResources>",
        "password_encryption": "scrypt" if user.has_password else "none",
        "disabled": "0",
    }


def _quoted(text: str, delimiter: str) -> str:
    return f'"{text}"' if delimiter in text or '"' in text else text


def _lshmcusr(opts: dict[str, str], actor: Actor, store: UserStore) -> str:
    users = sorted(store.users(), key=lambda u: u.name)
    if "users" not in ALLOWED[actor.role]:  # a viewer or operator sees their own record
        users = [u for u in users if u.name == actor.user]
    if "--filter" in opts:
        users = _filtered(users, opts["--filter"])
    if not users:
        return NO_RESULTS + "\n"
    lines: list[str] = []
    if opts.get("-F"):
        fields = opts["-F"]
        match = re.search(r"[^A-Za-z0-9_]", fields)
        delimiter = match.group(0) if match else ","
        names = [n for n in fields.split(delimiter) if n]
        unknown = [n for n in names if n not in LSHMCUSR_ATTRS]
        if unknown:
            raise _Usage(f"an invalid attribute was entered: {unknown[0]}")
        if "--header" in opts:
            lines.append(delimiter.join(names))
        for user in users:
            attrs = _attributes(user)
            lines.append(delimiter.join(_quoted(attrs[n], delimiter) for n in names))
    else:
        for user in users:
            lines.append(",".join(_quoted(f"{k}={v}", ",") for k, v in _attributes(user).items()))
    return "\n".join(lines) + "\n"


def _filtered(users: list[User], text: str) -> list[User]:
    """`--filter 'names=a,b,taskroles=hmcviewer'`: a token with "=" starts a filter, the
    tokens after it add values to it; several filters must all match.
    """
    filters: dict[str, set[str]] = {}
    current: set[str] | None = None
    for token in text.replace('"', "").split(","):
        token = token.strip()
        if "=" in token:
            key, value = token.split("=", 1)
            current = filters.setdefault(key.strip(), set())
            token = value.strip()
        if current is None:
            raise _Usage(f"the filter {token!r} is not filter=value")
        if token:
            current.add(token)
    keep = users
    for key, wanted in filters.items():
        if key == "names":
            keep = [u for u in keep if u.name in wanted]
        elif key == "taskroles":
            keep = [u for u in keep if u.role in wanted]
        elif key == "resourceroles":
            keep = keep if "ALL:" in wanted else []
        else:
            raise _Usage(f"the filter {key} is not valid: use names, taskroles or resourceroles")
    return keep


# ---------------------------------------------------------------- mkhmcusr / rmhmcusr / chhmcusr


def _mkhmcusr(opts: dict[str, str], actor: Actor, store: UserStore) -> str:
    if "-i" in opts:
        attrs = _input_attrs(opts["-i"])
        opts = {"-u": attrs.get("name", ""), "-a": attrs.get("taskrole", ""),
                "-d": attrs.get("description", ""), "--passwd": attrs.get("passwd", "")}
    name = _required(opts, "-u", "user name")
    role = _required(opts, "-a", "task role")
    # A real HMC prompts for the password; an exec'd command has no terminal to prompt on.
    password = _required(opts, "--passwd", "password")
    store.add(name, role, password=password, description=opts.get("-d", ""))
    return ""


def _rmhmcusr(opts: dict[str, str], actor: Actor, store: UserStore) -> str:
    name = _required(opts, "-u", "user name")
    if name == actor.user:
        raise _Usage("you cannot remove the user you are logged in as")
    store.remove(name)
    return ""


def _chhmcusr(opts: dict[str, str], actor: Actor, store: UserStore) -> str:
    if "-i" in opts:
        attrs = _input_attrs(opts["-i"])
        name = attrs.pop("name", "")
        if not name:
            raise _Usage("the input data must name the user (name=)")
        changes = [(_ATTR_TO_TYPE.get(k, k), v) for k, v in attrs.items()]
    else:
        name = _required(opts, "-u", "user name")
        kind = _required(opts, "-t", "attribute type")
        if "-v" not in opts:
            raise _Usage("the new value is required (-v)")
        changes = [(kind, opts["-v"])]
    if store.get(name) is None:
        raise UserError(f"the user {name} does not exist")
    for kind, value in changes:
        setter = _SETTERS.get(kind)
        if setter is None:
            raise _Usage(f"the attribute type {kind} is not valid: use passwd, taskrole or desc")
        setter(store, name, value)
    return ""


_ATTR_TO_TYPE = {"passwd": "passwd", "taskrole": "taskrole", "description": "desc"}
_SETTERS: dict[str, Callable[[UserStore, str, str], None]] = {
    "passwd": UserStore.set_password,
    "taskrole": UserStore.set_role,
    "desc": UserStore.set_description,
}

_COMMANDS: dict[str, Callable[[dict[str, str], Actor, UserStore], str]] = {
    "lshmcusr": _lshmcusr,
    "mkhmcusr": _mkhmcusr,
    "rmhmcusr": _rmhmcusr,
    "chhmcusr": _chhmcusr,
}
