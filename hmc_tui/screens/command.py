"""The `:` command line: a panel at the bottom of any screen with the command's output.

Navigation aliases (`:lpar NAME`, `:pools`, ...) close the panel and go; everything else runs
in place and its output stays in the panel, so several HMC commands can be typed in a row.
Any error (a navigation alias's too: `:lpar nosuch`) is shown in the panel, which stays open:
keys typed next still go to the line, never to the screen below as hotkeys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RichLog

from hmc_tui.command_history import save_history
from hmc_tui.command_mode import Alias, complete_line, parse_alias
from hmc_tui.hmccli.shell import has_secret
from hmc_tui.widgets.command_input import CommandInput

if TYPE_CHECKING:
    from hmc_tui.app import HmcApp

NAVIGATION = {"overview", "lpar", "pools", "vios", "events", "help", "quit", "vnet",
              "system"}


class CommandScreen(ModalScreen[Alias | None]):
    HELP_GROUP = "Command line"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="command.close"),
    ]

    def __init__(self, history: list[str]) -> None:
        super().__init__(classes="command-screen")
        self._history = history

    @property
    def hmc(self) -> HmcApp:
        return cast("HmcApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="command-panel"):
            yield RichLog(id="command-output", wrap=True, markup=False, highlight=False,
                          auto_scroll=True)
            yield CommandInput(self._history, self._complete, id="command-input")

    def on_mount(self) -> None:
        self.query_one("#command-output").display = False
        self.query_one(CommandInput).focus()

    def _complete(self, line: str, cursor: int) -> list[str]:
        return complete_line(self.hmc.snapshot, line, cursor)

    def on_command_input_candidates(self, event: CommandInput.Candidates) -> None:
        event.stop()
        log = self.output
        log.display = True
        log.write(Text("  ".join(event.candidates), style="dim"))

    @property
    def output(self) -> RichLog:
        return self.query_one("#command-output", RichLog)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.app.screen is not self:  # a second Enter queued before this panel closed:
            return  # dismissing again would close the screen the first one opened
        field = self.query_one(CommandInput)
        line = event.value.strip().removeprefix(":").strip()
        field.value = ""
        if not line:
            return
        if not has_secret(line) and field.remember(line):  # a password is never kept
            save_history(self.hmc.history_path, self._history)
        alias = parse_alias(line)
        if isinstance(alias, Alias) and alias.name in NAVIGATION:
            error = self.hmc.alias_error(alias)
            if error is None:
                self.dismiss(alias)  # the app navigates once the panel is gone
                return
            alias = error  # shown below; the line stays open
        log = self.output
        log.display = True
        log.write(Text(f":{line}", style="bold"))
        if isinstance(alias, str):
            self._write(None, alias)
            return
        if isinstance(alias, Alias):
            self._write(self.hmc.run_alias_here(alias), None)
            return
        result = await self.hmc.run_hmc_command(line)
        self._write(result.stdout, result.stderr, result.exit_code)

    def _write(self, stdout: str | None, stderr: str | None, code: int = 0) -> None:
        log = self.output
        if stdout:
            log.write(Text(stdout.rstrip("\n")))
        if stderr:
            style = self.app.current_theme.error or "red"
            log.write(Text(stderr.rstrip("\n"), style=style))
        if code:
            log.write(Text(f"(exit code {code})", style="dim"))
