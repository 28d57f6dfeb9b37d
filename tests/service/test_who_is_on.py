"""The status line names who else works on the shared frame."""

from __future__ import annotations

from engine.service import Engine
from engine.store import demo_frame
from hmc_tui.console import LocalConsole
from hmc_tui.service.protocol import SessionInfo
from hmc_tui.widgets.status_bar import others_label


class FakeRemote:
    session_id = 1

    def __init__(self, *sessions: SessionInfo) -> None:
        self._sessions = sessions

    def sessions(self) -> tuple[SessionInfo, ...]:
        return self._sessions


def session(id: int, user: str, role: str, kind: str = "console") -> SessionInfo:
    return SessionInfo(id=id, user=user, role=role, since=0.0, origin="local", kind=kind)


def test_others_are_listed_without_me_and_without_one_off_commands() -> None:
    console = FakeRemote(session(1, "alice", "hmcoperator"), session(2, "bob", "hmcviewer"),
                         session(3, "carol", "hmcsuperadmin", kind="exec"))
    assert others_label(console) == "  │  also on: bob (hmcviewer)"


def test_alone_on_the_service_and_local_consoles() -> None:
    assert others_label(FakeRemote(session(1, "alice", "hmcoperator"))) == "  │  nobody else on"
    local = LocalConsole(Engine(demo_frame(), mode="stepped"))
    assert others_label(local) == ""  # an engine in this process: nobody else can be on
