"""lssyscfg: the managed system, its partitions and their profiles.

Attribute order follows the real captures in docs/hmc-commands.md: `-r sys` the
POWER5 record, `-r lpar` the POWER8 record (VIOS records carry no boot_mode), `-r prof` the
POWER8 record with the HMC V10 `ppt_ratio` (VIOS profiles carry no huge-page or memory
expansion attributes, dedicated profiles no processing units, weight or pool).
"""

from __future__ import annotations

from dataclasses import replace

from engine.model import Frame, Partition, Profile
from hmc_tui.hmccli.adapters import SERIAL_ITEMS, items
from hmc_tui.hmccli.context import Ctx
from hmc_tui.hmccli.filters import Filter, parse_filter
from hmc_tui.hmccli.format import Record, flag, render, units
from hmc_tui.hmccli.grammar import Flag, Grammar, Variant
from hmc_tui.hmccli.options import Args
from hmc_tui.hmccli.shared_flags import FIELDS, FILTER, HEADER, SYSTEM

SYS_ATTRS = (
    "name", "type_model", "serial_num", "ipaddr", "state", "detailed_state", "sys_time",
    "power_off_policy", "active_lpar_mobility_capable", "inactive_lpar_mobility_capable",
    "active_lpar_share_idle_procs_capable", "active_mem_expansion_capable",
    "hardware_active_mem_expansion_capable", "active_mem_sharing_capable",
    "addr_broadcast_perf_policy_capable", "bsr_capable", "cod_mem_capable", "cod_proc_capable",
    "dynamic_platform_optimization_capable", "electronic_err_reporting_capable",
    "firmware_power_saver_capable", "hardware_power_saver_capable",
    "hardware_discovery_capable", "hca_capable", "huge_page_mem_capable", "lhea_capable",
    "lpar_avail_priority_capable", "lpar_proc_compat_mode_capable",
    "lpar_remote_restart_capable", "powervm_lpar_remote_restart_capable",
    "lpar_suspend_capable", "micro_lpar_capable", "os400_capable", "5250_application_capable",
    "redundant_err_path_reporting_capable", "shared_eth_failover_capable",
    "sni_msg_passing_capable", "sp_failover_capable", "vet_activation_capable",
    "virtual_fc_capable", "virtual_io_server_capable", "virtual_switch_capable",
    "vsn_phase2_capable", "vsi_on_veth_capable", "assign_5250_cpw_percent", "max_lpars",
    "max_power_ctrl_lpars", "hca_bandwidth_capabilities", "service_lpar_id",
    "curr_sys_keylock", "pend_sys_keylock", "curr_power_on_side", "pend_power_on_side",
    "curr_power_on_speed", "pend_power_on_speed", "curr_power_on_speed_override",
    "pend_power_on_speed_override", "power_on_type", "power_on_option",
    "power_on_lpar_start_policy", "pend_power_on_option", "pend_power_on_lpar_start_policy",
    "power_on_method", "power_on_attr", "sp_boot_attr", "sp_boot_major_type",
    "sp_boot_minor_type", "sp_version", "mfg_default_config", "curr_mfg_default_ipl_source",
    "pend_mfg_default_ipl_source", "curr_mfg_default_boot_mode", "pend_mfg_default_boot_mode",
)
# What a current POWER server reports, for the attributes the simulator does not model.
SYS_FIXED: dict[str, str] = {
    "detailed_state": "None", "power_off_policy": "1",
    "active_lpar_mobility_capable": "1", "inactive_lpar_mobility_capable": "1",
    "active_lpar_share_idle_procs_capable": "1", "active_mem_expansion_capable": "1",
    "hardware_active_mem_expansion_capable": "1", "active_mem_sharing_capable": "1",
    "addr_broadcast_perf_policy_capable": "1", "bsr_capable": "1", "cod_mem_capable": "1",
    "cod_proc_capable": "1", "dynamic_platform_optimization_capable": "1",
    "electronic_err_reporting_capable": "1", "firmware_power_saver_capable": "1",
    "hardware_power_saver_capable": "1", "hardware_discovery_capable": "0",
    "hca_capable": "0", "huge_page_mem_capable": "1", "lhea_capable": "0",
    "lpar_avail_priority_capable": "1", "lpar_proc_compat_mode_capable": "1",
    "lpar_remote_restart_capable": "0", "powervm_lpar_remote_restart_capable": "1",
    "lpar_suspend_capable": "0", "micro_lpar_capable": "1", "5250_application_capable": "0",
    "redundant_err_path_reporting_capable": "0", "shared_eth_failover_capable": "1",
    "sni_msg_passing_capable": "0", "sp_failover_capable": "0", "vet_activation_capable": "1",
    "virtual_fc_capable": "1", "virtual_io_server_capable": "1",
    "virtual_switch_capable": "1", "vsn_phase2_capable": "1", "vsi_on_veth_capable": "1",
    "assign_5250_cpw_percent": "0", "max_power_ctrl_lpars": "1",
    "hca_bandwidth_capabilities": "null", "service_lpar_id": "none",
    "curr_sys_keylock": "norm", "pend_sys_keylock": "norm", "curr_power_on_side": "temp",
    "pend_power_on_side": "temp", "curr_power_on_speed": "fast",
    "pend_power_on_speed": "fast", "curr_power_on_speed_override": "none",
    "pend_power_on_speed_override": "none", "power_on_type": "power on",
    "power_on_option": "autostart", "power_on_lpar_start_policy": "autostart",
    "pend_power_on_option": "autostart", "pend_power_on_lpar_start_policy": "autostart",
    "power_on_method": "02", "power_on_attr": "0000", "sp_boot_attr": "0000",
    "sp_boot_major_type": "08", "sp_boot_minor_type": "01", "sp_version": "00030030",
    "mfg_default_config": "0", "curr_mfg_default_ipl_source": "a",
    "pend_mfg_default_ipl_source": "a", "curr_mfg_default_boot_mode": "norm",
    "pend_mfg_default_boot_mode": "norm",
}

LPAR_ATTRS = (
    "name", "lpar_id", "lpar_env", "state", "resource_config", "os_version",
    "logical_serial_num", "default_profile", "curr_profile", "work_group_id",
    "shared_proc_pool_util_auth", "allow_perf_collection", "power_ctrl_lpar_ids", "boot_mode",
    "lpar_keylock", "auto_start", "redundant_err_path_reporting", "rmc_state", "rmc_ipaddr",
    "time_ref", "lpar_avail_priority", "desired_lpar_proc_compat_mode",
    "curr_lpar_proc_compat_mode", "suspend_capable", "remote_restart_capable",
    "simplified_remote_restart_capable", "sync_curr_profile", "affinity_group_id",
    "vtpm_enabled",
)

PROF_ATTRS = (
    "name", "lpar_name", "lpar_id", "lpar_env", "all_resources", "min_mem", "desired_mem",
    "max_mem", "min_num_huge_pages", "desired_num_huge_pages", "max_num_huge_pages",
    "mem_mode", "mem_expansion", "hpt_ratio", "ppt_ratio", "proc_mode", "min_proc_units",
    "desired_proc_units", "max_proc_units", "min_procs", "desired_procs", "max_procs",
    "sharing_mode", "uncap_weight", "shared_proc_pool_id", "shared_proc_pool_name",
    "affinity_group_id", "io_slots", "lpar_io_pool_ids", "max_virtual_slots",
    "virtual_serial_adapters", "virtual_scsi_adapters", "virtual_eth_adapters",
    "virtual_eth_vsi_profiles", "virtual_fc_adapters", "vnic_adapters", "vtpm_adapters",
    "hca_adapters", "boot_mode", "conn_monitoring", "auto_start", "power_ctrl_lpar_ids",
    "work_group_id", "redundant_err_path_reporting", "bsr_arrays", "lpar_proc_compat_mode",
    "electronic_err_reporting", "sriov_eth_logical_ports",
)

SYSPROF_ATTRS = ("name", "lpar_names", "lpar_ids")

GRAMMAR = Grammar(
    "lssyscfg", "list managed systems, partitions and partition profiles",
    "Lists partitions, partition profiles, system profiles, managed system\n"
    "information, managed frame cages, or managed frame information.",
    (
        Flag("-r", choices=("lpar", "prof", "sys", "sysprof", "cage", "frame"), required=True,
             help="the type of resources to be listed:\n"
                  "  lpar    - partitions\n  prof    - partition profiles\n"
                  "  sys     - managed systems\n  sysprof - system profiles\n"
                  "  cage    - managed frame cages\n  frame   - managed frames"),
        replace(SYSTEM, required=False,
                help="the managed system's name or its\n"
                     "type-model*serial (required unless -r sys)"),
        replace(FILTER, help="filters the data to be listed:\n"
                             "  names (-r sys, sysprof, frame)\n"
                             "  lpar_names, lpar_ids (-r lpar, prof)\n"
                             "  work_groups (-r lpar)\n"
                             "  profile_names (-r prof)"),
        replace(FIELDS, help="comma (or other delimiter) separated list of\n"
                             "the names of the attributes to be listed"),
        replace(HEADER, help="prints a header of attribute names when -F\nis also specified"),
    ),
    (
        # -m is optional for -r sys, sysprof's names and frames (IBM's lssyscfg man page:
        # "required when listing partitions, partition profiles, or system profiles").
        Variant({"-r": "sys"}, flags=("-r", "-m", "--filter", "-F", "--header"),
                attributes=SYS_ATTRS, filters=("names",)),
        Variant({"-r": "lpar"}, required=("-m",), attributes=LPAR_ATTRS,
                filters=("lpar_names", "lpar_ids", "work_groups")),
        Variant({"-r": "prof"}, required=("-m",), attributes=PROF_ATTRS,
                filters=("lpar_names", "lpar_ids", "profile_names")),
        Variant({"-r": "sysprof"}, required=("-m",), attributes=SYSPROF_ATTRS,
                filters=("names",)),
        Variant({"-r": "frame"}, filters=("names",), attributes=()),
        Variant({"-r": "cage"}, filters=(), attributes=()),
        # cage, frame: no managed frames on a simulated POWER server, an empty listing
    ),
)

_SERIAL_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def logical_serial(serial: str, lpar_id: int) -> str:
    """System serial plus the partition id in base 36 (real: 6535CCG5, 06C3A0PF for id 15)."""
    digits = ""
    n = lpar_id
    while True:
        n, r = divmod(n, 36)
        digits = _SERIAL_DIGITS[r] + digits
        if n == 0:
            return serial + digits


def sys_record(ctx: Ctx) -> Record:
    frame = ctx.frame
    s = frame.system
    hw = frame.hardware
    values: dict[str, str] = {
        "name": s.name, "type_model": s.mtm, "serial_num": s.serial, "ipaddr": s.ipaddr,
        "state": s.state, "sys_time": ctx.now(), "os400_capable": flag(hw.os400_capable),
        "max_lpars": str(hw.max_lpars), **SYS_FIXED,
        "power_off_policy": str(s.power_off_policy),
        "power_on_lpar_start_policy": s.power_on_lpar_start_policy,
        "pend_power_on_lpar_start_policy": s.pend_power_on_lpar_start_policy,
    }
    return {k: values[k] for k in SYS_ATTRS}


def compat_mode(frame: Frame) -> str:
    return frame.hardware.generation.upper()  # POWER10, POWER9


def lpar_record(ctx: Ctx, p: Partition) -> Record:
    frame = ctx.frame
    default = p.profile(p.default_profile)
    r: Record = {
        "name": p.name, "lpar_id": str(p.id), "lpar_env": p.env, "state": p.state,
        # 1 while the partition holds resources or keeps them configured after a shutdown
        # (HMC V8R8.4+); 0 for one never activated (the POWER5 capture's Not Activated
        # `dump`, docs/hmc-commands.md).
        "resource_config": flag(p.current is not None or p.configured is not None),
        "os_version": p.os_version,
        "logical_serial_num": logical_serial(frame.system.serial, p.id),
        "default_profile": p.default_profile, "curr_profile": p.curr_profile,
        "work_group_id": "none", "shared_proc_pool_util_auth": "0",
        "allow_perf_collection": "0", "power_ctrl_lpar_ids": "none",
    }
    if not p.is_vios:  # the real VIOS records have no boot_mode
        r["boot_mode"] = p.boot_mode
    r.update({
        "lpar_keylock": p.keylock, "auto_start": flag(bool(default and default.auto_start)),
        "redundant_err_path_reporting": "0", "rmc_state": p.rmc_state,
        "rmc_ipaddr": p.rmc_ipaddr, "time_ref": "0",
        "lpar_avail_priority": str(p.lpar_avail_priority),
        "desired_lpar_proc_compat_mode": p.desired_proc_compat_mode,
        "curr_lpar_proc_compat_mode": (p.curr_proc_compat_mode or compat_mode(frame))
        if p.active else "default",
        "suspend_capable": "0", "remote_restart_capable": "0",
        "simplified_remote_restart_capable": "0",
        "sync_curr_profile": str(p.sync_curr_profile),
        "affinity_group_id": "none", "vtpm_enabled": "0",
    })
    return r


def prof_record(ctx: Ctx, p: Partition, prof: Profile) -> Record:
    frame = ctx.frame
    plain = p.env == "aixlinux"  # huge pages and AME are AIX/Linux attributes
    r: Record = {
        "name": prof.name, "lpar_name": p.name, "lpar_id": str(p.id), "lpar_env": p.env,
        "all_resources": "0", "min_mem": str(prof.min_mem),
        "desired_mem": str(prof.desired_mem), "max_mem": str(prof.max_mem),
    }
    if plain:
        r.update(min_num_huge_pages="0", desired_num_huge_pages="0", max_num_huge_pages="0")
    r["mem_mode"] = "ded"
    if plain:
        r["mem_expansion"] = "0.0"
    r.update(hpt_ratio=prof.hpt_ratio, ppt_ratio="1:4096", proc_mode=prof.proc_mode)
    if prof.shared:
        r.update(min_proc_units=units(prof.min_proc_units),
                 desired_proc_units=units(prof.desired_proc_units),
                 max_proc_units=units(prof.max_proc_units))
    r.update(min_procs=str(prof.min_procs), desired_procs=str(prof.desired_procs),
             max_procs=str(prof.max_procs), sharing_mode=prof.sharing_mode)
    if prof.shared:
        pool = frame.pools[prof.shared_proc_pool_id]
        r.update(uncap_weight=str(prof.uncap_weight),
                 shared_proc_pool_id=str(pool.id), shared_proc_pool_name=pool.name)
    slots = [f"{a.drc_index}/none/1" for a in frame.io.adapters
             if a.owner == p.id and a.drc_index]
    r.update({
        "affinity_group_id": "none", "io_slots": slots or "none", "lpar_io_pool_ids": "none",
        "max_virtual_slots": str(prof.max_virtual_slots),
        "virtual_serial_adapters": list(SERIAL_ITEMS),
        "virtual_scsi_adapters": items(frame, p, "scsi"),
        "virtual_eth_adapters": items(frame, p, "eth"),
        "virtual_eth_vsi_profiles": "none",
        "virtual_fc_adapters": items(frame, p, "fc"),
        "vnic_adapters": "none", "vtpm_adapters": "none", "hca_adapters": "none",
        "boot_mode": prof.boot_mode, "conn_monitoring": flag(prof.conn_monitoring),
        "auto_start": flag(prof.auto_start), "power_ctrl_lpar_ids": "none",
        "work_group_id": "none", "redundant_err_path_reporting": "0", "bsr_arrays": "0",
        "lpar_proc_compat_mode": "default", "electronic_err_reporting": "null",
        "sriov_eth_logical_ports": "none",
    })
    return r


def partitions(ctx: Ctx, f: Filter) -> list[Partition]:
    """Partitions passing lpar_names / lpar_ids / work_groups, highest id first as in the
    real captures. No partition belongs to a workload group (work_group_id=none), so only
    `work_groups=none` keeps any."""
    return sorted((p for p in ctx.frame.partitions
                   if f.lpar(p) and f.allows("work_groups", "none")),
                  key=lambda p: p.id, reverse=True)


def run(ctx: Ctx, args: Args) -> str:
    resource = args.require("-r")
    header = "--header" in args
    fields = args.get("-F")
    if resource in ("frame", "cage"):
        parse_filter(args.get("--filter"), args.filters)
        return render([], fields, header, ())
    ctx.system(args, required=resource != "sys")
    if resource == "sys":
        f = parse_filter(args.get("--filter"), args.filters)
        # every managed system, unless -m named one
        indexes = ([ctx.snap.index(ctx.system_key)] if ctx.system_key
                   else range(len(ctx.snap.frames)))
        records = []
        for i in indexes:
            one = replace(ctx, snap=ctx.snap.on(i))
            if f.allows("names", one.frame.system.name):
                records.append(sys_record(one))
        return render(records, fields, header, SYS_ATTRS)
    if resource == "sysprof":  # the simulator keeps no system profiles
        parse_filter(args.get("--filter"), args.filters)
        return render([], fields, header, SYSPROF_ATTRS)
    known = [p.name for p in ctx.frame.partitions]
    if resource == "lpar":
        f = parse_filter(args.get("--filter"), args.filters, known_lpars=known)
        records = [lpar_record(ctx, p) for p in partitions(ctx, f)]
        return render(records, fields, header, LPAR_ATTRS)
    f = parse_filter(args.get("--filter"), args.filters, known_lpars=known)
    records = [prof_record(ctx, p, prof) for p in partitions(ctx, f)
               for prof in p.profiles if f.profile(prof.name)]
    return render(records, fields, header, PROF_ATTRS)
