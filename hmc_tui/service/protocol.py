"""The engine service's wire protocol: one JSON object per line over a Unix socket.

Every message is a pydantic model named by its `type`; each direction is one discriminated
union (`ClientMessage`, `ServiceMessage`), read with `read_client` / `read_service`, so a bad
line is a `ProtocolError` naming what was wrong, never a KeyError deep in a handler.

Client -> service (the first line must be the hello):

    hello      {proto, user, role, origin, kind}      who this console acts for
    op         {id, op: {...Operation.model_dump(mode="json")...}}
    util       {id, resource: "lpar"|"pool", key, interval: "short"|"long"}
    util_batch {id, resource, keys, interval, [last]} several keys' samples in one round
                                                      trip (the newest `last` of each)
    set_speed  {id, speed}                            0 < speed <= MAX_SPEED, finite
    pause / resume {id}
    term_open  {id, lpar}                             open a partition's terminal (mkvterm)
    term_input {term, data}                           keys for an open terminal (no reply)
    term_close {id, term}                             close it from this side (~.)
    term_remove {id, lpar}                            force a partition's terminal closed
                                                      (rmvterm, whoever opened it)
    rate       {interval}                             snaps at most every `interval` seconds
                                                      (no reply; an idle console slows down)

Service -> client:

    welcome    {proto, session, role}                 the role the user store grants
    snap       {version, frame_version, time, [physc, pools], clock, in_flight, events,
                [sessions], [frame] | [frame_diff]}   at most 10 per second, newest only
               (several managed systems: [frames] | [frame_diffs], [physcs, system_pools])
               live figures (physc, pools, physcs, system_pools): in the first snap, with
               every frame change, on a stepped clock, else at most every LIVE_EVERY s;
               absent, the last ones stand
    op_result  {id, result}  util_result {id, times, counters}  clock_result {id}
    util_batch_result {id, series: [{times, counters}, ...]}    one per key, in their order
    error      {id, code, message, path, fields}      a refused request (id 0: no request)
    role       {role, reason}                         the user's role changed in the store
    close      {reason}                               the last line before the service hangs up
    term_opened {id, term, lpar_id}                   the terminal is open (output follows)
    term_output {term, data}                          the partition's output, as it comes
    term_closed {term, reason}                        closed by someone else (rmvterm, ...)
    term_result {id, closed}                          term_close / term_remove done

A terminal's output is never dropped while the client reads (a console shows every byte);
a client that stops reading is cut off at the hard buffer like any other.

A snap carries the frame only when `frame_version` changed since the last snap that client
received (frames are tens of kB, 1.5 MB with 1000 partitions; live figures a few hundred
bytes): as a `frame_diff` (framediff.py: the partitions, pools and other pieces that changed,
against the frame version the client has) while the service still holds that version, else
whole (the first snap, a client far behind). With several managed systems the same holds
with `frames` (every system, whole) and `frame_diffs` (one entry per system, in the order of
`frames`: its diff, or null when that system did not change). A client also says how
often it wants snaps (`rate`: an idle console asks for fewer). The session list only when
it changed, and only the journal events the client has not seen yet (at most the last 2000
on connecting). Snaps a slow client cannot take are dropped, not queued: the next
one it gets is complete because it is computed against what it last got. The service writes
a snap by splicing cached JSON (`snap_line`); it reads back as the `Snap` model.

No number on the wire may be NaN or infinite (`allow_inf_nan=False` everywhere, and the
operation payload is checked too): a NaN speed once killed the engine's clock thread.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from engine.errors import HmcError
from engine.journal import Event
from engine.model import Frame
from engine.roles import Role
from engine.service import MAX_SPEED, OpResult
from engine.snapshot import ClockState, PoolLive
from hmc_tui.service.framediff import FrameDiff

# 2: typed messages under "type" (1 used "t" and untyped replies); 3: frame diffs, rate;
# 4: `frame_diffs` (several managed systems); 5: `util_batch` (the Pools screen of a frame
# with 64 pools made 64 round trips per refresh, the UI waiting on each) and the live figures
# at most every LIVE_EVERY seconds while only they moved (a snap without them: the last
# ones still stand; a console shows them once a second anyway). A version 3 client
# is still served: it gets what version 3 sent (every system whole on each frame change),
# byte for byte.
PROTOCOL_VERSION = 5
SERVED_VERSIONS = (3, 4, 5)
MAX_BATCH_KEYS = 4096  # keys in one util_batch: more than any frame has pools
# Seconds between a version 5 client's live figures (physc, pools) while nothing else moved:
# under half the console's once-a-second repaint, so every repaint has newer ones.
LIVE_EVERY = 0.45
MAX_CLIENT_LINE = 1 << 20  # bytes: a client line is one request; anything longer is abuse
BAD_REQUEST = "HSCL0F04"  # engine/errors.py: a request the protocol refuses

RequestId = Annotated[int, Field(ge=0, le=2**53)]  # 2**53: exact in every JSON reader
ShortText = Annotated[str, Field(max_length=200)]
_T = TypeVar("_T")


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class SessionInfo(Message):
    """One connected session, as every console shows it ("who else is connected")."""

    id: int
    user: str
    role: str
    since: float  # wall clock (time.time()) when the session connected
    origin: str  # "ssh 192.0.2.7", "local"
    kind: str  # "console" (an interactive UI), "exec" (one SSH command), "tool", "rest"


# ---------------------------------------------------------------- client -> service


class Hello(Message):
    type: Literal["hello"] = "hello"
    proto: int
    user: Annotated[str, Field(min_length=1, max_length=64)]
    role: Role
    origin: ShortText = "local"
    kind: Literal["console", "exec", "tool"] = "console"
    # The frame version the console starts with (a console forked from the template, which
    # keeps a frame: prefork.py); its first snap is then a diff when the service still
    # keeps that version. -1: none, the whole frame.
    frame_version: int = -1


class OpRequest(Message):
    type: Literal["op"] = "op"
    id: RequestId
    op: dict[str, Any]  # checked by engine.ops.build, which answers with HSCL codes

    @field_validator("op")
    @classmethod
    def _finite(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_finite(value, "op")
        return value


class UtilRequest(Message):
    type: Literal["util"] = "util"
    id: RequestId
    resource: Literal["lpar", "pool"]
    key: Annotated[int, Field(ge=0, le=1 << 31)]
    interval: Literal["short", "long"] = "long"
    system: Annotated[str, Field(max_length=80)] = ""  # "" = the only managed system


class UtilBatchRequest(Message):
    """The samples of several partitions or pools of one system, in one round trip."""

    type: Literal["util_batch"] = "util_batch"
    id: RequestId
    resource: Literal["lpar", "pool"]
    keys: Annotated[list[Annotated[int, Field(ge=0, le=1 << 31)]],
                    Field(max_length=MAX_BATCH_KEYS)]
    interval: Literal["short", "long"] = "long"
    system: Annotated[str, Field(max_length=80)] = ""  # "" = the only managed system
    last: Annotated[int, Field(ge=1, le=1 << 20)] | None = None  # None: every sample kept


class SetSpeed(Message):
    type: Literal["set_speed"] = "set_speed"
    id: RequestId
    speed: Annotated[float, Field(gt=0, le=MAX_SPEED)]


class Pause(Message):
    type: Literal["pause"] = "pause"
    id: RequestId


class Resume(Message):
    type: Literal["resume"] = "resume"
    id: RequestId


TermData = Annotated[str, Field(max_length=65_536)]  # one read of keys or paste
LparRef = Annotated[str, Field(min_length=1, max_length=64)] | Annotated[int, Field(ge=0,
                                                                                  le=1 << 16)]


class TermOpen(Message):
    type: Literal["term_open"] = "term_open"
    id: RequestId
    lpar: LparRef
    system: Annotated[str, Field(max_length=80)] = ""  # "" = the only managed system


class TermInput(Message):
    type: Literal["term_input"] = "term_input"
    term: RequestId
    data: TermData


class TermClose(Message):
    type: Literal["term_close"] = "term_close"
    id: RequestId
    term: RequestId


class TermRemove(Message):
    type: Literal["term_remove"] = "term_remove"
    id: RequestId
    lpar: LparRef
    system: Annotated[str, Field(max_length=80)] = ""  # "" = the only managed system


class Rate(Message):
    """How often this client wants snaps: the service sends at most one per `interval`."""

    type: Literal["rate"] = "rate"
    interval: Annotated[float, Field(ge=0.0, le=60.0)]


Request = (OpRequest | UtilRequest | UtilBatchRequest | SetSpeed | Pause | Resume | TermOpen
           | TermClose | TermRemove)
ClientMessage = Annotated[Hello | Request | TermInput | Rate, Field(discriminator="type")]


# ---------------------------------------------------------------- service -> client


class Welcome(Message):
    type: Literal["welcome"] = "welcome"
    proto: int
    session: int
    role: Role


class Snap(Message):
    type: Literal["snap"] = "snap"
    version: int
    frame_version: int
    time: float
    # The live figures. Version 5: absent (None) when they are the ones of the last snap that
    # carried them (LIVE_EVERY): with 1000 partitions they are 16 kB of a snap's 16.3.
    physc: list[tuple[int, float]] | None = None  # pairs: JSON keys would turn ids into text
    pools: list[PoolLive] | None = None
    clock: ClockState
    in_flight: int
    events: list[Event]
    sessions: list[SessionInfo] | None = None
    frame: Frame | None = None
    # Several managed systems: every one (instead of `frame`, on the same condition) and
    # their live figures (`physc` and `pools` are then the first system's)
    frames: list[Frame] | None = None
    physcs: list[list[tuple[int, float]]] | None = None
    system_pools: list[list[PoolLive]] | None = None
    frame_diff: FrameDiff | None = None  # instead of `frame`: against the client's version
    # Several managed systems, instead of `frames`: one per system, None = unchanged
    frame_diffs: list[FrameDiff | None] | None = None


class OpDone(Message):
    type: Literal["op_result"] = "op_result"
    id: int
    result: OpResult


class UtilDone(Message):
    type: Literal["util_result"] = "util_result"
    id: int
    times: list[float]
    counters: dict[str, list[int]]


class UtilData(Message):
    times: list[float]
    counters: dict[str, list[int]]


class UtilBatchDone(Message):
    type: Literal["util_batch_result"] = "util_batch_result"
    id: int
    series: list[UtilData]  # one per requested key, in the request's order


class ClockDone(Message):
    type: Literal["clock_result"] = "clock_result"
    id: int


class ErrorReply(Message):
    type: Literal["error"] = "error"
    id: int
    code: str
    message: str
    path: str = ""
    fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class RoleChanged(Message):
    type: Literal["role"] = "role"
    role: Role
    reason: str


class Close(Message):
    type: Literal["close"] = "close"
    reason: str


class TermOpened(Message):
    type: Literal["term_opened"] = "term_opened"
    id: int
    term: int
    lpar_id: int


class TermOutput(Message):
    type: Literal["term_output"] = "term_output"
    term: int
    data: str


class TermClosed(Message):
    type: Literal["term_closed"] = "term_closed"
    term: int
    reason: str


class TermResult(Message):
    type: Literal["term_result"] = "term_result"
    id: int
    closed: bool


Reply = OpDone | UtilDone | UtilBatchDone | ClockDone | ErrorReply | TermOpened | TermResult
Pushed = RoleChanged | Close | TermOutput | TermClosed  # not answers to a request
ServiceMessage = Annotated[Welcome | Snap | Reply | Pushed, Field(discriminator="type")]

_CLIENT: TypeAdapter[Hello | Request | TermInput | Rate] = TypeAdapter(ClientMessage)
_SERVICE: TypeAdapter[Welcome | Snap | Reply | Pushed] = TypeAdapter(ServiceMessage)


# ---------------------------------------------------------------- errors


class ProtocolError(ValueError):
    """A line that is not a valid message; `request_id` is its id when one could be read,
    so the refusal can answer the request that carried it."""

    def __init__(self, message: str, request_id: int = 0) -> None:
        super().__init__(message)
        self.request_id = request_id


class RemoteError(Exception):
    """A request the service refused with an error that is not an HMC error."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code} {message}".strip())


class ServiceGone(ConnectionError):
    """The engine service closed the connection (or was never reachable)."""


# ---------------------------------------------------------------- encoding and decoding


def encode(message: Message) -> bytes:
    return message.model_dump_json().encode("utf-8") + b"\n"


def read_client(line: bytes) -> Hello | Request | TermInput | Rate:
    return _read(_CLIENT, line)


def read_service(line: bytes) -> Welcome | Snap | Reply | Pushed:
    return _read(_SERVICE, line)


def _read(adapter: TypeAdapter[_T], line: bytes) -> _T:
    try:
        return adapter.validate_json(line)
    except ValidationError as exc:
        raise ProtocolError(describe(exc), _request_id(line)) from None


def describe(exc: ValidationError) -> str:
    """One line naming the first problem and where it is: "speed: Input should be ..."."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where or 'message'}: {first['msg']}{more}"


def _request_id(line: bytes) -> int:
    try:
        data = json.loads(line)
    except ValueError:
        return 0
    rid = data.get("id") if isinstance(data, dict) else None
    return rid if isinstance(rid, int) and not isinstance(rid, bool) and rid >= 0 else 0


def _check_finite(value: object, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, f"{where}[{index}]")


def snap_head(head: Snap) -> str:
    """A snap's head (no events, frame or diff) as JSON without its closing brace, for
    `snap_line`. With 1000 partitions the live figures alone are ~16 kB: the service encodes
    a head once per snapshot (and session list), not once per client."""
    return head.model_dump_json(exclude={"events", "frame", "frames", "frame_diff",
                                         "frame_diffs"},
                                exclude_none=True)[:-1]


def snap_line(head: Snap | str, events_json: str, frame_json: str | None,
              frames: bool = False, diff_json: str | None = None) -> bytes:
    """A snap line from a head without events or frame (or its `snap_head` text) and the
    already-encoded journal events ("" or comma-separated objects) and frame or frame diff
    (`frames`: a JSON list, one per system, of frames or of diffs and nulls): the service
    encodes each head, event, frame version and diff once, whatever the number of clients."""
    text = head if isinstance(head, str) else snap_head(head)
    parts = [text, ',"events":[', events_json, "]"]
    if frame_json is not None:
        parts += [',"frames":' if frames else ',"frame":', frame_json]
    elif diff_json is not None:
        parts += [',"frame_diffs":' if frames else ',"frame_diff":', diff_json]
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


def error_reply(request_id: int, exc: BaseException) -> ErrorReply:
    """A refusal; HMC errors keep their code and fields so the client can rebuild them."""
    if isinstance(exc, HmcError):
        return ErrorReply(id=request_id, code=exc.code, message=exc.message, path=exc.path,
                          fields=_jsonable(exc.fields))
    code = getattr(exc, "code", "") or type(exc).__name__
    return ErrorReply(id=request_id, code=str(code),
                      message=str(getattr(exc, "message", "") or exc))


def error_from_reply(reply: ErrorReply) -> Exception:
    if reply.code.startswith("HSCL"):
        try:
            return HmcError(reply.code, reply.path, **reply.fields)
        except (KeyError, IndexError, ValueError):  # a code or field this side doesn't know
            pass
    return RemoteError(reply.code, reply.message)


def _jsonable(fields: dict[str, object]) -> dict[str, str | int | float | bool | None]:
    out: dict[str, str | int | float | bool | None] = {}
    for key, value in fields.items():
        finite = not isinstance(value, float) or math.isfinite(value)
        if finite and (value is None or isinstance(value, str | int | float)):
            out[key] = value
        else:  # an object, or a NaN in a refusal's fields: shown as text, never sent as NaN
            out[key] = str(value)
    return out
