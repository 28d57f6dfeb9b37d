"""Power the managed system on or off: the HMC's Power On and Power Off tasks.

Power on: Normal (partitions start as the partition start policy says), Partition standby
(`-o onstandby`: none start), or Normal with partition auto-start (the start policy is set
to autostart first, `chsyscfg -r sys -i power_on_lpar_start_policy=autostart`, which takes
effect at this power-on). Power off: Normal or Fast (`--immed`); with partitions active the
engine refuses (HSCL1220) unless Force is ticked, which shuts them down immediately first.
The dialogs are ActionDialogs (preview, refusal in place, confirmation) about the system
rather than a partition.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalScroll
from textual.widgets import Button, Checkbox, Label, RadioButton, RadioSet, Static

from engine.model import StartPolicy
from engine.ops import ChangeSystem, Operation, PowerOffSystem, PowerOnSystem
from engine.snapshot import Snapshot
from hmc_tui.screens.dialogs.base import ActionDialog
from hmc_tui.screens.dialogs.confirm import ConfirmDialog

START_POLICIES: dict[str, str] = {
    "autostart": "Auto-Start Always", "userinit": "User-Initiated",
    "autorecovery": "Auto-Start for Auto-Recovery",
}
POWER_ON: dict[str, tuple[str, str]] = {
    "normal": ("Normal", "Powers the system on; partitions whose profile has auto-start "
               "start too, unless the partition start policy is User-Initiated."),
    "standby": ("Partition standby", "Powers the system on and stops at partition "
                "standby: no partition starts; activate them yourself."),
    "autostart": ("Normal, partition auto-start", "Sets the partition start policy to "
                  "Auto-Start Always first, then powers on: every partition with auto-start "
                  "in its default profile starts."),
}
POWER_OFF: dict[str, tuple[str, str]] = {
    "normal": ("Normal", "An orderly power off of the system (20 s here; minutes on real "
               "hardware)."),
    "fast": ("Fast", "Powers the system off at once (--immed, 5 s here)."),
}


class SystemDialog(ActionDialog):
    """An ActionDialog about the managed system (no partition)."""

    def __init__(self) -> None:
        super().__init__(0)

    def compose(self) -> ComposeResult:
        s = self.hmc.snapshot.frame.system
        with VerticalScroll(id="dialog"):
            yield Static(Text(f"{self.TITLE_TEXT}: {s.name}"), classes="dialog-title")
            yield Static(self.describe_system(self.hmc.snapshot), id="lpar-info")
            yield from self.system_fields()
            yield Static("", id="command", classes="command")
            yield Static("", id="error")
            with HorizontalGroup(id="buttons"):
                yield Button(self.OK_LABEL, id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def system_fields(self) -> ComposeResult:
        yield from ()

    def describe_system(self, snap: Snapshot) -> Text:
        frame = snap.frame
        active = sum(1 for p in frame.partitions if p.active)
        return Text(f"{frame.system.mtm}*{frame.system.serial}  {frame.system.state}  "
                    f"{active} of {len(frame.partitions)} partitions active  start policy "
                    f"{START_POLICIES[frame.system.pend_power_on_lpar_start_policy]}")

    def show_snapshot(self, snap: Snapshot) -> None:
        if self.is_mounted:
            self.query_one("#lpar-info", Static).update(self.describe_system(snap))

    def explain(self, text: str) -> None:
        self.query_one("#explain", Static).update(text)

    def choice(self, options: dict[str, tuple[str, str]]) -> str:
        button = self.query_one("#option", RadioSet).pressed_button
        key = button.id.removeprefix("opt-") if button and button.id else ""
        return key if key in options else next(iter(options))


class PowerOnDialog(SystemDialog):
    TITLE_TEXT = "Power on managed system"
    OK_LABEL = "Power on"

    def system_fields(self) -> ComposeResult:
        yield Label("Power-on mode")
        yield RadioSet(*(RadioButton(label, value=key == "normal", id=f"opt-{key}")
                         for key, (label, _) in POWER_ON.items()), id="option")
        yield Static(POWER_ON["normal"][1], id="explain", classes="hint")

    def on_mount(self) -> None:
        self.update_preview()
        self.query_one("#option").focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.explain(POWER_ON[self.choice(POWER_ON)][1])
        self.update_preview()

    def policy_change(self) -> ChangeSystem | None:
        """The start policy to set first (auto-start chosen, the policy says otherwise)."""
        if self.choice(POWER_ON) != "autostart":
            return None
        policy: StartPolicy = "autostart"
        if self.hmc.snapshot.frame.system.pend_power_on_lpar_start_policy == policy:
            return None
        return ChangeSystem(power_on_lpar_start_policy=policy)

    def operation(self) -> Operation | str:
        return PowerOnSystem(standby=self.choice(POWER_ON) == "standby")

    def update_preview(self) -> None:
        frame = self.hmc.snapshot.frame
        lines = [f"$ {op.command(frame)}" for op in (self.policy_change(), self.operation())
                 if isinstance(op, Operation)]
        self.query_one("#command", Static).update(Text("\n".join(lines)))

    async def confirm(self, op: Operation) -> bool:
        first = self.policy_change()  # the policy first: it applies at this power-on
        if first is None:
            return True
        result = await self.hmc.run_operation(first)
        if not result.ok:
            self.show_error(f"{result.code} {result.message}")
        return result.ok


class PowerOffDialog(SystemDialog):
    TITLE_TEXT = "Power off managed system"
    OK_LABEL = "Power off"

    def system_fields(self) -> ComposeResult:
        yield Label("Power-off option")
        yield RadioSet(*(RadioButton(label, value=key == "normal", id=f"opt-{key}")
                         for key, (label, _) in POWER_OFF.items()), id="option")
        yield Static(POWER_OFF["normal"][1], id="explain", classes="hint")
        yield Checkbox("Force: shut down the active partitions immediately (--force)",
                       False, id="force")

    def on_mount(self) -> None:
        self.update_preview()
        self.query_one("#option").focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.explain(POWER_OFF[self.choice(POWER_OFF)][1])
        self.update_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.update_preview()

    def show_error(self, text: str) -> None:
        super().show_error(text)
        if text.startswith("HSCL1220"):  # partitions are active: Force is the way on
            self.query_one("#force", Checkbox).focus()

    def operation(self) -> Operation | str:
        return PowerOffSystem(immediate=self.choice(POWER_OFF) == "fast",
                              force=self.query_one("#force", Checkbox).value)

    async def confirm(self, op: Operation) -> bool:
        frame = self.hmc.snapshot.frame
        active = [p.name for p in frame.partitions if p.active]
        force = cast(PowerOffSystem, op).force
        if active and not force:
            return True  # the engine refuses (HSCL1220): shown in place, nothing to confirm
        what = (f"\n\nThe {len(active)} active partition(s) are shut down immediately: "
                f"{', '.join(active)}." if active and force else "")
        confirmed: bool = await self.app.push_screen_wait(ConfirmDialog(
            "Confirm power off",
            f"Power off {frame.system.name}?{what}\n\n{op.command(frame)}",
            yes="Power off"))
        return confirmed
