"""lparstat, mpstat and vmstat as AIX prints them, from the frame and the dispatcher's figures.

`lparstat -i` is the `Label : value` listing (labels padded to 43 columns, AIX 7.x order,
as in published AIX output; docs/guest-os.md); the interval form prints the "System
configuration" header, the column titles and one line per interval with physc (cores the
dispatcher gave the partition) and %entc (physc / entitlement). The OS-side percentages
(%user, %sys, %idle, lbusy) are derived from physc: busy is physc over what the partition
could use without waiting (its entitlement, or physc when it runs above it). A partition
that pages (a memory leak, engine/workload_faults.py) shows it in vmstat's pi/po, avm and
fre and as %wait (WAIT_AT_FULL_OVERCOMMIT at full overcommitment, taken from the busy and
idle time alike, ours).
"""

from __future__ import annotations

from engine.model import Frame, Partition, Resources
from engine.workload_faults import PAGES_PER_MB, memory

LABEL = 43  # "Unallocated Variable Memory Capacity Weight" is the longest label
SMT = 4  # AIX's default SMT mode on POWER8 and later
NONE = "-"
WAIT_AT_FULL_OVERCOMMIT = 40.0  # %wait of a partition paging at full overcommitment (ours)


def physical_pool(frame: Frame) -> float:
    """Cores of the physical shared pool: configurable cores minus running dedicated ones."""
    dedicated = sum(p.current.desired_procs for p in frame.partitions
                    if p.current is not None and not p.current.shared)
    return max(float(frame.system.configurable_procs - dedicated), 0.0)


def pool_size(frame: Frame, r: Resources) -> float:
    """The size of the partition's shared pool (psize): its maximum, the physical pool for 0."""
    pool = frame.pool(r.shared_proc_pool_id)
    if pool is None or pool.is_default:
        return physical_pool(frame)
    return float(pool.max_proc_units)


def resources(p: Partition) -> Resources:
    return p.current if p.current is not None else p.settings()


def mode(r: Resources) -> str:
    if r.shared:
        return "Capped" if r.capped or r.uncap_weight == 0 else "Uncapped"
    return "Donating" if r.sharing_mode != "keep_idle_procs" else "Capped"


def info(frame: Frame, p: Partition) -> list[str]:
    """`lparstat -i`."""
    r = resources(p)
    shared = r.shared
    ent = r.entitlement

    def units(v: float | int | None) -> str:
        return f"{float(v or 0):.2f}"

    weight = (str(0 if r.capped else r.uncap_weight)) if shared else NONE
    psize = pool_size(frame, r)
    phys = physical_pool(frame)
    rows: list[tuple[str, str]] = [
        ("Node Name", p.name),
        ("Partition Name", p.name),
        ("Partition Number", str(p.id)),
        ("Type", f"{'Shared' if shared else 'Dedicated'}-SMT-{SMT}"),
        ("Mode", mode(r)),
        ("Entitled Capacity", f"{ent:.2f}"),
        ("Partition Group-ID", str(32768 + p.id)),
        ("Shared Pool ID", str(r.shared_proc_pool_id) if shared else NONE),
        ("Online Virtual CPUs", str(r.desired_procs)),
        ("Maximum Virtual CPUs", str(r.max_procs)),
        ("Minimum Virtual CPUs", str(r.min_procs)),
        ("Online Memory", f"{r.desired_mem} MB"),
        ("Maximum Memory", f"{r.max_mem} MB"),
        ("Minimum Memory", f"{r.min_mem} MB"),
        ("Variable Capacity Weight", weight),
        ("Minimum Capacity", units(r.min_proc_units if shared else r.min_procs)),
        ("Maximum Capacity", units(r.max_proc_units if shared else r.max_procs)),
        ("Capacity Increment", "0.01" if shared else "1.00"),
        ("Maximum Physical CPUs in system", str(frame.system.installed_procs)),
        ("Active Physical CPUs in system", str(frame.system.configurable_procs)),
        ("Active CPUs in Pool", f"{phys:.0f}" if shared else NONE),
        ("Shared Physical CPUs in system", f"{phys:.0f}" if shared else "0"),
        ("Maximum Capacity of Pool", f"{psize * 100:.0f}" if shared else "0"),
        ("Entitled Capacity of Pool",
         f"{frame.pool_entitled(r.shared_proc_pool_id) * 100:.0f}" if shared else "0"),
        ("Unallocated Capacity", "0.00" if shared else NONE),
        ("Physical CPU Percentage", f"{ent / r.desired_procs * 100:.2f}%"),
        ("Unallocated Weight", "0" if shared else NONE),
        ("Memory Mode", "Dedicated"),
        ("Total I/O Memory Entitlement", NONE),
        ("Variable Memory Capacity Weight", NONE),
        ("Memory Pool ID", NONE),
        ("Physical Memory in the Pool", NONE),
        ("Hypervisor Page Size", NONE),
        ("Unallocated Variable Memory Capacity Weight", NONE),
        ("Unallocated I/O Memory entitlement", NONE),
        ("Memory Group ID of LPAR", NONE),
        ("Desired Virtual CPUs", str(r.desired_procs)),
        ("Desired Memory", f"{r.desired_mem} MB"),
        ("Desired Variable Capacity Weight", weight),
        ("Desired Capacity", f"{ent:.2f}"),
        ("Target Memory Expansion Factor", NONE),
        ("Target Memory Expansion Size", NONE),
        ("Power Saving Mode", "Disabled"),
        ("Sub Processor Mode", NONE),
    ]
    return [f"{label:<{LABEL}}: {value}" for label, value in rows]


# ---------------------------------------------------------------- the interval form


def header(frame: Frame, p: Partition) -> list[str]:
    r = resources(p)
    kind = "Shared" if r.shared else "Dedicated"
    pool = f" psize={pool_size(frame, r):.0f}" if r.shared else ""
    return [f"System configuration: type={kind} mode={mode(r)} smt={SMT} "
            f"lcpu={r.desired_procs * SMT} mem={r.desired_mem}MB{pool} ent={r.entitlement:.2f}",
            "",
            "%user  %sys  %wait  %idle physc %entc  lbusy  vcsw phint",
            "----- ----- ------ ------ ----- ----- ------ ----- -----"]


def busy(p: Partition, physc: float) -> float:
    """Fraction of what the partition could run that it ran (0..1)."""
    ent = resources(p).entitlement
    return min(physc / max(ent, physc, 1e-9), 1.0)


def wait_pct(frame: Frame, p: Partition, now: float) -> float:
    """%wait: the I/O wait of paging (0 while the partition's memory fits)."""
    return WAIT_AT_FULL_OVERCOMMIT * min(memory(frame, p, now).overcommit, 1.0)


def line(p: Partition, physc: float, wait: float = 0.0) -> str:
    r = resources(p)
    b = busy(p, physc) * (100 - wait)  # time waiting on paging I/O is not run
    user, sys = b * 0.8, b * 0.2
    idle = max(100.0 - user - sys - wait, 0.0)
    entc = physc / r.entitlement * 100 if r.entitlement else 0.0
    vcsw = int(physc * 400) + 50 * r.desired_procs
    return (f"{user:5.1f} {sys:5.1f} {wait:6.1f} {idle:6.1f} {physc:5.2f} {entc:5.1f} "
            f"{b * 0.9:6.1f} {vcsw:5d} {0:5d}")


def mpstat(p: Partition, physc: float) -> list[str]:
    """`mpstat`: one row per logical CPU, physc spread over the VPs' first threads (AIX
    folds and runs idle threads little), then ALL."""
    r = resources(p)
    lcpus = r.desired_procs * SMT
    b = busy(p, physc)
    per_vp = physc / r.desired_procs
    rows = [f"System configuration: lcpu={lcpus} ent={r.entitlement:.1f} mode={mode(r)}", "",
            "cpu    us    sy    wa    id    pc   %ec"]
    for cpu in range(lcpus):
        share = 0.7 if cpu % SMT == 0 else 0.1
        pc = per_vp * share
        us, sy = b * 80 * share / 0.7, b * 20 * share / 0.7
        ec = pc / r.entitlement * 100 if r.entitlement else 0.0
        rows.append(f"{cpu:3d} {us:5.1f} {sy:5.1f} {0.0:5.1f} {100 - us - sy:5.1f} {pc:5.2f} "
                    f"{ec:5.1f}")
    entc = physc / r.entitlement * 100 if r.entitlement else 0.0
    rows.append(f"ALL {b * 80:5.1f} {b * 20:5.1f} {0.0:5.1f} {100 - b * 100:5.1f} {physc:5.2f} "
                f"{entc:5.1f}")
    return rows


# ---------------------------------------------------------------- vmstat


def vmstat_header(p: Partition) -> list[str]:
    r = resources(p)
    ent = f" ent={r.entitlement:.2f}" if r.shared else ""
    return [f"System configuration: lcpu={r.desired_procs * SMT} mem={r.desired_mem}MB{ent}", "",
            "kthr    memory              page              faults              cpu",
            "----- ----------- ------------------------ ------------ -----------------------",
            " r  b   avm   fre  re  pi  po  fr   sr  cy  in   sy  cs us sy id wa    pc    ec"]


def vmstat_line(frame: Frame, p: Partition, physc: float, now: float) -> str:
    """One vmstat interval: avm/fre in 4 KB pages, pi/po pages per second (what the OS
    pages to and from paging space), fr/sr the page stealer at work while it pages."""
    r = resources(p)
    m = memory(frame, p, now)
    wa = round(wait_pct(frame, p, now))
    b = busy(p, physc) * (100 - wa)
    us, sy = round(b * 0.8), round(b * 0.2)
    idle = max(100 - us - sy - wa, 0)
    ec = physc / r.entitlement * 100 if r.entitlement else 0.0
    pi, po = round(m.page_in), round(m.page_out)
    fr, sr = po, po * 2 if po else 0
    runq, blocked = max(round(physc * SMT / 2), 0), 1 if po else 0
    return (f"{runq:2d} {blocked:2d} {round(m.comp * PAGES_PER_MB):5d} "
            f"{round(m.free * PAGES_PER_MB):5d} {0:3d} {pi:3d} {po:3d} {fr:3d} {sr:4d} {0:3d} "
            f"{12 + pi // 10:3d} {400 + round(physc * 300):4d} {150 + round(physc * 100):3d} "
            f"{us:2d} {sy:2d} {idle:2d} {wa:2d} {physc:5.2f} {ec:5.1f}")
