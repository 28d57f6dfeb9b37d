"""viosvrcmd: run a VIOS (padmin / ioscli) command through the HMC.

    viosvrcmd -m SYS -p VIOS|--id N -c "COMMAND"

The VIOS must be running with an active RMC connection (HSCL0DB4 otherwise). Supported VIOS
commands: lsmap (-all | -vadapter NAME) [-npiv | -net] [-fmt DELIM], lsdev (-virtual |
-type adapter|disk | -dev NAME [-attr [ATTR...]]) [-field ...] [-fmt DELIM], lspv [-size |
-free], lspath [-dev NAME], lsrep, lsvopt [-vtd NAME], lsnports, ioslevel, and the changing
mkvdev ([-f] -vdev ... -vadapter ... [-dev] | -fbo -vadapter ... [-dev] | -sea ...), loadopt
[-f] -disk NAME -vtd VTD, unloadopt -vtd VTD, mkrep -sp POOL -size N(M|G), rmvdev (-vtd |
-vdev), rmdev -dev, vfcmap -vadapter ... -fcp [PORT], each an engine operation.

A failing VIOS command prints the VIOS's own message (engine.ops.vio.VIOS_MESSAGES), as the
HMC relays it, not an HMC code.
"""

from __future__ import annotations

from dataclasses import replace

from engine import vios as names
from engine import vios_license
from engine import vios_show as show
from engine.errors import HmcError
from engine.model import Frame, Partition, VirtualEth
from engine.ops import (
    AcceptViosLicense,
    CreateOptical,
    CreateRepository,
    CreateSea,
    LoadOptical,
    MapNpiv,
    MapVscsi,
    Operation,
    RemoveSea,
    UnloadOptical,
    UnmapNpiv,
    UnmapVscsi,
)
from engine.ops.vio import require_vios_up, vios_error
from hmc_tui.hmccli import lsmap_select as select
from hmc_tui.hmccli import vios_storage as storage
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.errors import CliError, CodedError, UsageError
from hmc_tui.hmccli.format import NO_RESULTS
from hmc_tui.hmccli.grammar import Flag, Grammar
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import LPAR_ID, SYSTEM
from hmc_tui.hmccli.tokens import tokenize

GRAMMAR = Grammar(
    "viosvrcmd", "run a command on a Virtual I/O Server",
    "Runs a command on a Virtual I/O Server partition through its RMC connection.",
    (
        SYSTEM,
        Flag("-p", metavar="<partition name>", names="vios", alt="lpar", required=True,
             help="the Virtual I/O Server partition"),
        replace(LPAR_ID, help=""),
        Flag("-c", metavar='"<command>"', names="vios_command", required=True,
             help="the command and its parameters:\n"
                  "  lsmap -all [-npiv | -net] [-fmt delimiter]\n"
                  "  lsmap -vadapter <adapter> [-npiv]\n"
                  "  lsdev -virtual | -type adapter | disk\n"
                  "  lsdev -dev <device> [-attr [attribute]]\n"
                  "  lspv [-size | -free], lspath [-dev <disk>]\n"
                  "  lsrep, lsvopt [-vtd <name>], lsnports, ioslevel\n"
                  "  mkvdev [-f] -vdev <device> -vadapter <vhost>\n"
                  "         [-dev <name>]\n"
                  "  mkvdev -fbo -vadapter <vhost> [-dev <name>]\n"
                  "  loadopt [-f] -disk <media> -vtd <vtopt>\n"
                  "  unloadopt -vtd <vtopt>\n"
                  "  mkrep -sp <pool> -size <N>M|G\n"
                  "  mkvdev -sea <ent> -vadapter <ent>[,<ent>]\n"
                  "         -default <ent> -defaultid <PVID>\n"
                  "         [-attr ha_mode=<mode> ctl_chan=<ent>]\n"
                  "  rmvdev -vtd <name> | -vdev <device>\n"
                  "  rmdev -dev <SEA or virtual target device>\n"
                  "  vfcmap -vadapter <vfchost> -fcp [<fcs>]"),
        Flag("-t", metavar="<timeout>", names="number"),  # accepted; commands answer at once
    ),
)
VIOS_FAILED = "HSCL2970"  # the engine's code for a VIOS command's failure (engine/errors.py)
MANY = 3  # a VIOS flag taking every following word up to the next flag (-attr, -field)

VIOS_FLAGS: dict[str, dict[str, int]] = {
    "lsmap": {"-all": 0, "-vadapter": 1, "-npiv": 0, "-net": 0, "-fmt": 1, "-field": MANY,
              "-cpid": 1, "-type": MANY},
    "license": vios_license.FLAGS,
    "lsdev": {"-virtual": 0, "-type": 1, "-dev": 1, "-attr": MANY, "-field": MANY, "-fmt": 1,
              "-vpd": 0},
    "lspv": {"-size": 0, "-free": 0, "-fmt": 1},
    "lsrep": {},
    "lsvopt": {"-vtd": 1},
    "lspath": {"-dev": 1},
    "loadopt": {"-disk": 1, "-vtd": 1, "-f": 0, "-release": 0},
    "unloadopt": {"-vtd": 1, "-release": 0},
    "mkrep": {"-sp": 1, "-size": 1},
    "lsnports": {"-fmt": 1},
    "ioslevel": {},
    "mkvdev": {"-vdev": 1, "-vadapter": 1, "-dev": 1, "-sea": 1, "-default": 1,
               "-defaultid": 1, "-attr": MANY, "-fbo": 0, "-f": 0},
    "rmvdev": {"-vtd": 1, "-vdev": 1, "-f": 0},
    "rmdev": {"-dev": 1, "-recursive": 0, "-f": 0},
    "vfcmap": {"-vadapter": 1, "-fcp": 2},  # 2: an optional value (none unmaps)
}
CHANGING = ("mkvdev", "rmvdev", "rmdev", "vfcmap", "license", "loadopt", "unloadopt", "mkrep")
# Where the VIOS breaks its messages' lines (its message catalog), restored when relayed.
LINE_BREAKS = {"Specify the -f flag to force": "Specify the -f flag\nto force"}


def vios_args(command: str, words: list[str]) -> dict[str, list[str]]:
    """The VIOS's flags: -flag value, -flag (switch), -attr a=b c=d (many)."""
    spec = VIOS_FLAGS[command]
    values: dict[str, list[str]] = {}
    i = 0
    while i < len(words):
        word = words[i]
        arity = spec.get(word)
        if arity is None or word in values:
            raise UsageError(word)
        i += 1
        if arity == 1:
            if i >= len(words):
                raise UsageError(word)
            values[word] = [words[i]]
            i += 1
        elif arity in (2, MANY):
            taken: list[str] = []
            while i < len(words) and words[i] not in spec:
                taken.append(words[i])
                i += 1
                if arity == 2:
                    break
            if arity == MANY and not taken and word != "-attr":
                raise UsageError(word)
            values[word] = taken
        else:
            values[word] = []
    return values


def _vios(ctx: Ctx, args: Args) -> Partition:
    v = ctx.target(args, name_flag="-p")
    if not v.is_vios:
        raise HmcError("HSCL0B09", kind="Virtual I/O Server", name=v.name, env=v.env)
    return v


def _command(args: Args) -> tuple[str, list[str]]:
    words = tokenize(args.require("-c"))
    if words[:1] == ["ioscli"]:
        words = words[1:]
    if not words:
        raise UsageError("-c")
    if words[0] not in VIOS_FLAGS:
        raise CodedError("HSCLC003", name=words[0])
    return words[0], words[1:]


def _one(values: dict[str, list[str]], flag: str) -> str:
    got = values.get(flag)
    if not got:
        raise UsageError(flag)
    return got[0]


def _device(names_by_slot: dict[int, str], device: str, v: Partition,
            refusal: str = "no_device") -> int:
    slot = names.slot_of(names_by_slot, device)
    if slot is None:
        raise relayed(vios_error(refusal, device=device))
    return slot


def relayed(err: HmcError) -> CliError:
    """A VIOS command's failure as the HMC prints it: the VIOS's message, its line breaks."""
    text = err.message
    for flat, broken in LINE_BREAKS.items():
        text = text.replace(flat, broken)
    return CliError(text)


def _size_mb(text: str) -> int:
    """mkrep -size: 10G, 512M (a plain number is megabytes)."""
    number, unit = (text[:-1], text[-1].upper()) if text[-1:].isalpha() else (text, "M")
    if not number.isdecimal() or unit not in ("M", "G") or int(number) == 0:
        raise UsageError("-size")
    return int(number) * (1024 if unit == "G" else 1)


# ---------------------------------------------------------------- changes


def plan(ctx: Ctx, args: Args) -> list[Operation]:
    """The operations of a changing VIOS command (none for a listing)."""
    ctx.system(args)
    v = _vios(ctx, args)
    command, words = _command(args)
    if command not in CHANGING:
        return []
    values = vios_args(command, words)
    frame = ctx.frame
    if command == "license":
        return vios_license.plan(v, values)
    if command == "mkvdev":
        if "-sea" in values:
            return [_sea(ctx, v, values)]
        vhost = _device(names.vhosts(v), _one(values, "-vadapter"), v, "not_svsa")
        vtd = values["-dev"][0] if "-dev" in values else None
        if "-fbo" in values:
            if "-vdev" in values:
                raise UsageError("-fbo", "-vdev")
            return [CreateOptical(vios=v.name, vhost_slot=vhost, vtd=vtd)]
        return [MapVscsi(vios=v.name, vhost_slot=vhost, backing=_one(values, "-vdev"), vtd=vtd,
                         force="-f" in values)]
    if command == "loadopt":
        return [LoadOptical(vios=v.name, vtd=_one(values, "-vtd"),
                            media=_one(values, "-disk"), force="-f" in values)]
    if command == "unloadopt":
        return [UnloadOptical(vios=v.name, vtd=_one(values, "-vtd"))]
    if command == "mkrep":
        return [CreateRepository(vios=v.name, pool=_one(values, "-sp"),
                                 size_mb=_size_mb(_one(values, "-size")))]
    if command == "rmvdev":
        if "-vtd" in values:
            return [UnmapVscsi(vios=v.name, vtd=_one(values, "-vtd"))]
        backing = _one(values, "-vdev")
        m = next((m for m in v.vscsi_mappings if m.backing == backing), None)
        if m is None:
            raise relayed(vios_error("no_device", device=backing))
        return [UnmapVscsi(vios=v.name, vtd=m.vtd)]
    if command == "rmdev":
        device = _one(values, "-dev")
        if any(s.name == device for s in v.seas):
            return [RemoveSea(vios=v.name, name=device)]
        if any(m.vtd == device for m in v.vscsi_mappings):
            return [UnmapVscsi(vios=v.name, vtd=device)]
        if any(d["name"] == device for d in show.devices(frame, v)):
            raise CodedError("HSCLC001", what=f"rmdev -dev {device}")
        raise relayed(vios_error("no_device", device=device))
    # vfcmap
    slot = _device(names.vfchosts(v), _one(values, "-vadapter"), v, "not_vfchost")
    if "-fcp" not in values:
        raise UsageError("-fcp")
    port = values["-fcp"][0] if values["-fcp"] else ""
    if port:
        return [MapNpiv(vios=v.name, vfchost_slot=slot, port=port)]
    return [UnmapNpiv(vios=v.name, vfchost_slot=slot)]


def _sea(ctx: Ctx, v: Partition, values: dict[str, list[str]]) -> Operation:
    ents = names.virtual_eths(ctx.frame, v)
    trunks = tuple(_device(ents, name, v) for name in _one(values, "-vadapter").split(",")
                   if name)
    default = _device(ents, _one(values, "-default"), v)
    pvid = next((a.pvid for a in v.adapters if isinstance(a, VirtualEth)
                 and a.slot == default), None)
    given = _one(values, "-defaultid")
    if given != str(pvid):
        raise HmcError("HSCL0A13", name="(new)", reason=f"-defaultid {given} is not the port "
                       f"VLAN ID {pvid} of the default adapter.")
    ha_mode = "disabled"
    ctl: int | None = None
    for pair in values.get("-attr", []):
        key, _, value = pair.partition("=")
        if key == "ha_mode":
            if value not in ("auto", "sharing", "standby", "disabled"):
                raise HmcError("HSCL0A13", name="(new)", reason=f"ha_mode {value} is not "
                               "auto, sharing, standby or disabled.")
            ha_mode = value
        elif key == "ctl_chan":
            ctl = _device(ents, value, v)
    return CreateSea(vios=v.name, physical=_one(values, "-sea"), trunk_slots=trunks,
                     default_slot=default, ctl_chan_slot=ctl, ha_mode=ha_mode)


# ---------------------------------------------------------------- listings


def _lsmap(ctx: Ctx, v: Partition, values: dict[str, list[str]]) -> list[str]:
    frame = ctx.frame
    if "-cpid" in values and "-vadapter" not in values:
        values.setdefault("-all", [])  # `lsmap -cpid N` lists every adapter of client N
    if ("-all" in values) == ("-vadapter" in values):
        raise UsageError("-all", "-vadapter")
    if "-npiv" in values and "-net" in values:
        raise UsageError("-npiv", "-net")
    sep = values["-fmt"][0] if "-fmt" in values else None
    if "-net" in values:
        if "-vadapter" in values or "-cpid" in values or "-type" in values:
            raise UsageError("-net")
        return show.net_blocks(frame, v) if sep is None else select.net_fmt(frame, v, sep)
    adapters = names.vfchosts(v) if "-npiv" in values else names.vhosts(v)
    if "-cpid" in values:
        adapters = select.by_client(v, adapters, select.client_id(values["-cpid"][0]))
    if "-type" in values:
        if "-npiv" in values:
            raise UsageError("-type")
        v, adapters = select.by_type(frame, v, adapters, values["-type"])
    if "-vadapter" in values:
        wanted = values["-vadapter"][0]
        adapters = {s: n for s, n in adapters.items() if n == wanted}
        if not adapters:
            raise relayed(vios_error("not_vfchost" if "-npiv" in values else "not_svsa",
                                     device=wanted))
    lines: list[str] = []
    for slot, name in sorted(adapters.items()):
        if "-npiv" in values:
            lines += ([show.vfchost_fmt(frame, v, slot, name, sep)] if sep is not None
                      else show.vfchost_block(frame, v, slot, name))
        else:
            lines += ([show.vhost_fmt(frame, v, slot, name, sep)] if sep is not None
                      else show.vhost_block(frame, v, slot, name))
    return lines


def _lsdev(ctx: Ctx, v: Partition, values: dict[str, list[str]]) -> list[str]:
    frame = ctx.frame
    everything = show.devices(frame, v)
    if "-dev" in values:
        device = values["-dev"][0]
        if "-attr" in values:
            if any(s.name == device for s in v.seas):
                return show.attr_lines(show.sea_attributes(frame, v, device), values["-attr"])
            table = storage.device_attributes(frame, v, device)
            if table is not None:
                return storage.attr_table(table, values["-attr"])
        rows = [d for d in everything if d["name"] == device]
        if not rows:
            raise relayed(vios_error("no_device", device=device))
    elif "-virtual" in values:
        rows = show.virtual_devices(frame, v)
    elif "-type" in values:
        kind = values["-type"][0]
        if kind == "adapter":
            rows = [d for d in everything if d["parent"] in ("pci0", "vio0", "")]
        elif kind == "disk":
            rows = [d for d in everything if d["parent"] == "fscsi0"]
        elif kind in ("sea", "ent4sea"):
            rows = [d for d in everything if d["description"] == "Shared Ethernet Adapter"]
        else:
            raise UsageError("-type")
    else:
        rows = everything
    rows = sorted(rows, key=lambda d: show.device_order(d["name"]))
    fields = values.get("-field") or ["name", "status", "description"]
    for name in fields:
        if name not in show.DEVICE_FIELDS:
            raise UsageError("-field")
    if "-fmt" in values:
        return [values["-fmt"][0].join(d[f] for f in fields) for d in rows]
    if fields == ["name", "status", "description"]:
        return show.device_lines(rows)
    return show.table(fields, [[d[f] for f in fields] for d in rows])


def _storage_listing(frame: Frame, v: Partition, command: str,
                     values: dict[str, list[str]]) -> list[str]:
    """lspv [-size | -free], lsrep, lsvopt [-vtd], lspath [-dev] (hmccli.vios_storage)."""
    if command == "lspv":
        if "-size" in values and "-free" in values:
            raise UsageError("-size", "-free")
        if "-free" in values:
            return storage.lspv_free_lines(frame, v)
        return show.lspv_lines(frame, v, "-size" in values)
    if command == "lsrep":
        return storage.lsrep_lines(frame, v)
    wanted = values["-vtd" if command == "lsvopt" else "-dev"][0] if values else None
    lines = (storage.lsvopt_lines(frame, v, wanted) if command == "lsvopt"
             else storage.lspath_lines(frame, v, wanted))
    if lines is None:
        raise relayed(vios_error("no_device", device=wanted))
    return lines


def listing(ctx: Ctx, v: Partition, command: str, words: list[str]) -> list[str]:
    values = vios_args(command, words)
    frame = ctx.frame
    if command == "lsmap":
        return _lsmap(ctx, v, values)
    if command == "lsdev":
        return _lsdev(ctx, v, values)
    if command in ("lspv", "lsrep", "lsvopt", "lspath"):
        return _storage_listing(frame, v, command, values)
    if command == "lsnports":
        return show.lsnports_lines(frame, v)
    if command == "license":
        return vios_license.listing(v, values)
    return [v.os_version.split()[-1]]  # ioslevel: "VIOS 4.1.0.10" -> 4.1.0.10


def run(ctx: Ctx, args: Args) -> str:
    try:
        ops = plan(ctx, args)
    except HmcError as err:
        if err.code == VIOS_FAILED:
            raise relayed(err) from None
        raise
    v = _vios(ctx, args)
    command, words = _command(args)
    if command not in CHANGING or (command == "license" and "-accept" not in words):
        require_vios_up(v, licensed=command not in vios_license.BEFORE_LICENSE)
        lines = listing(ctx, v, command, words)
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) if lines else NO_RESULTS
    out: list[str] = []
    for op in ops:
        result = ctx.console.execute(op)
        ctx.results.append(result)
        if not result.ok:
            if result.code == VIOS_FAILED:
                raise relayed(HmcError(VIOS_FAILED, reason=result.message))
            raise CliError(f"{result.code} {result.message}")
        if isinstance(op, (MapVscsi, CreateOptical)):
            out.append(f"{result.data.get('vtd', op.vtd)} Available")
        elif isinstance(op, CreateSea):
            out.append(f"{result.data.get('sea', '')} Available")
        elif isinstance(op, UnmapVscsi):
            out.append(f"{op.vtd} deleted")
        elif isinstance(op, RemoveSea):
            out.append(f"{op.name} deleted")
        elif isinstance(op, (AcceptViosLicense, LoadOptical, UnloadOptical, CreateRepository)):
            continue  # the VIOS answers these with nothing on success
        else:  # vfcmap
            out.append(f"{vios_args(command, words)['-vadapter'][0]} changed")
    return "\n".join(out)
