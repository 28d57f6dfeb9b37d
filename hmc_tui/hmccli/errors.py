"""Errors of the command line that the engine never raises: usage, attributes, unsupported.

Engine refusals arrive as `engine.errors.HmcError` and are printed as they are. The errors
here cover what happens before an operation exists (a bad flag, an unknown -F attribute, an
attribute list that does not parse). Texts follow real HMC output where a capture exists
(docs/hmc-commands.md, public HMC V9/V10 transcripts); the few codes of our own use
the `HSCLC0xx` range, which the engine's table (engine/errors.py) never uses.
"""

from __future__ import annotations

# HMC V10's sentence for a missing or invalid flag (public xCAT transcript, HMC V10R1).
USAGE_SENTENCE = (
    "The command entered is either missing a required parameter or a parameter value is "
    "invalid. The parameters that are missing or have an invalid value are {params}. Please "
    "check your entry and retry the command."
)
# An unknown -F (or -i, --filter) attribute, as the HMC words it: three sentences, two spaces
# between them, no HSCL code (a V10R3 capture published in randomparity/hmc-mcp's ADR 0165,
# and the real Polish capture in docs/hmc-commands.md, which has the same three sentences).
INVALID_ATTRIBUTE = ("An invalid attribute was entered.  The invalid attribute is {name}.  "
                     "Please correct your entry and retry the command.")

# code -> message template; our own codes for situations the engine has no code for.
CLI_MESSAGES: dict[str, str] = {
    "HSCLC001": "The operation {what} is not supported by this management console.",
    "HSCLC002": "The required attribute {name} was not specified.",
    "HSCLC003": "The command {name} is not a Virtual I/O Server command this management "
    "console can run.",
    "HSCLC0FF": "An unexpected error occurred: {detail}",
}


class CliError(Exception):
    """An error printed on stderr (one line unless the text has more) with `exit_code`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CliError):
    """A missing, unknown or invalid flag: the HMC's 'missing a required parameter' line."""

    def __init__(self, *params: str) -> None:
        self.params = params
        super().__init__(USAGE_SENTENCE.format(params=", ".join(params)))


class InvalidAttribute(CliError):
    """An attribute name the resource does not have (-F, -i, -a, --filter)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(INVALID_ATTRIBUTE.format(name=name))


class CommandNotFound(CliError):
    """Not a command of the HMC's restricted shell (bash's wording and status)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"rbash: {name}: command not found", exit_code=127)


class CodedError(CliError):
    """`HSCLC0xx message` from the table above."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        super().__init__(f"{code} {CLI_MESSAGES[code].format(**fields)}")


class ShowUsage(Exception):
    """Print the command's usage text: on stdout with status 0 for --help, else stderr / 1."""

    def __init__(self, command: str, requested: bool) -> None:
        super().__init__(command)
        self.command = command
        self.requested = requested
