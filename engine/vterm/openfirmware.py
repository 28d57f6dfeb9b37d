"""The Open Firmware `0 >` prompt (boot mode OF, or key 8 in the countdown;
docs/partition-console.md section 4): `boot`, `boot DEVICE` (alias or path), `printenv`,
`devalias`, `ls`, `reset-all`. Answers come on the line typed, as Open Firmware gives them:
"ok" when a word is done, then the prompt again.
"""

from __future__ import annotations

from engine.ops.console import BootFromDevice, FirmwareReset
from engine.vterm.devices import BootDevice, Nvram, aliases, boot_devices, find
from engine.vterm.lineedit import LineEditor
from engine.vterm.program import TermIO
from engine.vterm.sms import default_order

PROMPT = "0 > "
# (name, value, default) of the variables printenv lists besides boot-device
SETTINGS = (
    ("little-endian?", "false"), ("real-mode?", "false"), ("auto-boot?", "true"),
    ("diag-switch?", "false"), ("fcode-debug?", "false"), ("oem-banner?", "false"),
    ("oem-logo?", "false"), ("use-nvramrc?", "false"), ("security-mode", "none"),
    ("ihandle-console", "0"), ("real-base", "c00000"), ("load-base", "4000"),
)
BASE_NODES = ("/ibm,serial", "/chosen", "/packages", "/cpus", "/memory@0", "/vdevice",
              "/options", "/aliases", "/openprom", "/rtas")


class OpenFirmware:
    def __init__(self, nvram: Nvram) -> None:
        self.nvram = nvram
        self._line = LineEditor(enter="")
        self._done = False  # booting or resetting: the prompt is gone

    def start(self, io: TermIO) -> None:
        io.write(f"\r\n\r\n{PROMPT}")

    def tick(self, io: TermIO) -> None:
        pass

    def feed(self, data: str, io: TermIO) -> None:
        for line in self._line.feed(data, io):
            if self._done:
                return
            self._run(line, io)

    def _run(self, line: str, io: TermIO) -> None:
        words = line.split()
        if not words or line in ("\x03", "\x04", "\x1b"):
            io.write(f" ok\r\n{PROMPT}")
            return
        word, args = words[0], words[1:]
        devices = boot_devices(io.frame, io.partition)
        if word == "boot":
            self._boot(args[0].split(":", 1)[0] if args else "", devices, io)
        elif word == "reset-all":
            self._done = True
            io.write("\r\n")
            io.submit(FirmwareReset(lpar=io.partition.name))
        elif word == "printenv":
            self._answer(io, self._printenv(args[0] if args else "", devices))
        elif word == "devalias":
            named = aliases(devices)
            if args:
                named = {k: v for k, v in named.items() if k == args[0]}
            self._answer(io, [f"{k:<15} {v}" for k, v in named.items()])
        elif word == "ls":
            self._answer(io, self._tree(io, devices))
        else:  # (ours) the wording: Open Firmware refuses a word it does not know
            io.write(f"\r\nUnknown word: {word}\r\n{PROMPT}")

    def _answer(self, io: TermIO, lines: list[str]) -> None:
        body = "".join(f"\r\n{line}" for line in lines)
        io.write(f"{body}\r\nok\r\n{PROMPT}" if lines else f" ok\r\n{PROMPT}")

    def _order(self, devices: list[BootDevice]) -> list[str]:
        return self.nvram.boot_order or default_order(devices)

    def _boot(self, name: str, devices: list[BootDevice], io: TermIO) -> None:
        p = io.partition
        if name:
            device = find(devices, name, aliases(devices))
            if device is None:
                io.write(f"\r\nCannot open {name}: no such device\r\n{PROMPT}")
                return
        else:  # the boot list: the first device that holds something to boot
            listed = [d for path in self._order(devices) for d in devices if d.path == path]
            device = next((d for d in listed if d.bootable), listed[0] if listed else None)
        self._done = True
        io.write("\r\n")
        if device is None:  # nothing the firmware can see: it searches again from the top
            io.submit(FirmwareReset(lpar=p.name))
            return
        io.submit(BootFromDevice(lpar=p.name, device=device.path))

    def _printenv(self, name: str, devices: list[BootDevice]) -> list[str]:
        boot = " ".join(self._order(devices)) or "none"
        default = " ".join(default_order(devices)) or "none"
        rows = [*((k, v, v) for k, v in SETTINGS), ("boot-device", boot, default)]
        if name:
            rows = [r for r in rows if r[0] == name]
            if not rows:
                return [f"Unknown configuration variable: {name}"]
        head = "-------------- Partition: common -------- Signature: 0x70 ---------------"
        return [head, *(f"{k:<24}{v:<19} {d}" for k, v, d in rows)]

    def _tree(self, io: TermIO, devices: list[BootDevice]) -> list[str]:
        nodes: list[tuple[int, str]] = []
        for node in BASE_NODES:
            nodes.append((0, node))
            if node == "/cpus":
                vps = io.partition.settings().desired_procs
                gen = io.frame.hardware.generation or "POWER"
                nodes += [(1, f"/PowerPC,{gen}@{n * 8:x}") for n in range(vps)]
            if node == "/vdevice":
                nodes.append((1, "/vty@30000000"))
                seen: set[str] = set()
                for d in devices:
                    adapter = d.path.removeprefix("/vdevice").partition("/disk")[0]
                    if adapter not in seen:
                        seen.add(adapter)
                        nodes.append((1, adapter))
                        if d.kind != "net":
                            nodes.append((2, "/disk"))
        return [f"{0x1F000000 + 0x1A0 * n:012x}: {'  ' * depth}{name}"
                for n, (depth, name) in enumerate(nodes)]
