"""What a partition's console does to it: keys in the firmware's countdown, a boot device
picked in SMS or at the OK prompt, `reset-all`, and the OS shutting itself down
(docs/partition-console.md section 5). The console programs (engine/vterm) submit these as
the partition's own OS or firmware (engine.roles.os_actor)."""

from __future__ import annotations

from typing import ClassVar, Literal

from engine import lifecycle as lc
from engine.errors import HmcError
from engine.hmcsyntax import name
from engine.model import Frame, Partition
from engine.ops.base import Context, Operation


def _schedule(ctx: Context, p: Partition, steps: list[lc.Step], **update: object) -> None:
    """Post the first step at once and schedule the rest (as activation does)."""
    first = {"state": steps[0][1], "refcode": steps[0][2]}
    if steps[0][3] is not None:
        first["rmc_state"] = steps[0][3]
    ctx.put(p.model_copy(update={**{k: v for k, v in first.items() if v is not None},
                                 **update}))
    ctx.lifecycle.schedule(p.id, ctx.now, steps[1:])


def vterm_command(frame: Frame, lpar: str) -> str:
    """What the HMC runs to reach a partition's console: where these happen."""
    return f"mkvterm -m {name(frame.system.name)} -p {name(lpar)}"


class InterruptBoot(Operation):
    """Key 1 (SMS) or 8 (Open Firmware prompt) pressed in the boot-device countdown."""

    op: Literal["interrupt_boot"] = "interrupt_boot"
    task: ClassVar[str] = "console"
    lpar: str
    to: Literal["sms", "of"]

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if p.state != "Running" or p.refcode not in lc.COUNTDOWN_CODES:
            raise HmcError("HSCL1001", name=p.name, state=p.state, refcode=p.refcode or "none")
        _schedule(ctx, p, lc.interrupt_steps(), boot_mode=self.to)

    def command(self, frame: Frame) -> str:
        return vterm_command(frame, self.lpar)


def at_prompt(ctx: Context, lpar: str) -> Partition:
    p = ctx.partition(lpar)
    if p.state != "Open Firmware":
        raise HmcError("HSCL1002", name=p.name, state=p.state)
    return p


class BootFromDevice(Operation):
    """Boot the device picked at the firmware prompt (SMS Select Boot Options, OK `boot`):
    the OS's hand-over when it holds something to boot, else Error AA06000B. Booting
    install media (an optical device with media, the network) installs the OS."""

    op: Literal["boot_device"] = "boot_device"
    task: ClassVar[str] = "console"
    lpar: str
    device: str  # an Open Firmware path or alias
    mode: Literal["normal", "service"] = "normal"

    def apply(self, ctx: Context) -> None:
        from engine.vterm.devices import aliases, boot_devices, find  # late: vterm uses ops

        p = at_prompt(ctx, self.lpar)
        devices = boot_devices(ctx.frame, p)
        device = find(devices, self.device, aliases(devices))
        if device is None:
            raise HmcError("HSCL1003", device=self.device, name=p.name)
        update: dict[str, object] = {"boot_mode": "norm"}
        if device.bootable and device.kind in ("cdrom", "net"):
            # Install media: the OS it installs is on the partition's disks from now on,
            # as after lpar_netboot (engine/ops/system.py NetbootPartition).
            update["bootable"] = True
        _schedule(ctx, p, lc.device_boot_steps(p, device.bootable), **update)
        ctx.data["device"] = device.path
        ctx.data["bootable"] = device.bootable

    def command(self, frame: Frame) -> str:
        return vterm_command(frame, self.lpar)


class FirmwareReset(Operation):
    """`reset-all` at the OK prompt (or leaving SMS without a device): the partition's
    firmware restarts and boots normally, keeping its resources."""

    op: Literal["firmware_reset"] = "firmware_reset"
    task: ClassVar[str] = "console"
    lpar: str

    def apply(self, ctx: Context) -> None:
        p = at_prompt(ctx, self.lpar)
        _schedule(ctx, p, lc.boot_steps(p, "norm"), boot_mode="norm")

    def command(self, frame: Frame) -> str:
        return (f"chsysstate -m {name(frame.system.name)} -r lpar -o shutdown --immed "
                f"--restart -n {name(self.lpar)}")


class OsShutdown(Operation):
    """The OS shuts the partition down from inside (`shutdown -F`, `shutdown -Fr`, `reboot`,
    `poweroff`, `PWRDWNSYS`): Not Activated, or with `restart` back through the firmware."""

    op: Literal["os_shutdown"] = "os_shutdown"
    task: ClassVar[str] = "power"
    lpar: str
    restart: bool = False
    immediate: bool = False

    def apply(self, ctx: Context) -> None:
        p = ctx.partition(self.lpar)
        if not p.active:
            raise HmcError("HSCL1558", name=p.name)
        if p.state != "Running" or ctx.lifecycle.busy(p.id):
            raise HmcError("HSCL0B02", name=p.name, state=p.state)
        ctx.lifecycle.cancel(p.id)  # the OS's own progress codes and RMC start end here
        _schedule(ctx, p, lc.os_shutdown_steps(p, self.immediate, self.restart))

    def command(self, frame: Frame) -> str:
        cmd = f"chsysstate -m {name(frame.system.name)} -r lpar -o osshutdown"
        if self.immediate:
            cmd += " --immed"
        if self.restart:
            cmd += " --restart"
        return cmd + f" -n {name(self.lpar)}"
