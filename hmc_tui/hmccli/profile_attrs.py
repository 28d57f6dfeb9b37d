"""Profile attributes of `-i` lists (mksyscfg, chsyscfg) as typed engine values.

The HMC's attribute names are the engine's Profile field names, plus the pool by name and a
set of attributes the simulator does not model but real configuration lines carry (a profile
line copied from `lssyscfg -r prof` is a common way to write mksyscfg input): those are
accepted and ignored rather than refused.
"""

from __future__ import annotations

from engine.errors import HmcError

INT_ATTRS = frozenset({
    "lpar_id", "min_procs", "desired_procs", "max_procs", "uncap_weight", "shared_proc_pool_id",
    "min_mem", "desired_mem", "max_mem", "max_virtual_slots",
})
FLOAT_ATTRS = frozenset({"min_proc_units", "desired_proc_units", "max_proc_units"})
BOOL_ATTRS = frozenset({"auto_start", "conn_monitoring"})
STR_ATTRS = frozenset({
    "proc_mode", "sharing_mode", "hpt_ratio", "boot_mode", "keylock", "ipl_source",
})
PROFILE_ATTRS = (INT_ATTRS - {"lpar_id"}) | FLOAT_ATTRS | BOOL_ATTRS | STR_ATTRS
# Shown by lssyscfg -r prof, not simulated: accepted in -i lists so copied lines work.
IGNORED_ATTRS = frozenset({
    "all_resources", "mem_mode", "min_num_huge_pages", "desired_num_huge_pages",
    "max_num_huge_pages", "mem_expansion", "ppt_ratio", "affinity_group_id", "io_slots",
    "lpar_io_pool_ids", "virtual_serial_adapters", "virtual_eth_vsi_profiles", "vnic_adapters",
    "vtpm_adapters", "hca_adapters", "power_ctrl_lpar_ids", "work_group_id",
    "redundant_err_path_reporting", "bsr_arrays", "lpar_proc_compat_mode",
    "electronic_err_reporting", "sriov_eth_logical_ports", "lhea_logical_ports",
    "lhea_capabilities", "lpar_avail_priority", "sync_curr_profile", "lpar_keylock",
})


def typed(name: str, text: str) -> object:
    """The engine value of one profile attribute; HSCL0A0F when it does not convert."""
    try:
        if name in INT_ATTRS:
            return int(text)
        if name in FLOAT_ATTRS:
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(text)
            return value
    except ValueError:
        raise HmcError("HSCL0A0F", field=name, value=text, reason="it must be a number.") \
            from None
    if name in BOOL_ATTRS:
        # True/False as well: the engine's ChangeProfile.command() prints Python booleans.
        if text.lower() not in ("0", "1", "true", "false"):
            raise HmcError("HSCL0A0F", field=name, value=text, reason="it must be 0 or 1.")
        return text.lower() in ("1", "true")
    return text

