"""The HMC's quoting rules, checked by reading our output back with Python's csv module,
and against real captured lines of docs/hmc-commands.md."""

from __future__ import annotations

import csv
import io

import pytest
from hmccli_support import SYS

from hmc_tui.hmccli.errors import CliError, InvalidAttribute
from hmc_tui.hmccli.format import pair_text, record_line, render
from hmc_tui.hmccli.tokens import (
    join_fragments,
    parse_attrs,
    split_field_list,
    split_items,
    tokenize,
)

# Real lines (docs/hmc-commands.md): a list with commas, items with commas (doubled quotes),
# a single VLAN quoted on its own, an empty unquoted value, states with spaces.
REAL = [
    'name=test_1,lpar_name=dump,lpar_id=1,io_slots=none,"virtual_serial_adapters=0/server/1/'
    'any//any/1,1/server/1/any//any/1",virtual_scsi_adapters=none,"virtual_eth_adapters=""2/1/1/'
    '3,4,5/0/1""",boot_mode=sms',
    'name=lpar05,"virtual_fc_adapters=""504/client/2/vio_server1/8/c050760431670010,'
    'c050760431670011/1"",""604/client/3/vio_server2/5/c050760431670012,c050760431670013/1"""',
    'lpar_name=vios1,lpar_id=1,slot_num=12,state=1,is_required=1,is_trunk=1,trunk_priority=1,'
    'ieee_virtual_eth=1,port_vlan_id=1,vswitch=ETHERNET0,"addl_vlan_ids=54",mac_addr=FE9F66D5360C',
    'lpar_name=clpar5,lpar_id=5,slot_num=2,state=1,is_required=0,is_trunk=0,ieee_virtual_eth=0,'
    'port_vlan_id=54,vswitch=ETHERNET0,addl_vlan_ids=,mac_addr=FE9F6044E802',
    'name=dump,lpar_id=1,lpar_env=aixlinux,state=Not Activated,rmc_ipaddr=,sync_curr_profile=0',
    'max_mem_pools=0,default_hpt_ratios=1:64,"possible_hpt_ratios=1:32,1:64,1:128,1:256,1:512"',
]


def fields(line: str) -> dict[str, str]:
    return dict(f.split("=", 1) for f in next(csv.reader([line])))


@pytest.mark.parametrize("line", REAL)
def test_real_lines_render_back_identically(line: str) -> None:
    """Parsing a real line and printing its pairs our way gives the same text."""
    assert record_line(fields(line)) == line


def test_items_with_commas_are_doubly_quoted_and_csv_reads_them() -> None:
    items = ["4/client/1/v1/43/c0507610a8c40000,c0507610a8c40001/0", "5/client/2/v2/43//0"]
    line = record_line({"name": "p", "virtual_fc_adapters": items, "state": "Not Activated"})
    assert line == ('name=p,"virtual_fc_adapters=""4/client/1/v1/43/c0507610a8c40000,'
                    'c0507610a8c40001/0"",5/client/2/v2/43//0",state=Not Activated')
    value = fields(line)["virtual_fc_adapters"]
    assert next(csv.reader([value])) == items
    assert split_items(value) == items


def test_a_value_with_a_quote_is_quoted_and_doubled() -> None:
    assert pair_text("description", 'say "hi"') == '"description=say ""hi"""'


def test_multi_line_values_read_back_with_csv() -> None:
    text = render([{"version": " Version: 10\n Release: 3\n", "base_version": "V10R3\n"}],
                  None, False, ())
    assert list(csv.reader(io.StringIO(text))) == [
        ["version= Version: 10\n Release: 3\n", "base_version=V10R3\n"]]


def test_F_keeps_order_and_delimiter_and_quotes_values_with_commas() -> None:
    records = [{"name": "a", "lpar_names": ["x", "y"], "state": "Not Activated"}]
    known = ("name", "lpar_names", "state")
    assert render(records, "state:name", False, known) == "Not Activated:a"
    assert render(records, "name,lpar_names", True, known) == 'name,lpar_names\na,"x,y"'
    assert render(records, "", False, known) == 'a,"x,y",Not Activated'
    assert render([], "name", False, known) == "No results were found."
    with pytest.raises(InvalidAttribute, match=r"The invalid attribute is type_serial\."):
        render(records, "name,type_serial", False, known)


def test_attribute_lists_follow_csv_rules_with_the_hmc_leniency() -> None:
    assert parse_attrs('name=lp1,"virtual_scsi_adapters=2/client/1/vios1/11/1,3/client/2/'
                       'vios2/11/1",desired_mem+=1024,max_mem-=256') == [
        ("name", "=", "lp1"),
        ("virtual_scsi_adapters", "=", "2/client/1/vios1/11/1,3/client/2/vios2/11/1"),
        ("desired_mem", "+=", "1024"), ("max_mem", "-=", "256")]
    # unquoted lists: a field without "=" continues the previous value (engine commands)
    assert parse_attrs("port_vlan_id=1,addl_vlan_ids=10,20,30,is_trunk=1") == [
        ("port_vlan_id", "=", "1"), ("addl_vlan_ids", "=", "10,20,30"), ("is_trunk", "=", "1")]
    assert parse_attrs('"lpar_names=a,b",profile_names=p') == [
        ("lpar_names", "=", "a,b"), ("profile_names", "=", "p")]
    with pytest.raises(InvalidAttribute):
        parse_attrs("novalue")
    with pytest.raises(InvalidAttribute):
        parse_attrs("bad name=1")


def test_unquoted_items_are_glued_back() -> None:
    pieces = split_items("4/client/1/v1/43/c05076aa00000000,c05076aa00000001/0,5/client/2/v2/43//0")
    assert join_fragments(pieces, 6) == ["4/client/1/v1/43/c05076aa00000000,c05076aa00000001/0",
                                         "5/client/2/v2/43//0"]
    assert join_fragments(split_items("2/1/1/3,4,5/0/1"), 5) == ["2/1/1/3,4,5/0/1"]


def test_field_lists_and_shell_words() -> None:
    assert split_field_list("name:state") == (["name", "state"], ":")
    assert split_field_list("name") == (["name"], ",")
    assert tokenize("""lssyscfg -r lpar --filter '"lpar_names=a,b"' -F "name,state" """) == [
        "lssyscfg", "-r", "lpar", "--filter", '"lpar_names=a,b"', "-F", "name,state"]
    with pytest.raises(CliError, match="syntax error"):
        tokenize('lssyscfg -r "lpar')


def test_states_with_spaces_stay_one_csv_field(run) -> None:  # type: ignore[no-untyped-def]
    out = run(f"lssyscfg -r lpar -m {SYS}").stdout
    records = [fields(line) for line in out.splitlines()]
    assert {r["name"]: r["state"] for r in records}["dev02"] == "Not Activated"
    assert all(len(r) >= 25 for r in records)


def test_every_default_listing_reads_back_with_csv(run) -> None:  # type: ignore[no-untyped-def]
    """Every pair of every record is one csv field of the form name=value."""
    for line in (f"lssyscfg -r prof -m {SYS}", f"lshwres -r procpool -m {SYS}",
                 f"lshwres -r virtualio --rsubtype eth --level lpar -m {SYS}",
                 f"lshwres -r virtualio --rsubtype fc --level lpar -m {SYS}",
                 f"lshwres -r mem -m {SYS} --level sys"):
        for text in run(line).stdout.splitlines():
            for field in next(csv.reader([text])):
                assert "=" in field, (line, field)
