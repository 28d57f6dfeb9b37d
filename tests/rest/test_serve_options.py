"""`hmc-tui serve --rest-max-connections N --rest-keepalive SECONDS` reach the REST server
that serve starts (entry._start_rest); a bad value is one clear line, exit 2."""

from __future__ import annotations

import pytest

from hmc_tui.rest.server import CAP_KEY
from hmc_tui.service import entry
from tests.service.conftest import (  # noqa: F401 - fixtures used by name
    Stack,
    StackFactory,
    dirs,
    make_stack,
    short_dir,
    store,
)


async def test_serve_options_set_the_connection_cap_and_keepalive(
        make_stack: StackFactory) -> None:  # noqa: F811
    stack: Stack = await make_stack()
    args = entry.build_parser().parse_args(
        ["serve", "--rest", "127.0.0.1:0", "--rest-max-connections", "4",
         "--rest-keepalive", "12.5"])
    rest = await entry._start_rest(args, stack.engine, stack.store, stack.ssh,
                                   stack.socket.parent / "data")
    try:
        settings = rest.ctx.settings
        assert (settings.max_connections_per_address, settings.keepalive_timeout) == (4, 12.5)
        runner = rest._runner
        assert runner is not None and runner.app[CAP_KEY].per_address == 4
    finally:
        await rest.stop()
    defaults = entry.build_parser().parse_args(["serve"])
    assert (defaults.rest_max_connections, defaults.rest_keepalive) == (32, 60.0)


def test_a_bad_value_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        entry.build_parser().parse_args(["serve", "--rest-max-connections", "-1"])
    assert done.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "argument --rest-max-connections: must be a whole number, 0 or more")
