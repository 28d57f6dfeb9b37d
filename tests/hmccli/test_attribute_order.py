"""Attribute order, defaults and error wording as real HMC captures show them.

Sources (docs/hmc-commands.md holds the captures): the POWER5 captures of
github.com/ziutus/hmc_vios_aix (data/20180603_1656/hmc/192.168.200.34/: *_proc.txt,
*_proc_lpar.txt, *_mem.txt, *_mem_lpar.txt, lssyscfg_r_sys_F_name_type_model_serial_num_
state.txt); pool names after pool ids as HMC V7 and later print them (the POWER5 HMC
predates pool names); the English invalid-attribute text from a V10R3 capture quoted in
github.com/randomparity/hmc-mcp docs/adr/0165.
"""

from __future__ import annotations

from hmccli_support import SYS


def attrs(text: str) -> list[str]:
    return text.split(",")


# The attribute names of one record of each capture, in the capture's order.
PROC_LPAR_POWER5 = attrs(
    "lpar_name,lpar_id,curr_shared_proc_pool_id,curr_proc_mode,curr_min_proc_units,"
    "curr_proc_units,curr_max_proc_units,curr_min_procs,curr_procs,curr_max_procs,"
    "curr_sharing_mode,curr_uncap_weight,pend_shared_proc_pool_id,pend_proc_mode,"
    "pend_min_proc_units,pend_proc_units,pend_max_proc_units,pend_min_procs,pend_procs,"
    "pend_max_procs,pend_sharing_mode,pend_uncap_weight,run_proc_units,run_procs,"
    "run_uncap_weight")
MEM_LPAR_POWER5 = attrs(
    "lpar_name,lpar_id,curr_min_mem,curr_mem,curr_max_mem,pend_min_mem,pend_mem,pend_max_mem,"
    "run_min_mem,run_mem,curr_min_num_huge_pages,curr_num_huge_pages,curr_max_num_huge_pages,"
    "pend_min_num_huge_pages,pend_num_huge_pages,pend_max_num_huge_pages,run_num_huge_pages,"
    "mem_mode,curr_hpt_ratio")
MEM_VIOS_POWER5 = attrs(
    "lpar_name,lpar_id,curr_min_mem,curr_mem,curr_max_mem,pend_min_mem,pend_mem,pend_max_mem,"
    "run_min_mem,run_mem,mem_mode,curr_hpt_ratio")
PROC_SYS_POWER5 = attrs(
    "configurable_sys_proc_units,curr_avail_sys_proc_units,pend_avail_sys_proc_units,"
    "installed_sys_proc_units,deconfig_sys_proc_units,min_proc_units_per_virtual_proc,"
    "max_virtual_procs_per_lpar,max_procs_per_lpar,max_curr_virtual_procs_per_aixlinux_lpar,"
    "max_curr_virtual_procs_per_vios_lpar,max_curr_virtual_procs_per_os400_lpar,"
    "max_curr_procs_per_aixlinux_lpar,max_curr_procs_per_vios_lpar,"
    "max_curr_procs_per_os400_lpar,max_shared_proc_pools")
MEM_SYS_POWER5 = attrs(
    "configurable_sys_mem,curr_avail_sys_mem,pend_avail_sys_mem,installed_sys_mem,"
    "deconfig_sys_mem,sys_firmware_mem,mem_region_size,configurable_num_sys_huge_pages,"
    "curr_avail_num_sys_huge_pages,pend_avail_num_sys_huge_pages,max_num_sys_huge_pages,"
    "requested_num_sys_huge_pages,huge_page_size,max_mem_pools,default_hpt_ratios,"
    "possible_hpt_ratios")


def names(line: str) -> list[str]:
    """The attribute names of one default-format record (quoted values hold commas)."""
    out, quoted = [], False
    for part in line.split(","):
        if not quoted:
            out.append(part.lstrip('"').split("=", 1)[0])
        if part.count('"') % 2:
            quoted = not quoted
    return out


def test_proc_lpar_pool_name_follows_pool_id(run) -> None:  # type: ignore[no-untyped-def]
    line = run(f"lshwres -r proc -m {SYS} --level lpar --filter lpar_names=was01").stdout
    expected = list(PROC_LPAR_POWER5)
    for side in ("curr", "pend"):
        expected.insert(expected.index(f"{side}_shared_proc_pool_id") + 1,
                        f"{side}_shared_proc_pool_name")
    assert names(line.strip()) == expected
    assert "curr_shared_proc_pool_id=1,curr_shared_proc_pool_name=DevTestPool," in run(
        f"lshwres -r proc -m {SYS} --level lpar --filter lpar_names=dev01").stdout


def test_mem_lpar_and_system_levels_in_the_captures_order(run) -> None:  # type: ignore[no-untyped-def]
    assert names(run(f"lshwres -r mem -m {SYS} --level lpar --filter lpar_names=was01"
                     ).stdout.strip()) == MEM_LPAR_POWER5
    assert names(run(f"lshwres -r mem -m {SYS} --level lpar --filter lpar_names=vios1"
                     ).stdout.strip()) == MEM_VIOS_POWER5
    assert names(run(f"lshwres -r proc -m {SYS} --level sys").stdout.strip()) == PROC_SYS_POWER5
    # The capture's attributes in its order; the ones a POWER5 HMC did not print yet (region
    # size pending, memory mirroring) sit where hmc_tui/hmccli/README.md says (ours).
    mem_sys = names(run(f"lshwres -r mem -m {SYS} --level sys").stdout.strip())
    assert [n for n in mem_sys if n in MEM_SYS_POWER5] == MEM_SYS_POWER5
    assert [n for n in mem_sys if n not in MEM_SYS_POWER5] == [
        "pend_mem_region_size", "curr_mem_mirroring_mode", "pend_mem_mirroring_mode"]


def test_resource_config_follows_the_partitions_resources(run, console) -> None:  # type: ignore[no-untyped-def]
    def resource_config(name: str) -> str:
        return str(run(f"lssyscfg -r lpar -m {SYS} -F resource_config "
                       f"--filter lpar_names={name}").stdout.strip())

    assert (resource_config("was01"), resource_config("dev02")) == ("1", "0")
    assert run(f"mksyscfg -r lpar -m {SYS} -i 'name=new01,profile_name=p,lpar_env=aixlinux,"
               "min_mem=2048,desired_mem=2048,max_mem=4096,proc_mode=shared,"
               "min_proc_units=0.1,desired_proc_units=0.1,max_proc_units=1.0,min_procs=1,"
               "desired_procs=1,max_procs=1,sharing_mode=cap'").exit_code == 0
    assert resource_config("new01") == "0"  # new: nothing allocated yet
    assert run(f"chsysstate -m {SYS} -r lpar -o on -n new01 -f p").exit_code == 0
    assert resource_config("new01") == "1"  # Starting already holds its resources
    console.step(70)
    assert run(f"chsysstate -m {SYS} -r lpar -o shutdown --immed -n new01").exit_code == 0
    console.step(5)
    # Shut down, it keeps what it ran with (HMC V8R8.4+, as linux02 in the POWER9 capture).
    assert resource_config("new01") == "1"


def test_invalid_attribute_worded_as_the_hmc(run) -> None:  # type: ignore[no-untyped-def]
    result = run(f"lshwres -r proc -m {SYS} --level lpar -F lpar_name,bogus_attr_xyz")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "An invalid attribute was entered.  The invalid attribute is bogus_attr_xyz.  "
        "Please correct your entry and retry the command.\n")
