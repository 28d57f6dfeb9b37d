"""The engine service's wire protocol: one JSON object per line over a Unix socket.

Client -> service (the first line must be the hello):

    {"t": "hello", "proto": 1, "user": U, "role": R, "origin": "ssh 10.1.2.3", "kind": "console"}
    {"t": "op", "id": N, "op": {...Operation.model_dump(mode="json")...}}
    {"t": "util", "id": N, "resource": "lpar"|"pool", "key": K, "interval": "short"|"long"}
    {"t": "clock", "id": N, "action": "speed"|"pause"|"resume", "speed": X}

Service -> client:

    {"t": "welcome", "proto": 1, "session": S}
    {"t": "snap", "version", "frame_version", "time", "physc", "pools", "clock", "in_flight",
     "events", ["sessions"], ["frame"]}     at most 10 per second, newest state only
    {"t": "reply", "id": N, "ok": true, "result": {...}}
    {"t": "reply", "id": N, "ok": false, "code": C, "message": M, "path": P, "fields": {...}}

A "snap" carries the whole frame only when `frame_version` changed since the last snap that
client received (frames are tens of kB; live figures a few hundred bytes), the session list
only when it changed, and only the journal events the client has not seen yet (at most the
last 2000 on connecting). Snaps a slow client cannot take are dropped, not
queued: the next one it gets is complete because it is computed against what it last got.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from engine.errors import HmcError
from engine.journal import Event
from engine.snapshot import ClockState, PoolLive

PROTOCOL_VERSION = 1
MAX_CLIENT_LINE = 1 << 20  # bytes: a client line is one request; anything longer is abuse


@dataclass(frozen=True)
class SessionInfo:
    """One connected session, as every console shows it ("who else is connected")."""

    id: int
    user: str
    role: str
    since: float  # wall clock (time.time()) when the session connected
    origin: str  # "ssh 192.0.2.7", "local"
    kind: str  # "console" (an interactive UI), "exec" (one SSH command), "tool"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionInfo:
        return cls(id=int(data["id"]), user=str(data["user"]), role=str(data["role"]),
                   since=float(data["since"]), origin=str(data["origin"]),
                   kind=str(data["kind"]))


class RemoteError(Exception):
    """A request the service refused with an error that is not an HMC error."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code} {message}".strip())


class ServiceGone(ConnectionError):
    """The engine service closed the connection (or was never reachable)."""


# ---------------------------------------------------------------- encoding


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    data = json.loads(line)
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ValueError("not a protocol message")
    return data


def error_reply(request_id: int, exc: BaseException) -> dict[str, Any]:
    """A failed reply; HMC errors keep their code and fields so the client can rebuild them."""
    if isinstance(exc, HmcError):
        return {"t": "reply", "id": request_id, "ok": False, "code": exc.code,
                "message": exc.message, "path": exc.path, "fields": _jsonable(exc.fields)}
    code = getattr(exc, "code", "") or type(exc).__name__
    return {"t": "reply", "id": request_id, "ok": False, "code": str(code),
            "message": str(getattr(exc, "message", "") or exc), "path": "", "fields": {}}


def error_from_reply(reply: dict[str, Any]) -> Exception:
    code = str(reply.get("code", ""))
    message = str(reply.get("message", ""))
    fields = reply.get("fields") or {}
    if code.startswith("HSCL"):
        try:
            return HmcError(code, str(reply.get("path", "")), **fields)
        except (KeyError, IndexError, ValueError):  # a code or field this side doesn't know
            pass
    return RemoteError(code, message)


def _jsonable(fields: dict[str, object]) -> dict[str, object]:
    return {k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
            for k, v in fields.items()}


# ---------------------------------------------------------------- snapshot parts


def pools_to_json(pools: tuple[PoolLive, ...]) -> list[dict[str, Any]]:
    return [asdict(p) for p in pools]


def pools_from_json(data: list[dict[str, Any]]) -> tuple[PoolLive, ...]:
    return tuple(PoolLive(pool_id=int(p["pool_id"]), size=float(p["size"]),
                          entitled=float(p["entitled"]), used=float(p["used"])) for p in data)


def clock_to_json(clock: ClockState) -> dict[str, Any]:
    return asdict(clock)


def clock_from_json(data: dict[str, Any]) -> ClockState:
    return ClockState(mode=data["mode"], speed=float(data["speed"]), paused=bool(data["paused"]))


def physc_to_json(physc: dict[int, float]) -> list[list[float]]:
    # JSON object keys are strings; pairs keep the partition ids as numbers.
    return [[k, v] for k, v in physc.items()]


def physc_from_json(data: list[list[float]]) -> dict[int, float]:
    return {int(k): float(v) for k, v in data}


def event_to_json(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def event_from_json(data: dict[str, Any]) -> Event:
    return Event.model_validate(data)
