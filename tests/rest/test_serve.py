"""`hmc-tui serve` with the REST API, as a user starts it: the certificate made once and its
fingerprint printed, a logon over the printed port, a clean stop; an unsafe key refused."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp
import pytest

from engine.store import CONFIG_DIR_ENV, DATA_DIR_ENV, STATE_DIR_ENV
from hmc_tui.rest import certificate
from hmc_tui.service import entry
from hmc_tui.service.users import UserStore
from tests.rest.conftest import LOGON_TYPE, logon_body


@pytest.fixture
def home(rest_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for env, name in ((DATA_DIR_ENV, "data"), (STATE_DIR_ENV, "state"),
                      (CONFIG_DIR_ENV, "config")):
        (rest_dir / name).mkdir(exist_ok=True)
        monkeypatch.setenv(env, str(rest_dir / name))
    monkeypatch.delenv("HMC_TUI_SOCKET", raising=False)
    UserStore(rest_dir / "data" / "users.toml", log2_n=10).add(
        "hscroot", "hmcsuperadmin", password="super-secret-1")
    return rest_dir


async def test_serve_prints_the_fingerprint_and_answers_on_the_port(home: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hmc_tui.service", "serve", "--no-ssh", "--rest", "127.0.0.1:0",
        "--socket", str(home / "e.sock"), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        line = ""
        while "REST API on" not in line:
            line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
            assert line, "serve ended before starting the REST API"
        m = re.fullmatch(r"REST API on https://127\.0\.0\.1:(\d+), certificate (SHA256:\S+)\n",
                         line)
        assert m is not None, line
        cert = home / "data" / "rest_cert.pem"
        assert m.group(2) == certificate.fingerprint(cert)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(
                ssl=certificate.client_context(cert))) as http, http.put(
                f"https://127.0.0.1:{m.group(1)}/rest/api/web/Logon",
                data=logon_body("hscroot", "super-secret-1"),
                headers={"Content-Type": LOGON_TYPE}) as resp:
            assert resp.status == 200  # the pinned certificate verified (host 127.0.0.1)
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 30) == 0


def test_serve_refuses_a_key_others_can_read(home: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    certificate.load_or_create(home / "data")
    key = home / "data" / "rest_key.pem"
    key.chmod(0o644)
    assert entry.main(["serve", "--no-ssh", "--rest", "127.0.0.1:0"]) == 1
    assert capsys.readouterr().err == (
        f"hmc-tui: {key}: the HTTPS key is accessible by others (mode 0644); "
        f"fix it with `chmod 600 {key}`\n")


def test_a_bad_rest_address_is_one_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        entry.main(["serve", "--rest", "nowhere"])
    assert exc.value.code == 2
    assert "argument --rest: expected HOST:PORT, got 'nowhere'" in capsys.readouterr().err
