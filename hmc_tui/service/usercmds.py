"""The HMC user commands: lshmcusr, mkhmcusr, rmhmcusr, chhmcusr.

`run_user_command(argv, actor, store)` runs one of them for `actor`; all four need the
"users" task (hmcsuperadmin), checked with the engine's own `authorize`, so a refusal is the
HMC's HSCL350B. Output follows the HMC: `lshmcusr` prints one `attr=value,...` line per user
(quoted where a value holds the delimiter), `-F` picks attributes in order with the delimiter
that separates their names, and an empty list prints "No results were found.".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from engine.errors import HmcError
from engine.roles import Actor, authorize
from hmc_tui.hmccli import CommandResult
from hmc_tui.service.users import ROLE_DESCRIPTIONS, User, UserError, UserStore

NO_RESULTS = "No results were found."

# The attributes of a real `lshmcusr` line, in its order (docs/hmc-commands.md section 1).
LSHMCUSR_ATTRS = (
    "name", "taskrole", "description", "pwage", "resourcerole", "authentication_type",
    "remote_webui_access", "remote_ssh_access", "min_pwage", "session_timeout",
    "verify_timeout", "idle_timeout", "inactivity_expiration", "resources",
    "password_encryption", "disabled",
)


class _Usage(Exception):
    """A command line the command cannot run; the message goes to stderr, exit 1."""


def run_user_command(argv: Sequence[str], actor: Actor, store: UserStore) -> CommandResult:
    """Run `argv` (argv[0] is one of USER_COMMANDS) on behalf of `actor`."""
    name, args = argv[0], list(argv[1:])
    handler = _COMMANDS.get(name)
    if handler is None:
        return CommandResult(stderr=f"{name}: not a user command\n", exit_code=1)
    if "--help" in args:
        return CommandResult(stdout=_HELP[name] + "\n")
    try:
        authorize(actor, "users")
        return handler(args, actor, store)
    except HmcError as exc:
        return CommandResult(stderr=f"{exc}\n", exit_code=1)
    except (_Usage, UserError) as exc:
        return CommandResult(stderr=f"{name}: {exc}\n", exit_code=1)


# ---------------------------------------------------------------- option parsing


def _options(args: list[str], valued: set[str], flags: frozenset[str] = frozenset()
             ) -> dict[str, str]:
    """`-u NAME --passwd X --header` -> {"-u": "NAME", "--passwd": "X", "--header": ""}."""
    out: dict[str, str] = {}
    it = iter(args)
    for arg in it:
        if arg in flags:
            out[arg] = ""
        elif arg in valued:
            value = next(it, None)
            if value is None:
                raise _Usage(f"the option {arg} requires a value")
            if arg in out:
                raise _Usage(f"the option {arg} was given more than once")
            out[arg] = value
        else:
            raise _Usage(f"the option or value {arg!r} is not valid for this command "
                         "(see --help)")
    return out


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


def _lshmcusr(args: list[str], actor: Actor, store: UserStore) -> CommandResult:
    opts = _options(args, {"-t", "--filter", "-F"}, frozenset({"--header", "--script"}))
    if opts.get("-t", "default") != "default":
        raise _Usage("the only supported -t value is default")
    users = sorted(store.users(), key=lambda u: u.name)
    if "--filter" in opts:
        users = _filtered(users, opts["--filter"])
    if not users:
        return CommandResult(stdout=NO_RESULTS + "\n")
    lines: list[str] = []
    if "-F" in opts:
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
    return CommandResult(stdout="\n".join(lines) + "\n")


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


def _mkhmcusr(args: list[str], actor: Actor, store: UserStore) -> CommandResult:
    opts = _options(args, {"-u", "-a", "-d", "--passwd", "-M", "-i", "--auth"})
    if "-i" in opts:
        attrs = _input_attrs(opts["-i"])
        opts = {"-u": attrs.get("name", ""), "-a": attrs.get("taskrole", ""),
                "-d": attrs.get("description", ""), "--passwd": attrs.get("passwd", "")}
    name = _required(opts, "-u", "user name")
    role = _required(opts, "-a", "task role")
    if opts.get("--auth", "local") != "local":
        raise _Usage("only local authentication is supported")
    # A real HMC prompts for the password; an exec'd command has no terminal to prompt on.
    password = _required(opts, "--passwd", "password")
    store.add(name, role, password=password, description=opts.get("-d", ""))
    return CommandResult()


def _rmhmcusr(args: list[str], actor: Actor, store: UserStore) -> CommandResult:
    opts = _options(args, {"-u"})
    name = _required(opts, "-u", "user name")
    if name == actor.user:
        raise _Usage("you cannot remove the user you are logged in as")
    store.remove(name)
    return CommandResult()


def _chhmcusr(args: list[str], actor: Actor, store: UserStore) -> CommandResult:
    opts = _options(args, {"-u", "-t", "-v", "-i"})
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
    return CommandResult()


_ATTR_TO_TYPE = {"passwd": "passwd", "taskrole": "taskrole", "description": "desc"}
_SETTERS: dict[str, Callable[[UserStore, str, str], None]] = {
    "passwd": UserStore.set_password,
    "taskrole": UserStore.set_role,
    "desc": UserStore.set_description,
}

_COMMANDS: dict[str, Callable[[list[str], Actor, UserStore], CommandResult]] = {
    "lshmcusr": _lshmcusr,
    "mkhmcusr": _mkhmcusr,
    "rmhmcusr": _rmhmcusr,
    "chhmcusr": _chhmcusr,
}

_HELP = {
    "lshmcusr": "Usage: lshmcusr [-t default] [--filter \"filter-data\"] "
                "[-F [attribute-names] [--header]] [--help]\n"
                "List HMC users. Filters: names, taskroles, resourceroles.",
    "mkhmcusr": "Usage: mkhmcusr -u user-name -a task-role [-d description] "
                "--passwd password\n"
                "       mkhmcusr -i \"name=...,taskrole=...,description=...,passwd=...\"\n"
                "Create an HMC user. Task roles: hmcsuperadmin, hmcoperator, hmcviewer.",
    "rmhmcusr": "Usage: rmhmcusr -u user-name\nRemove an HMC user.",
    "chhmcusr": "Usage: chhmcusr -u user-name -t {passwd | taskrole | desc} -v new-value\n"
                "       chhmcusr -i \"name=...,passwd=...,taskrole=...,description=...\"\n"
                "Change an HMC user's password, task role or description.",
}
