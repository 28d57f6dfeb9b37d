"""The hook engineer web's hmc_tui/rest/pcm.py plugs into: when the module exists,
build_app registers `pcm_routes(ctx)`; its handlers get the RestContext and the sessions."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types

import pytest
from aiohttp import web

from hmc_tui.rest.auth import require_session
from hmc_tui.rest.context import CTX_KEY, RestContext
from tests.rest.conftest import Rest, RestFactory


@pytest.fixture
def fake_pcm(monkeypatch: pytest.MonkeyPatch) -> None:
    # build_app imports the package attribute, which a stand-in in sys.modules cannot
    # replace once the real module was imported (another test in this worker did).
    if importlib.util.find_spec("hmc_tui.rest.pcm") is not None:
        pytest.skip("the real hmc_tui/rest/pcm.py is present: tests/rest/test_pcm.py covers "
                    "its routes through build_app")
    module = types.ModuleType("hmc_tui.rest.pcm")
    module.__spec__ = importlib.machinery.ModuleSpec("hmc_tui.rest.pcm", None)

    def pcm_routes(ctx: RestContext) -> list[web.RouteDef]:
        async def preferences(request: web.Request) -> web.Response:
            session = require_session(request)
            assert request.app[CTX_KEY] is ctx
            name = ctx.engine.snapshot().frame.system.name
            return web.json_response({"user": session.user, "system": name})
        return [web.get("/rest/api/pcm/preferences", preferences)]

    module.pcm_routes = pcm_routes  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hmc_tui.rest.pcm", module)


async def test_pcm_routes_are_registered_behind_the_session(fake_pcm: None,
                                                            make_rest: RestFactory) -> None:
    rest: Rest = await make_rest()
    async with rest.client() as http:
        async with http.get("/rest/api/pcm/preferences") as resp:
            assert resp.status == 401
        token = await rest.logon(http, "view")
        async with http.get("/rest/api/pcm/preferences",
                            headers={"X-API-Session": token}) as resp:
            assert resp.status == 200
            assert await resp.json() == {"user": "view", "system": "Server-9080-HEX-SN78H4A21"}
