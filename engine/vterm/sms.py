"""System Management Services, the partition firmware's menus (docs/partition-console.md
section 3): Select Language, Setup Remote IPL (with the ping test over a virtual Ethernet
adapter), Change SCSI Settings, Select Console, Select Boot Options (Select Install/Boot
Device, Configure Boot Device Order), and exit, which boots.

A screen is a page built afresh from the frame each time it is shown: a title, lines, and
numbered items that each do something. Navigation is the firmware's: an item number and
Enter, M for the main menu, ESC for the previous screen, X to exit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from engine.model import VirtualEth, VirtualScsi
from engine.ops.console import BootFromDevice, FirmwareReset
from engine.ops.system import reachable
from engine.vterm.devices import BootDevice, Nvram, boot_devices
from engine.vterm.lineedit import ESC, LineEditor
from engine.vterm.program import TermIO

RULE = "-" * 79
PROMPT = "Type menu item number and press Enter or select Navigation key:"
MAIN_KEYS = f"Navigation Keys:\r\n\r\n{'':45}X = eXit System Management Services"
SUB_KEYS = ("Navigation keys:\r\nM = return to Main Menu\r\n"
            f"{'ESC key = return to previous screen':44} X = eXit System Management Services")
CONTINUE = "Press any key to continue.........."
LANGUAGES = ("English", "Francais", "Deutsch", "Italiano", "Espanol", "Portugues",
             "Svenska", "Nederlands")
DEVICE_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Tape", ()), ("CD/DVD", ("cdrom",)), ("Hard Drive", ("disk", "fc")),
    ("Network", ("net",)), ("List all Devices", ("disk", "fc", "cdrom", "net")),
)
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")
IP_FIELDS = (("client", "Client IP Address"), ("server", "Server IP Address"),
             ("gateway", "Gateway IP Address"), ("netmask", "Subnet Mask"))
IP_DEFAULTS = {"client": "000.000.000.000", "server": "000.000.000.000",
               "gateway": "000.000.000.000", "netmask": "255.255.255.000"}
BOX = "          .-----------------.\r\n          |  {:<15}|\r\n          `-----------------'"

Action = Callable[[TermIO], None]


@dataclass
class Page:
    title: str
    lines: list[str] = field(default_factory=list)
    items: list[tuple[str, Action]] = field(default_factory=list)
    main: bool = False
    any_key: bool = False  # a message: any key goes back


Builder = Callable[[TermIO], Page]


def header(io: TermIO) -> str:
    level = io.frame.system.firmware or io.frame.hardware.firmware
    return (f"PowerPC Firmware\r\nVersion {level}\r\n"
            f"SMS (c) Copyright IBM Corp. 2000,2025 All rights reserved.\r\n{RULE}")


def render(page: Page, io: TermIO) -> str:
    out = ["", header(io), page.title, *page.lines]
    out += [f"{n:>2}.   {label}" for n, label in enumerate((i[0] for i in page.items), 1)]
    if page.any_key:
        out += ["", CONTINUE]
        return "\r\n".join(out)
    out += ["", RULE, MAIN_KEYS if page.main else SUB_KEYS, RULE, PROMPT]
    return "\r\n".join(out)


def default_order(devices: list[BootDevice]) -> list[str]:
    """The firmware's default boot list: optical, then disks, then network, up to five."""
    rank = {"cdrom": 0, "disk": 1, "fc": 1, "net": 2}
    return [d.path for d in sorted(devices, key=lambda d: rank[d.kind])][:5]


class Sms:
    """The SMS menus on one partition's terminal."""

    def __init__(self, nvram: Nvram) -> None:
        self.nvram = nvram
        self._line = LineEditor()
        self._pages: list[Builder] = [self.main]
        self._ask: tuple[str, Callable[[str, TermIO], None]] | None = None
        self._done = False  # exited: the boot is on its way

    # ------------------------------------------------------------------ program
    def start(self, io: TermIO) -> None:
        self._show(io)

    def tick(self, io: TermIO) -> None:
        pass

    def feed(self, data: str, io: TermIO) -> None:
        if self._done:
            return
        page = self._pages[-1](io)
        if page.any_key and data:  # a message: the key itself is not echoed
            self._back(io)
            return
        for line in self._line.feed(data, io):
            if self._done:
                return
            self._entered(line.strip(), io)

    # ------------------------------------------------------------------ navigation
    def _entered(self, text: str, io: TermIO) -> None:
        if self._ask is not None:
            _, setter = self._ask
            self._ask = None
            if text and text != ESC:
                setter(text, io)
            self._show(io)
            return
        page = self._pages[-1](io)
        if text == ESC:
            self._back(io)
        elif text.lower() == "x":
            self._open(io, partial(self.confirm_exit, None))
        elif text.lower() == "m" and not page.main:
            del self._pages[1:]
            self._show(io)
        elif text.isdecimal() and 1 <= int(text) <= len(page.items):
            page.items[int(text) - 1][1](io)
        else:
            io.write(PROMPT if not text else "\r\n" + PROMPT)

    def _show(self, io: TermIO) -> None:
        io.write("\r\n" + render(self._pages[-1](io), io))

    def _open(self, io: TermIO, builder: Builder) -> None:
        self._pages.append(builder)
        self._show(io)

    def _back(self, io: TermIO) -> None:
        if len(self._pages) > 1:
            self._pages.pop()
        self._show(io)

    def _message(self, io: TermIO, title: str, lines: list[str]) -> None:
        self._open(io, lambda _io: Page(title, lines, any_key=True))

    # ------------------------------------------------------------------ main menu
    def main(self, io: TermIO) -> Page:
        return Page("Main Menu", items=[
            ("Select Language", lambda io: self._open(io, self.language)),
            ("Setup Remote IPL (Initial Program Load)", lambda io: self._open(io, self.nics)),
            ("Change SCSI Settings", lambda io: self._open(io, self.scsi)),
            ("Select Console", lambda io: self._open(io, self.console)),
            ("Select Boot Options", lambda io: self._open(io, self.boot_options)),
        ], main=True)

    def language(self, io: TermIO) -> Page:
        def pick(name: str, io: TermIO) -> None:
            self.nvram.language = name
            self._back(io)

        return Page("SMS Language Selection", items=[
            (name + (" *" if name == self.nvram.language else ""), partial(pick, name))
            for name in LANGUAGES])

    def console(self, io: TermIO) -> Page:
        return Page("Select Console", ["", "The active console is the virtual terminal of "
                                       "this partition.", ""],
                    items=[("Virtual Terminal (vty@30000000)  *active*",
                            lambda io: self._back(io))])

    def scsi(self, io: TermIO) -> Page:
        return Page("SCSI Utilities", items=[
            ("Hardware Spin Up Delay", lambda io: self._open(io, partial(self.adapters,
                                                                       "Spin Up Delay", "0"))),
            ("Change SCSI Id", lambda io: self._open(io, partial(self.adapters, "SCSI Id",
                                                               "7"))),
        ])

    def adapters(self, what: str, value: str, io: TermIO) -> Page:
        base = io.frame.location
        lines = [f"   {base(io.partition.id, a.slot)}-T1   {what}: {value}"
                 for a in io.partition.adapters
                 if isinstance(a, VirtualScsi) and a.side == "client"]
        return Page(f"Select SCSI Adapter ({what})",
                    lines or ["   No SCSI adapters were found."], any_key=True)

    # ------------------------------------------------------------------ Remote IPL
    def nics(self, io: TermIO) -> Page:
        nets = [d for d in boot_devices(io.frame, io.partition) if d.kind == "net"]
        lines = ["NIC Adapters", f"     {'Device':<32}{'Location Code':<32}Hardware",
                 f"     {'':<64}Address"]
        return Page("", lines, items=[
            (f"{d.description:<31}{d.location:<32}{d.mac}",
             partial(lambda d, io: self._open(io, partial(self.ip_version, d)), d))
            for d in nets])

    def ip_version(self, d: BootDevice, io: TermIO) -> Page:
        go = partial(lambda io: self._open(io, partial(self.net_service, d)))
        return Page("Select Internet Protocol Version.", items=[
            ("IPv4 - Address Format 123.231.111.222", go),
            ("IPv6 - Address Format 1234:5678:90ab:cdef:1234:5678:90ab:cdef", go)])

    def net_service(self, d: BootDevice, io: TermIO) -> Page:
        go = partial(lambda io: self._open(io, partial(self.net_params, d)))
        return Page("Select Network Service.", [f"{d.description}: {d.location}"],
                    items=[("BOOTP", go), ("ISCSI", go)])

    def net_params(self, d: BootDevice, io: TermIO) -> Page:
        return Page("Network Parameters", [f"{d.description}: {d.location}"], items=[
            ("IP Parameters", lambda io: self._open(io, partial(self.ip_params, d))),
            ("Adapter Configuration", lambda io: self._message(io, "Adapter Configuration", [
                f"{d.description}: {d.location}", " Speed,Duplex            auto,auto",
                " Spanning Tree Enabled   No", " Protocol                Standard"])),
            ("Ping Test", lambda io: self._open(io, partial(self.ping, d))),
            ("Advanced Setup: BOOTP", lambda io: self._message(io, "Advanced Setup: BOOTP", [
                f"{d.description}: {d.location}", " Bootp Retries           5",
                " Tftp Retries            5", " Blocksize               512"])),
        ])

    def _ip(self, d: BootDevice) -> dict[str, str]:
        return {**IP_DEFAULTS, **{k.rsplit("/", 1)[1]: v for k, v in self.nvram.ip.items()
                                  if k.startswith(d.path + "/")}}

    def ip_params(self, d: BootDevice, io: TermIO) -> Page:
        values = self._ip(d)
        return Page("IP Parameters", [f"{d.description}: {d.location}"], items=[
            (f"{label:<37}[{values[key]}]", partial(self._edit_ip, d, key, label))
            for key, label in IP_FIELDS])

    def _edit_ip(self, d: BootDevice, key: str, label: str, io: TermIO) -> None:
        def store(text: str, io: TermIO) -> None:
            try:
                ipaddress.IPv4Address(".".join(str(int(o)) for o in text.split(".")))
            except ValueError:
                io.write(f"\r\n   {text} is not an IP address.")
                return
            self.nvram.ip[f"{d.path}/{key}"] = ".".join(f"{int(o):03d}"
                                                       for o in text.split("."))

        self._ask = (label, store)
        io.write(f"\r\n{label} [{self._ip(d)[key]}]: ")

    def ping(self, d: BootDevice, io: TermIO) -> Page:
        values = self._ip(d)
        lines = [f"{d.description}: {d.location}", " Speed, Duplex: auto,auto",
                 *(f" {label + ':':<40}{values[key]}" for key, label in IP_FIELDS)]
        return Page("Ping Test", lines, items=[("Execute Ping Test",
                                                partial(self._run_ping, d))])

    def _run_ping(self, d: BootDevice, io: TermIO) -> None:
        values = self._ip(d)
        adapter = next((a for a in io.partition.adapters
                        if isinstance(a, VirtualEth) and a.slot == d.slot), None)
        ok = (adapter is not None and reachable(io.frame, adapter)
              and values["client"] != IP_DEFAULTS["client"]
              and values["server"] != IP_DEFAULTS["server"])
        self._message(io, "Ping Test", [BOX.format("Ping  Success." if ok else
                                                   "Ping  Failed.")])

    # ------------------------------------------------------------------ boot options
    def boot_options(self, io: TermIO) -> Page:
        multi = "ON" if self.nvram.multiboot else "OFF"

        def toggle(io: TermIO) -> None:
            self.nvram.multiboot = not self.nvram.multiboot
            self._show(io)

        return Page("Multiboot", items=[
            ("Select Install/Boot Device",
             lambda io: self._open(io, partial(self.device_types, None))),
            ("Configure Boot Device Order", lambda io: self._open(io, self.order)),
            (f"Multiboot Startup <{multi}>", toggle),
        ])

    def device_types(self, position: int | None, io: TermIO) -> Page:
        return Page("Select Device Type", items=[
            (label, partial(lambda kinds, io: self._open(
                io, partial(self.devices, kinds, position)), kinds))
            for label, kinds in DEVICE_TYPES])

    def _order(self, io: TermIO) -> list[str]:
        return self.nvram.boot_order or default_order(boot_devices(io.frame, io.partition))

    def devices(self, kinds: tuple[str, ...], position: int | None, io: TermIO) -> Page:
        found = [d for d in boot_devices(io.frame, io.partition) if d.kind in kinds]
        order = self._order(io)
        lines = ["Device  Current  Device", "Number  Position  Name"]
        if not found:
            lines.append("   No devices of this type were found.")

        def label(d: BootDevice) -> str:
            pos = str(order.index(d.path) + 1) if d.path in order else "-"
            return f"  {pos:<7}{d.description}\r\n        ( loc={d.location} )"

        return Page("Select Device", lines, items=[
            (label(d), partial(lambda d, io: self._open(io, partial(self.task, d, position)),
                               d)) for d in found])

    def task(self, d: BootDevice, position: int | None, io: TermIO) -> Page:
        lines = ["", d.description, f"    ( loc={d.location} )", ""]
        if position is not None:
            return Page("Select Task", lines, items=[
                (f"Set Boot Sequence: Configure as {ORDINALS[position]} Boot Device",
                 partial(self._set_position, d, position))])
        return Page("Select Task", lines, items=[
            ("Information", lambda io: self._message(io, "Device Information", [
                d.description, f"    ( loc={d.location} )", f" path: {d.path}"])),
            ("Normal Mode Boot",
             lambda io: self._open(io, partial(self.confirm_exit, (d, "normal")))),
            ("Service Mode Boot",
             lambda io: self._open(io, partial(self.confirm_exit, (d, "service")))),
        ])

    def order(self, io: TermIO) -> Page:
        items: list[tuple[str, Action]] = [
            (f"Select {ordinal} Boot Device",
             partial(lambda n, io: self._open(io, partial(self.device_types, n)), n))
            for n, ordinal in enumerate(ORDINALS)]
        items.append(("Display Current Setting", lambda io: self._message(
            io, "Current Boot Sequence", self._current(io))))

        def restore(io: TermIO) -> None:
            self.nvram.boot_order = []
            self._message(io, "Restore Default Setting",
                          ["The default boot sequence is restored."])

        items.append(("Restore Default Setting", restore))
        return Page("Configure Boot Device Order", items=items)

    def _current(self, io: TermIO) -> list[str]:
        devices = {d.path: d for d in boot_devices(io.frame, io.partition)}
        lines = []
        for n, path in enumerate(self._order(io), 1):
            d = devices.get(path)
            lines.append(f" {n}.   {d.description if d else path}")
            if d:
                lines.append(f"        ( loc={d.location} )")
        return lines or ["   The boot sequence is empty."]

    def _set_position(self, d: BootDevice, position: int, io: TermIO) -> None:
        order = [p for p in self._order(io) if p != d.path]
        order.insert(min(position, len(order)), d.path)
        self.nvram.boot_order = order[:5]
        self._message(io, "Current Boot Sequence", self._current(io))

    # ------------------------------------------------------------------ exit and boot
    def confirm_exit(self, boot: tuple[BootDevice, Literal["normal", "service"]] | None,
                     io: TermIO) -> Page:
        return Page("Are you sure you want to exit System Management Services?",
                    items=[("Yes", partial(self._exit, boot)), ("No", self._no)])

    def _no(self, io: TermIO) -> None:
        self._back(io)

    def _exit(self, boot: tuple[BootDevice, Literal["normal", "service"]] | None,
              io: TermIO) -> None:
        """Leave SMS: boot the device chosen, else the first bootable one of the boot list
        (the firmware's own search when the partition has no device it can see)."""
        p = io.partition
        if boot is None:
            devices = {d.path: d for d in boot_devices(io.frame, p)}
            listed = [devices[path] for path in self._order(io) if path in devices]
            first = next((d for d in listed if d.bootable), listed[0] if listed else None)
            boot = (first, "normal") if first is not None else None
        self._done = True
        if boot is None:
            io.submit(FirmwareReset(lpar=p.name))
            return
        device, mode = boot
        if device.bootable:
            io.write("\r\n\r\n STARTING SOFTWARE\r\n    PLEASE WAIT...\r\n")
        io.submit(BootFromDevice(lpar=p.name, device=device.path, mode=mode))
