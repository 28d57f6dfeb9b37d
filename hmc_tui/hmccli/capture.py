"""Captures: command output saved one file per command (export), and read back (import).

File names are the command's words without dashes and without `-m SYS`, joined by `_`; VIOS
commands (run through viosvrcmd) end with `_<vios name>`:

    lssyscfg -r sys                        lssyscfg_r_sys.txt
    lshwres -r virtualio --rsubtype scsi --level lpar
                                           lshwres_r_virtualio_rsubtype_scsi_level_lpar.txt
    lslparutil -r config                   lslparutil_r_config.txt
    viosvrcmd -p vios1 -c "lsmap -all -npiv"
                                           lsmap_all_npiv_vios1.txt

A single capture file may instead hold every command, each section starting with a line
`### <command>` (or `###command:<command>###`, the layout of public collection scripts), e.g.
`### viosvrcmd -m SYS -p vios1 -c "lsmap -all"`.

`hmc-tui_extras.txt` holds, as attr=value records, what no HMC or VIOS command shows but the
simulator needs for an identical frame: workloads, bootability, the engine clock, firmware,
disk identifiers, physical adapter kinds and port addresses.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path

from engine.store import atomic_write_bytes
from hmc_tui.console import Console
from hmc_tui.hmccli import run_command, vios
from hmc_tui.hmccli.capture_parse import Capture, CaptureError
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.format import Record, record_line
from hmc_tui.hmccli.tokens import tokenize

EXTRAS = "hmc-tui_extras"
HMC_COMMANDS = (
    "lssyscfg -r sys -m {sys}",  # -m: the one system, when the HMC manages several
    "lssyscfg -r lpar -m {sys}",
    "lssyscfg -r prof -m {sys}",
    "lshwres -r proc -m {sys} --level sys",
    "lshwres -r mem -m {sys} --level sys",
    "lshwres -r proc -m {sys} --level lpar",
    "lshwres -r mem -m {sys} --level lpar",
    "lshwres -r proc -m {sys} --level pool",
    "lshwres -r procpool -m {sys}",
    "lshwres -r virtualio --rsubtype scsi --level lpar -m {sys}",
    "lshwres -r virtualio --rsubtype fc --level lpar -m {sys}",
    "lshwres -r virtualio --rsubtype eth --level lpar -m {sys}",
    "lshwres -r virtualio --rsubtype slot --level lpar -m {sys}",
    "lshwres -r io --rsubtype slot -m {sys}",
    "lsrefcode -r lpar -m {sys}",
    "lslparutil -r config -m {sys}",  # the utilisation sample rate
)
VIOS_COMMANDS = ("lsmap -all", "lsmap -all -npiv", "lsmap -all -net", "lspv -size", "lsrep",
                 "lsnports", "lsdev -type adapter")


def capture_key(command: str) -> str:
    """The file stem of a command's capture (see the module docstring)."""
    words = tokenize(command)
    suffix = ""
    if words[:1] == ["viosvrcmd"]:
        inner, target = "", ""
        for flag, value in zip(words[1::2], words[2::2], strict=False):
            if flag == "-c":
                inner = value
            elif flag in ("-p", "--id"):
                target = value
        words, suffix = tokenize(inner), f"_{target}"
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-m":
            skip = True
        else:
            kept.append(word.lstrip("-"))
    return "_".join(kept) + suffix


_RANK = {"r": 0, "rsubtype": 1, "level": 2}  # the order of the file names above


def canonical_key(key: str) -> str:
    """An HMC listing's key with `-r`, `--rsubtype`, `--level` in the file names' order, so
    `lshwres -r virtualio --level lpar --rsubtype eth` (as admins type it) is found as
    lshwres_r_virtualio_rsubtype_eth_level_lpar."""
    words = key.split("_")
    if words[0] not in ("lshwres", "lssyscfg", "lsrefcode"):
        return key
    pairs: list[list[str]] = []
    i = 1
    while i < len(words):
        if words[i] in _RANK and i + 1 < len(words):
            pairs.append(words[i:i + 2])
            i += 2
        else:
            pairs.append(words[i:i + 1])
            i += 1
    pairs.sort(key=lambda pair: _RANK.get(pair[0], 3) if len(pair) == 2 else 3)
    return "_".join([words[0], *(w for pair in pairs for w in pair)])


# ---------------------------------------------------------------- export


def export(console: Console, directory: Path, system: str = "") -> list[Path]:
    """Write every capture the import reads of managed system `system` (name or MTMS; ""
    = the first) into `directory` (created if needed). HmcError HSCL8014 for no such one."""
    ctx = Ctx.of(console)
    ctx.use_system(system)
    directory.mkdir(parents=True, exist_ok=True)
    frame = ctx.frame
    written: list[Path] = []

    def write(key: str, text: str) -> None:
        path = directory / f"{key}.txt"
        atomic_write_bytes(path, (text.rstrip("\n") + "\n").encode("utf-8"))
        written.append(path)

    for template in HMC_COMMANDS:
        command = template.format(sys=shlex.quote(frame.system.name))
        result = run_command(console, command)
        if result.exit_code != 0:
            raise CaptureError(command, None, result.stderr.strip())
        write(capture_key(command), result.stdout)
    for v in (p for p in frame.partitions if p.is_vios):
        # Straight from the VIOS's listings: a capture does not need the VIOS to be running.
        for command in VIOS_COMMANDS:
            key = capture_key(command) + f"_{v.name}"
            write(key, "\n".join(vios.listing(ctx, v, *_split(command))))
        for sea in v.seas:
            command = f"lsdev -dev {sea.name} -attr"
            write(capture_key(command) + f"_{v.name}",
                  "\n".join(vios.listing(ctx, v, *_split(command))))
    write(EXTRAS, "\n".join(record_line(r) for r in extras(ctx)))
    return written


def _split(command: str) -> tuple[str, list[str]]:
    words = tokenize(command)
    return words[0], words[1:]


def extras(ctx: Ctx) -> list[Record]:
    """What no HMC or VIOS listing shows (see the module docstring)."""
    frame = ctx.frame
    s = frame.system
    out: list[Record] = [{"resource_type": "sys",
                          "firmware": s.firmware,  # "" = the catalog's level
                          "epoch": s.epoch.isoformat(), "engine_time": repr(frame.engine_time),
                          "lpar_proc_compat_modes": list(s.proc_compat_modes) or ""}]
    for p in frame.partitions:
        params = [f"{k}:{v!r}" for k, v in p.workload.params.items()]
        out.append({"resource_type": "lpar", "lpar_id": str(p.id), "lpar_name": p.name,
                    "workload": p.workload.kind, "workload_params": params or "",
                    "bootable": "1" if p.bootable else "0", "boot_mode": p.boot_mode})
        for prof in p.profiles:
            out.append({"resource_type": "prof", "lpar_id": str(p.id), "name": prof.name,
                        "keylock": prof.keylock, "ipl_source": prof.ipl_source})
    for d in frame.io.disks:
        out.append({"resource_type": "disk", "name": d.name, "kind": d.kind,
                    "size_gb": str(d.size_gb), "unique_id": d.unique_id,
                    "owners": [str(o) for o in d.owners] or ""})
    for a in frame.io.adapters:
        if not a.drc_index:
            continue  # known only from a VIOS listing: the listing brings it back
        out.append({"resource_type": "adapter", "drc_index": a.drc_index, "kind": a.kind})
        for port in a.ports:
            out.append({"resource_type": "port", "drc_index": a.drc_index, "name": port.name,
                        "location": port.location, "wwpn": port.wwpn, "mac": port.mac,
                        "npiv": "1" if port.npiv else "0", "max_npiv": str(port.max_npiv)})
    return out


# ---------------------------------------------------------------- the admin's capture script


def _dq(text: str) -> str:
    """`text` inside double quotes of the HMC's (bash) restricted shell."""
    return re.sub(r'(["$`\\])', r"\\\1", text)


def capture_script(system: str, target: str = "hscroot@HMC", output: str = "hmc-capture.txt"
                   ) -> str:
    """The one command an admin runs on their workstation to capture a real frame.

    It runs over ssh in the HMC's restricted shell, using only what that shell allows
    (variables, echo, `for`, `case`, `$(...)`, redirection): every HMC listing the import
    reads, then the VIOS listings of every VIOS through viosvrcmd (and `lsdev -dev SEA
    -attr` for each of its SEAs), each section headed `### <command>`, into one file.
    Errors go into the file too (2>&1): the import names them instead of losing them.
    """
    # The header shows the name double-quoted (names may hold spaces).
    quoted = '\\"$S\\"'
    # A ' in the name would end the local shell's quoting: written as '\'' (close, a quoted
    # quote, reopen).
    parts = [f'S="{_dq(system)}"'.replace("'", "'\\''")]
    for template in ("lssyscfg -r sys -m {sys}", *HMC_COMMANDS[1:]):
        shown = template.format(sys=quoted)
        run = template.format(sys='"$S"')
        parts.append(f'echo "### {shown}"; {run} 2>&1')
    inner = " ".join(f'"{c}"' for c in VIOS_COMMANDS)
    parts.append(
        'for l in $(lssyscfg -r lpar -m "$S" -F name,lpar_env); do case $l in '
        '*,vioserver) v=${l%,vioserver}; '
        f'for c in {inner}; do echo "### viosvrcmd -m {quoted} -p $v -c \\"$c\\""; '
        'viosvrcmd -m "$S" -p "$v" -c "$c" 2>&1; done; '
        'for e in $(viosvrcmd -m "$S" -p "$v" -c "lsdev -type sea -field name -fmt :"); do '
        f'echo "### viosvrcmd -m {quoted} -p $v -c \\"lsdev -dev $e -attr\\""; '
        'viosvrcmd -m "$S" -p "$v" -c "lsdev -dev $e -attr" 2>&1; done;; esac; done')
    remote = "; ".join(parts)
    return f"ssh {target} '{remote}' > {output}"


# ---------------------------------------------------------------- reading captures

_SECTION = re.compile(r"^###\s*(?:command:)?(.*?)\s*(?:###)?\s*$")


def read_captures(path: Path) -> dict[str, Capture]:
    """Every capture of a directory (`*.txt`) or of one file with `### command` sections."""
    if path.is_dir():
        found: dict[str, Capture] = {}
        for file in sorted(path.glob("*.txt")):
            key = canonical_key(file.stem)
            found[key] = Capture(key, str(file), _read(file))
        return found
    return split_sections(_read(path), str(path))


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaptureError(str(file), None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(str(file), None, f"not UTF-8 text ({exc.reason})") from None


def split_sections(text: str, source: str) -> dict[str, Capture]:
    """The sections of a one-file capture. A command met again (the same `lsmap -all` run on
    every VIOS without naming it) keeps every section: the second is `KEY#2`, and so on."""
    sections: dict[str, Capture] = {}
    key: str | None = None
    start = 0
    body: list[str] = []

    def close() -> None:
        if key is not None:
            name, n = key, 1
            while name in sections:
                n += 1
                name = f"{key}#{n}"
            sections[name] = Capture(name, source, "\n".join(body), start)

    for number, line in enumerate(text.splitlines(), start=1):
        match = _SECTION.match(line) if line.startswith("###") else None
        if match is None:
            if key is None and line.strip():
                raise CaptureError(source, number, "text before the first '### <command>' line")
            body.append(line)
            continue
        close()
        command = match.group(1)
        try:
            key = EXTRAS if command in (EXTRAS, f"{EXTRAS}.txt") else canonical_key(
                capture_key(command))
        except Exception:
            raise CaptureError(source, number, f"cannot read the command {command!r}") from None
        start, body = number + 1, []
    close()
    return sections


def vios_captures(captures: dict[str, Capture], vios_names: Iterable[str]
                  ) -> dict[str, dict[str, Capture]]:
    """Per VIOS name: its captures keyed without the `_<vios>` suffix (longest name wins)."""
    ordered = sorted(vios_names, key=len, reverse=True)
    out: dict[str, dict[str, Capture]] = {name: {} for name in ordered}
    for key, cap in captures.items():
        for name in ordered:
            if key.endswith(f"_{name}"):
                out[name][key[: -len(name) - 1]] = cap
                break
    return out

