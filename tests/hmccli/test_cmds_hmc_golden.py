"""Golden output of the console-level commands against the demo frame.

Regenerate after an intended format change with `HMCCLI_UPDATE_GOLDEN=1 pytest
tests/hmccli/test_cmds_hmc_golden.py`, then read the diff: lshmc -n / -r and lssvcevents follow
real captures (HMC V8R8.7, ziutus/hmc_vios_aix); monhmc follows the df/top layouts Nagios'
check_hmc.sh parses; the other layouts are marked as our own in their modules.
"""

from __future__ import annotations

import pytest
from hmccli_support import SYS
from test_golden import check

from hmc_tui.hmccli import run_command

CASES: dict[str, str] = {
    "lslic": f"lslic -m {SYS}",
    "lslic_F_ansible": f"lslic -m {SYS} -F activated_spname,activated_level,ecnumber",
    "lslic_repo_update": f"lslic -t sys -m {SYS} -r ibmwebsite -l update --header -F",
    "lshmc_v": "lshmc -v",
    "lshmc_n": "lshmc -n",
    "lshmc_r": "lshmc -r",
    "monhmc_disk": "monhmc -r disk -n 0",
    "monhmc_mem": "monhmc -r mem -n 0",
    "monhmc_proc": "monhmc -r proc -n 0",
    "monhmc_swap": "monhmc -r swap -n 0",
    "lsled_phys": f"lsled -r sa -t phys -m {SYS}",
    "lsled_virtuallpar": f"lsled -r sa -t virtuallpar -m {SYS}",
    "lslparmigr_lpar": f"lslparmigr -r lpar -m {SYS}",
    "lslparmigr_sys": f"lslparmigr -r sys -m {SYS}",
    "lspwdpolicy_p": "lspwdpolicy -t p",
    "lspwdpolicy_s": "lspwdpolicy -t s",
    "lshmcldap_config": "lshmcldap -r config",
    "updlic_help": "updlic --help",
    "migrlpar_help": "migrlpar --help",
    "mkauthkeys_help": "mkauthkeys --help",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, console, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from hmc_tui.service.users import UserStore

    result = run_command(console, CASES[name], users=UserStore(tmp_path / "users.toml"))
    assert (result.exit_code, result.stderr) == (0, "")
    check(name, result.stdout)
