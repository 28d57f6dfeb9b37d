"""Activate a partition: profile, boot mode (AIX/Linux/VIOS) or keylock and IPL source (IBM i).

Mirrors the HMC's Activate dialog and `chsysstate -r lpar -o on -f PROFILE [-b MODE]
[-k KEYLOCK -i SOURCE]`. After OK the partition's reference codes advance live in the table.
"""

from __future__ import annotations

from typing import Any, cast

from textual.app import ComposeResult
from textual.widgets import Label, RadioButton, RadioSet, Select, Static

from engine.model import BootMode, IplSource, Keylock, Partition, Profile
from engine.ops import ActivatePartition, Operation
from hmc_tui.formatting import mem_gb, proc_mode, units
from hmc_tui.screens.dialogs.base import ActionDialog

BOOT_MODES: dict[str, str] = {
    "norm": "Normal: boot the operating system from the boot list",
    "sms": "SMS: stop in the System Management Services menus",
    "of": "Open Firmware: stop at the firmware OK prompt",
    "dd": "Diagnostic, default boot list: boot stand-alone diagnostics",
    "ds": "Diagnostic, stored boot list: boot diagnostics from the stored list",
}
KEYLOCKS: dict[str, str] = {
    "norm": "Normal: unattended IPL",
    "manual": "Manual: attended IPL, dedicated service tools available",
}
IPL_SOURCES: dict[str, str] = {
    "a": "A: load source copy A (permanently applied PTFs)",
    "b": "B: load source copy B (temporarily applied PTFs)",
    "c": "C: reserved for hardware service",
    "d": "D: alternate media (optical, tape, image catalogue)",
}


def profile_summary(prof: Profile, pool_name: str) -> str:
    if prof.shared:
        cpu = (f"{units(prof.desired_proc_units)} PU ({units(prof.min_proc_units)}-"
               f"{units(prof.max_proc_units)}), {prof.desired_procs} VP, {proc_mode(prof)}, "
               f"pool {pool_name}")
    else:
        cpu = f"{prof.desired_procs} dedicated cores ({prof.min_procs}-{prof.max_procs})"
    return f"{cpu}; memory {mem_gb(prof.desired_mem)} GB ({mem_gb(prof.min_mem)}-" \
           f"{mem_gb(prof.max_mem)})"


def _radio_set(set_id: str, choices: dict[str, str], selected: str) -> RadioSet:
    return RadioSet(
        *(RadioButton(text, value=key == selected, id=f"{set_id}-{key}")
          for key, text in choices.items()),
        id=set_id,
    )


def _choice(radio: RadioSet, set_id: str) -> str:
    button = radio.pressed_button
    return button.id.removeprefix(f"{set_id}-") if button and button.id else ""


class ActivateDialog(ActionDialog):
    TITLE_TEXT = "Activate partition"

    def fields(self, p: Partition) -> ComposeResult:
        default = p.profile(p.default_profile) or p.profiles[0]
        yield Label("Profile")
        yield Select(
            [(f"{prof.name}{' (default)' if prof.name == p.default_profile else ''}", prof.name)
             for prof in p.profiles],
            value=default.name, allow_blank=False, id="profile", compact=True,
        )
        yield Static("", id="profile-info", classes="hint")
        if p.env == "os400":
            yield Label("Keylock position")
            yield _radio_set("keylock", KEYLOCKS, default.keylock)
            yield Label("IPL source")
            yield _radio_set("ipl", IPL_SOURCES, default.ipl_source)
        else:
            yield Label("Boot mode")
            yield _radio_set("boot", BOOT_MODES, default.boot_mode)

    def on_mount(self) -> None:
        self._show_profile()
        self.update_preview()
        # The defaults are usually right: Enter alone activates, as on the HMC.
        self.query_one("#ok").focus()

    @property
    def profile_name(self) -> str:
        return cast(str, self.query_one("#profile", Select).value)

    def _show_profile(self) -> None:
        p = self.partition
        prof = p.profile(self.profile_name) or p.profiles[0]
        pool = self.hmc.snapshot.frame.pool(prof.shared_proc_pool_id)
        self.query_one("#profile-info", Static).update(
            profile_summary(prof, pool.name if pool else "?"))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        # A new profile brings its own boot settings, as the HMC dialog does.
        prof = self.partition.profile(self.profile_name)
        if prof is not None:
            for set_id, value in (("boot", prof.boot_mode), ("keylock", prof.keylock),
                                  ("ipl", prof.ipl_source)):
                for button in self.query(f"#{set_id}-{value}").results(RadioButton):
                    button.value = True
        self._show_profile()
        self.update_preview()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.update_preview()

    def operation(self) -> Operation | str:
        p = self.partition
        kwargs: dict[str, Any] = {"lpar": p.name, "profile": self.profile_name}
        if p.env == "os400":
            kwargs["keylock"] = cast(Keylock, _choice(self.query_one("#keylock", RadioSet),
                                                      "keylock"))
            kwargs["ipl_source"] = cast(IplSource, _choice(self.query_one("#ipl", RadioSet),
                                                           "ipl"))
        else:
            kwargs["boot_mode"] = cast(BootMode, _choice(self.query_one("#boot", RadioSet),
                                                         "boot"))
        return ActivatePartition(**kwargs)
