"""Random argument strings never escape run_command: a result, or a usage / HSCL error."""

from __future__ import annotations

import re

from hmccli_support import SYS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ops.vio import VIOS_MESSAGES
from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.hmccli import COMMANDS, run_command
from hmc_tui.hmccli.errors import INVALID_ATTRIBUTE, USAGE_SENTENCE

CONSOLE = LocalConsole(Engine(demo_frame(), mode="stepped"))
WORDS = ["-r", "-m", SYS, "-F", "--filter", "--header", "-o", "-n", "--id", "-p", "-i", "-a",
         "--level", "--rsubtype", "lpar", "sys", "prof", "proc", "mem", "virtualio", "io",
         "procpool", "eth", "scsi", "fc", "slot", "on", "off", "shutdown", "a", "r", "m", "s",
         "--procs", "--procunits", "-q", "1", "0.5", "-1", "name,state", "lpar_names=vios1",
         '"lpar_names=a,b"', "dev02", "was01", "vios1", "-c", "lsmap -all", "mkvdev -vdev",
         "-t", "--immed", "--restart", "-f", "-b", "sms", "name=x,desired_mem+=256", "'", '"',
         "\\", "==", ",", "=,", "-", "--", "--help", "uncap_weight=5", "-s", "9"]
SENTENCE = re.escape(USAGE_SENTENCE).replace(r"\{params\}", ".*")
INVALID = re.escape(INVALID_ATTRIBUTE).replace(r"\{name\}", ".*")
# the user store's own refusals
USER_COMMAND = "(lshmcusr|mkhmcusr|rmhmcusr|chhmcusr|mkauthkeys): .+"
# A VIOS command's failure is relayed in the VIOS's own words (engine/ops/vio.py)
VIOS = "|".join(re.sub(r"\\\{\w+\\\}", ".*", re.escape(text)).replace(r"\ ", r"\s+")
                for text in VIOS_MESSAGES.values())
ERROR = re.compile(
    rf"^(HSCL[0-9A-F]{{4}} .+|{SENTENCE}|{INVALID}|Usage: .*|rbash: .+|{USER_COMMAND}|{VIOS})$",
    re.DOTALL)

arguments = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(sorted(COMMANDS)), words=arguments)
def test_random_arguments_give_a_result_or_an_error(command: str, words: list[str]) -> None:
    line = " ".join([command, *words])
    result = run_command(CONSOLE, line)  # never raises
    if result.exit_code == 0:
        assert result.stderr == ""
        return
    assert result.exit_code == 1, (line, result)
    assert result.stdout == ""
    assert ERROR.match(result.stderr.strip()), (line, result.stderr)
    assert not result.stderr.startswith("HSCLC0FF"), (line, result.stderr)  # no crash


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_random_lines_never_raise(line: str) -> None:
    result = run_command(CONSOLE, line)
    assert result.exit_code in (0, 1, 127)
    assert not result.stderr.startswith("HSCLC0FF"), (line, result.stderr)


VIOS_WORDS = ["lsmap", "lsdev", "mkvdev", "rmvdev", "rmdev", "vfcmap", "lspv", "lsrep",
              "lsnports", "ioslevel", "-all", "-npiv", "-net", "-fmt", ":", "-vadapter",
              "vhost0", "vfchost1", "-vdev", "hdisk7", "-dev", "ent8", "-sea", "ent0",
              "-default", "ent4", "-defaultid", "1", "-attr", "ha_mode=auto", "-fcp", "fcs0",
              "-virtual", "-type", "adapter", "disk", "-field", "name", "physloc", "-vtd",
              "vtscsi0", "-size"]
ATTRS = ["name=default_profile", "lpar_name=was01", "lpar_id=4", "desired_mem+=256",
         "desired_mem=x", "min_procs=0", '"virtual_eth_adapters+=12/0/1//0/0"',
         "virtual_scsi_adapters=2/client/1/vios1/14/1", "virtual_fc_adapters-=4/client",
         "sharing_mode=cap", "proc_mode=ded", "new_name=a b", "hpt_ratio=1:7", "auto_start=2",
         "shared_proc_pool_name=DevTestPool", "lpar_env=os400", "profile_name=p", ","]


@settings(max_examples=150, deadline=None)
@given(inner=st.lists(st.sampled_from(VIOS_WORDS), min_size=1, max_size=7),
       attrs=st.lists(st.sampled_from(ATTRS), max_size=6),
       target=st.sampled_from(["vios1", "vios2", "was01"]))
def test_vios_commands_and_attribute_lists(inner: list[str], attrs: list[str],
                                           target: str) -> None:
    vios = f"viosvrcmd -m {SYS} -p {target} -c '{' '.join(inner)}'"
    attributes = ",".join(attrs).replace("'", "")
    for line in (vios, f"chsyscfg -r prof -m {SYS} -i '{attributes}'",
                 f"mksyscfg -r lpar -m {SYS} -i '{attributes}'"):
        result = run_command(CONSOLE, line)
        assert result.exit_code in (0, 1), (line, result)
        assert result.exit_code == 0 or ERROR.match(result.stderr.strip()), (line, result)
        assert not result.stderr.startswith("HSCLC0FF"), (line, result.stderr)
