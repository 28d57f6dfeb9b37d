"""`help` and `COMMAND --help`: texts derived from each command's declared grammar.

The layout copies the HMC's own (public transcript of `lssyscfg` on HMC V9): a `Usage:`
synopsis with continuation lines aligned under the first flag, a blank line, a description,
and one entry per flag (see `grammar.Grammar.usage_text`).
"""

from __future__ import annotations

from hmc_tui.hmccli.commands import COMMANDS


def usage(command: str) -> str:
    return COMMANDS[command].grammar.usage_text()


def help_text() -> str:
    summaries = {name: c.grammar.summary for name, c in COMMANDS.items()}
    summaries["help"] = "list the commands"
    width = max(len(name) for name in summaries)
    lines = ["Commands (COMMAND --help for each one's usage):", ""]
    lines += [f"  {name:<{width}}  {text}" for name, text in summaries.items()]
    return "\n".join(lines)
