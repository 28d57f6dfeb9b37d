"""lslparutil and chlparutil: utilisation events with the engine's cycle counters, newest
first, and the sample rate they are taken at.

The engine samples every partition and pool at the frame's sample rate (`lslparutil -r
config`, changed with `chlparutil -r config -s RATE`; 0 stops sampling), keeping 2880
samples. `-s h|d|m` keeps one sample per hour, day or month. Besides `sample` events,
`-r lpar` lists the `state_change` events of the partitions' lifecycle and the
`config_change` events of accepted DLPAR and configuration operations, both from the
engine's journal, with the counters of the last sample before them (IBM's lslparutil man
page: sampling, state change and configuration change events). Configuration values
(modes, units, memory) are the ones in force now, which is what the engine knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from engine.journal import Event
from engine.model import SAMPLE_RATES, Partition
from engine.ops import ChangeSampleRate, Operation
from engine.snapshot import UtilSeries
from hmc_tui.hmccli.context import Ctx, hmc_time
from hmc_tui.hmccli.errors import UsageError
from hmc_tui.hmccli.filters import Filter, parse_filter
from hmc_tui.hmccli.format import Record, render, units
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.lshwres import physical_pool_size
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

_WINDOW = ("-d", "-h", "--minutes")
_START = ("--startyear", "--startmonth", "--startday", "--starthour", "--startminute")
_END = ("--endyear", "--endmonth", "--endday", "--endhour", "--endminute")

HEAD = ("time", "event_type", "resource_type", "sys_time")
LPAR = (*HEAD, "time_cycles", "lpar_name", "lpar_id", "curr_proc_mode", "curr_proc_units",
        "curr_procs", "curr_sharing_mode", "curr_uncap_weight", "curr_shared_proc_pool_name",
        "curr_shared_proc_pool_id", "curr_5250_cpw_percent", "mem_mode", "curr_mem",
        "entitled_cycles", "capped_cycles", "uncapped_cycles", "shared_cycles_while_active",
        "idle_cycles", "run_latch_instructions", "run_latch_cycles")
POOL = (*HEAD, "time_cycles", "curr_avail_pool_proc_units", "configurable_pool_proc_units",
        "borrowed_pool_proc_units", "total_pool_cycles", "utilized_pool_cycles")
PROCPOOL = (*HEAD, "shared_proc_pool_name", "shared_proc_pool_id", "max_pool_proc_units",
            "total_pool_cycles", "utilized_pool_cycles", "time_cycles")
SYS = (*HEAD, "state", "configurable_sys_proc_units", "configurable_sys_mem",
       "curr_avail_sys_proc_units", "curr_avail_sys_mem", "sys_firmware_mem",
       "proc_cycles_per_second")
ALL = tuple(dict.fromkeys(SYS + POOL + PROCPOOL + LPAR))
_TIME_UNITS = {"-d": "days", "-h": "hours", "--minutes": "minutes"}

GRAMMAR = Grammar(
    "lslparutil", "list utilization data",
    "Lists utilization data collected for a managed system, newest first.",
    (
        Flag("-r", choices=("lpar", "pool", "procpool", "sys", "all", "config", "mempool",
                            "hmc"), required=True, help="the type of utilization data"),
        SYSTEM,
        *(Flag(f, metavar=f"<{unit}>", names="number", alt="window",
               help="only the last days, hours or minutes" if f == "-d" else "")
          for f, unit in _TIME_UNITS.items()),
        *(Flag(f, metavar=f"<{f[7:]}>", names="number",
               help="the window's start (with --startmonth,\n--startday, --starthour, "
                    "--startminute)" if f == _START[0] else "") for f in _START),
        *(Flag(f, metavar=f"<{f[5:]}>", names="number",
               help="the window's end (--endmonth, ... as for\nthe start)"
               if f == _END[0] else "") for f in _END),
        Flag("-n", metavar="<number of events>", names="number",
             help="only the newest events"),
        Flag("-s", choices=("s", "h", "d", "m"),
             help="sample rate: s (samples), h (hourly),\nd (daily), m (monthly)"),
        replace(FILTER, help="event_types, lpar_names, lpar_ids,\npool_names, pool_ids"),
        FIELDS, HEADER,
    ),
    (
        Variant({}, attributes=ALL,
                filters=("event_types", "lpar_names", "lpar_ids", "pool_names", "pool_ids")),
        Variant({"-r": "lpar"}, attributes=LPAR),
        Variant({"-r": "pool"}, attributes=POOL),
        Variant({"-r": "procpool"}, attributes=PROCPOOL),
        Variant({"-r": "sys"}, attributes=SYS),
        Variant({"-r": "mempool"}, attributes=HEAD),
        Variant({"-r": "hmc"}, attributes=HEAD),
        Variant({"-r": "config"}, flags=("-r", "-m", "-F", "--header"),
                attributes=("sample_rate",)),
    ),
)
CHLPARUTIL = Grammar(
    "chlparutil", "change utilization data collection settings",
    "Changes the rate at which the management console collects utilization data.",
    (
        Flag("-r", choices=("config",), required=True, help="config"),
        replace(SYSTEM, required=False),
        Flag("-s", metavar="<sample rate>", names="number", required=True,
             help="seconds between samples: "
                  + ", ".join(str(r) for r in SAMPLE_RATES) + "\n(0 stops sampling)"),
    ),
)
DEFAULT_CYCLES_PER_SECOND = 512_000_000  # used until two samples give the real rate
# Accepted operations the HMC logs as a partition's state or configuration change (the
# lifecycle's own state steps are journaled as op "state").
STATE_OPS = ("state", "activate", "shutdown")
CONFIG_OPS = ("dlpar_proc", "dlpar_mem", "set_weight", "move_pool", "change_lpar",
              "create_lpar")

Sample = tuple[float, int, Record]  # (engine time, kind order, record)


def _counter(series: UtilSeries, name: str, i: int) -> str:
    values = series.counters.get(name)
    return str(values[i]) if values is not None and 0 <= i < len(values) else "0"


def _head(ctx: Ctx, t: float, kind: str, event: str = "sample") -> Record:
    stamp = hmc_time(ctx.wall(t))
    return {"time": stamp, "event_type": event, "resource_type": kind, "sys_time": stamp}


def _lpar_events(ctx: Ctx, p: Partition, series: UtilSeries, f: Filter) -> list[Sample]:
    """Sample records, then the partition's state and configuration changes (journal)."""
    points = [(t, i, "sample") for i, t in enumerate(series.times)] if f.allows(
        "event_types", "sample") else []
    for event in ctx.snap.events:
        kind = _event_type(event)
        if kind and event.target == p.name and f.allows("event_types", kind):
            before = [i for i, t in enumerate(series.times) if t <= event.time + 1e-9]
            points.append((event.time, before[-1] if before else -1, kind))
    return _lpar_records(ctx, p, series, points)


def _event_type(event: Event) -> str:
    """state_change for a lifecycle state, config_change for an accepted config operation."""
    if not event.ok:
        return ""
    if event.op in STATE_OPS:
        return "state_change"
    return "config_change" if event.op in CONFIG_OPS else ""


def _lpar_records(ctx: Ctx, p: Partition, series: UtilSeries,
                  points: list[tuple[float, int, str]]) -> list[Sample]:
    """One record per (time, sample index for the counters (-1: none yet), event type)."""
    res = p.settings()
    pool = ctx.frame.pools[res.shared_proc_pool_id]
    out: list[Sample] = []
    for t, i, kind in points:
        r = _head(ctx, t, "lpar", kind)
        r.update(time_cycles=_counter(series, "time_cycles", i), lpar_name=p.name,
                 lpar_id=str(p.id), curr_proc_mode=res.proc_mode)
        if res.shared:
            r.update(curr_proc_units=units(res.desired_proc_units),
                     curr_procs=str(res.desired_procs), curr_sharing_mode=res.sharing_mode,
                     curr_uncap_weight=str(res.uncap_weight),
                     curr_shared_proc_pool_name=pool.name,
                     curr_shared_proc_pool_id=str(pool.id))
        else:
            r.update(curr_procs=str(res.desired_procs), curr_sharing_mode=res.sharing_mode)
        r.update(curr_5250_cpw_percent="0.0", mem_mode="ded", curr_mem=str(res.desired_mem))
        for name in ("entitled_cycles", "capped_cycles", "uncapped_cycles"):
            r[name] = _counter(series, name, i)
        r.update(shared_cycles_while_active=_counter(series, "shared_cycles_while_active", i),
                 idle_cycles=_counter(series, "idle_cycles", i),
                 run_latch_instructions="0", run_latch_cycles="0")
        out.append((t, 3, r))
    return out


def _pool_samples(ctx: Ctx, series: UtilSeries) -> list[Sample]:
    size = units(physical_pool_size(ctx.frame))
    avail = units(ctx.frame.avail_proc_units())
    out: list[Sample] = []
    for i, t in enumerate(series.times):
        r = _head(ctx, t, "pool")
        r.update(time_cycles=_counter(series, "time_cycles", i),
                 curr_avail_pool_proc_units=avail, configurable_pool_proc_units=size,
                 borrowed_pool_proc_units="0.0",
                 total_pool_cycles=_counter(series, "total_pool_cycles", i),
                 utilized_pool_cycles=_counter(series, "utilized_pool_cycles", i))
        out.append((t, 1, r))
    return out


def _procpool_samples(ctx: Ctx, pool_id: int, series: UtilSeries) -> list[Sample]:
    pool = ctx.frame.pools[pool_id]
    out: list[Sample] = []
    for i, t in enumerate(series.times):
        r = _head(ctx, t, "procpool")
        r.update(shared_proc_pool_name=pool.name, shared_proc_pool_id=str(pool.id),
                 max_pool_proc_units="null" if pool.is_default else str(pool.max_proc_units),
                 total_pool_cycles=_counter(series, "total_pool_cycles", i),
                 utilized_pool_cycles=_counter(series, "utilized_pool_cycles", i),
                 time_cycles=_counter(series, "time_cycles", i))
        out.append((t, 2, r))
    return out


def _cycles_per_second(series: UtilSeries) -> int:
    cycles = series.counters.get("time_cycles", ())
    if len(series.times) >= 2 and len(cycles) >= 2 and series.times[-1] > series.times[0]:
        return round((cycles[-1] - cycles[0]) / (series.times[-1] - series.times[0]))
    return DEFAULT_CYCLES_PER_SECOND


def _sys_samples(ctx: Ctx, series: UtilSeries) -> list[Sample]:
    frame = ctx.frame
    s = frame.system
    out: list[Sample] = []
    rate = str(_cycles_per_second(series))
    for t in series.times:
        r = _head(ctx, t, "sys")
        r.update(state=s.state, configurable_sys_proc_units=units(s.configurable_procs),
                 configurable_sys_mem=str(s.configurable_mem),
                 curr_avail_sys_proc_units=units(frame.avail_proc_units()),
                 curr_avail_sys_mem=str(frame.avail_mem()),
                 sys_firmware_mem=str(frame.firmware_mem()), proc_cycles_per_second=rate)
        out.append((t, 0, r))
    return out


# ---------------------------------------------------------------- time windows


def _int_flag(args: Args, flag: str, low: int, high: int) -> int | None:
    value = args.integer(flag)
    if value is not None and not low <= value <= high:
        raise UsageError(flag)
    return value


def _moment(ctx: Ctx, args: Args, flags: tuple[str, ...]) -> datetime | None:
    """A --start.../--end... moment; fields left out take the current date's values."""
    if not any(f in args for f in flags):
        return None
    now = ctx.wall()
    year = _int_flag(args, flags[0], 1970, 9999)
    month = _int_flag(args, flags[1], 1, 12)
    day = _int_flag(args, flags[2], 1, 31)
    hour = _int_flag(args, flags[3], 0, 23)
    minute = _int_flag(args, flags[4], 0, 59)
    try:
        return datetime(year or now.year, month or now.month, day or now.day,
                        hour if hour is not None else 0, minute if minute is not None else 0)
    except ValueError:  # 31 February
        raise UsageError(flags[2]) from None


def _window(ctx: Ctx, args: Args) -> tuple[float | None, float | None]:
    """(start, end) in engine seconds; None = unbounded."""
    given = [f for f in _WINDOW if f in args]
    if len(given) > 1 or (given and any(f in args for f in _START)):
        raise UsageError(*given)
    epoch = ctx.frame.system.epoch
    end_at = _moment(ctx, args, _END)
    end = (end_at - epoch).total_seconds() if end_at else None
    start_at = _moment(ctx, args, _START)
    start = (start_at - epoch).total_seconds() if start_at else None
    if given:
        amount = args.integer(given[0], low=1) or 0
        span = {"-d": 86400, "-h": 3600, "--minutes": 60}[given[0]] * amount
        start = (end if end is not None else ctx.snap.time) - span
    return start, end


def _thin(samples: list[Sample], rate: str, ctx: Ctx) -> list[Sample]:
    """-s h|d|m: the last sample of each hour, day or month (change events all stay)."""
    if rate == "s":
        return samples
    key: Callable[[datetime], tuple[int, ...]] = {
        "h": lambda d: (d.year, d.month, d.day, d.hour),
        "d": lambda d: (d.year, d.month, d.day),
        "m": lambda d: (d.year, d.month),
    }[rate]
    last: dict[tuple[tuple[int, ...], int, str], Sample] = {}
    events = [s for s in samples if s[2].get("event_type") != "sample"]  # never thinned
    for sample in samples:
        t, kind, r = sample
        if r.get("event_type") != "sample":
            continue
        ident = str(r.get("lpar_id", r.get("shared_proc_pool_id", "")))
        last[(key(ctx.wall(t)), kind, ident)] = sample  # later samples overwrite earlier ones
    return [*last.values(), *events]


# ---------------------------------------------------------------- the command


def run(ctx: Ctx, args: Args) -> str:
    resource = args.require("-r")
    ctx.system(args)
    fields, header = args.get("-F"), "--header" in args
    known = args.spec.attributes if args.spec is not None else ALL
    if resource == "config":
        rate_now = str(ctx.frame.system.sample_rate)
        return render([{"sample_rate": rate_now}], fields, header, known)
    rate = args.get("-s", "s") or "s"
    start, end = _window(ctx, args)
    limit = args.integer("-n", low=1)
    f = parse_filter(args.get("--filter"), args.filters,
                     known_lpars=[p.name for p in ctx.frame.partitions])
    if resource in ("mempool", "hmc"):
        return render([], fields, header, known)
    samples = _collect(ctx, resource, f, "long")
    samples = [s for s in samples if (start is None or s[0] >= start - 1e-9)
               and (end is None or s[0] <= end + 1e-9)]
    samples = _thin(samples, rate, ctx)
    samples.sort(key=lambda s: (-s[0], s[1], int(str(s[2].get("lpar_id", 0) or 0))))
    if limit is not None:
        times = sorted({s[0] for s in samples}, reverse=True)[:limit]
        samples = [s for s in samples if s[0] in set(times)]
    return render([s[2] for s in samples], fields, header, known)


def _collect(ctx: Ctx, resource: str, f: Filter, interval: str) -> list[Sample]:
    """Every record of the resource: samples at the sample rate (the engine's "long" series)
    and, for partitions, their state and configuration changes."""
    frame = ctx.frame
    console, system = ctx.console, ctx.on_system

    def util(resource: str, key: int, interval: str) -> UtilSeries:
        return console.utilisation(resource, key, interval, system)  # type: ignore[arg-type]

    out: list[Sample] = []
    if resource in ("lpar", "all"):
        for p in frame.partitions:
            if f.lpar(p):
                series = util("lpar", p.id, interval)
                out += _lpar_events(ctx, p, series, f)
    if not f.allows("event_types", "sample"):
        return out
    if resource in ("sys", "all"):
        out += _sys_samples(ctx, util("pool", 0, interval))
    if resource in ("pool", "all"):
        out += _pool_samples(ctx, util("pool", 0, interval))
    if resource in ("procpool", "all"):
        for pool in frame.pools:
            if not (pool.is_default or pool.max_proc_units > 0):
                continue
            if f.allows("pool_names", pool.name) and f.allows("pool_ids", str(pool.id)):
                series = util("pool", pool.id, interval)
                out += _procpool_samples(ctx, pool.id, series)
    return out


# ---------------------------------------------------------------- chlparutil


def plan_ch(ctx: Ctx, args: Args) -> list[Operation]:
    ctx.system(args, required=False)
    rate = args.integer("-s", low=0) or 0
    if ctx.system_key or not ctx.snap.several:
        return [ChangeSampleRate(sample_rate=rate)]
    # without -m: every managed system, as the HMC does
    return [ChangeSampleRate(sample_rate=rate, system=f.mtms) for f in ctx.snap.frames]


def run_ch(ctx: Ctx, args: Args) -> str:
    for op in plan_ch(ctx, args):
        ctx.execute(op)
    return ""

