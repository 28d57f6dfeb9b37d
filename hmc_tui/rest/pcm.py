"""Performance and Capacity Monitoring (PCM): the REST feeds that hmci, LPAR2RRD's REST mode
and nmon2influxdb read, computed from the engine's utilisation counters (engine/utilisation.py,
the same samples lslparutil prints).

- `GET|POST /rest/api/pcm/ManagedSystem/{uuid}/preferences`: ManagedSystemPcmPreference.
  LongTermMonitorEnabled is the frame's sample rate (`chlparutil -r config`): enabling it sets
  the default 30 s when sampling was off, disabling sets 0; both are the engine operation
  ChangeSampleRate with the REST user as actor (so a viewer gets HSCL350B). Aggregation and
  short-term monitoring are kept by the REST server (not in the frame file); this frame has no
  energy monitoring (EnergyMonitoringCapable false).
- `GET /rest/api/pcm/ManagedSystem/{uuid}/ProcessedMetrics?NoOfSamples=N` (or `StartTS=`,
  `EndTS=`, ISO 8601 times, for the samples ending between them): an Atom feed with
  one entry for the system whose `application/json` link is the samples' JSON, and one entry
  per active client partition linking to its own feed.
- `GET /rest/api/pcm/ManagedSystem/{uuid}/LogicalPartition/{uuid}/ProcessedMetrics`: that
  partition's feed (one JSON link).
- `GET /rest/api/pcm/ProcessedMetrics/{name}.json`: the JSON (`systemUtil` with `utilInfo` and
  `utilSamples`: serverUtil processor/memory/physicalProcessorPool/sharedProcessorPool,
  viosUtil, or lparsUtil), each figure a one-element array (metricArrayOrder ["AVG"]), the
  samples oldest first. The name carries the window (`ManagedSystem_UUID_START_END_FREQ`), so
  the JSON is rebuilt from the counters and a link stays valid while its samples are kept.

No samples yet (fewer than two at the sample rate, or sampling off): 204 No Content, as the
HMC answers when it has no data. Network, storage and memory in use come from the engine's
I/O load (engine/io_load.py, hmc_tui/rest/pcm_io.py); figures the engine does not model
(dispatch wait times, SR-IOV, energy) are left out rather than made up; hmci reads them as 0.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from aiohttp import web

from engine.errors import HmcError
from engine.model import Frame, Partition
from engine.ops import ChangeSampleRate
from engine.snapshot import UtilSeries
from hmc_tui.rest import systems, xml
from hmc_tui.rest.context import RestContext
from hmc_tui.rest.pcm_samples import (
    Series,
    Window,
    parse_file_stamp,
    partition_metrics,
    system_metrics,
    window,
)
from hmc_tui.rest.pcm_xml import (
    JSON_NAME,
    PCM_ROOT,
    PcmPreferences,
    parse_preferences,
    partition_feed,
    preferences_feed,
    system_feed,
)
from hmc_tui.rest.uuids import system_uuid

DEFAULT_RATE = 30  # what enabling long-term monitoring sets when sampling was off
MAX_SAMPLES = 2880  # the long-term samples the engine keeps


# ---------------------------------------------------------------- routes


@dataclass
class PcmState:
    prefs: dict[str, PcmPreferences] = field(default_factory=dict)


def _time_param(request: web.Request, name: str, frame: Frame) -> float | None:
    """StartTS / EndTS (2026-01-05T08:00:00Z, or with an offset) in engine seconds."""
    text = request.query.get(name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HmcError("HSCL1383", name=name, value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - frame.system.epoch.replace(tzinfo=UTC)).total_seconds()


def window_params(request: web.Request, frame: Frame, times: Sequence[float]) -> Window:
    """The window a feed request asks for: NoOfSamples (the latest N; 1 when no time is
    given), StartTS and EndTS (samples ending within them; all of them unless NoOfSamples
    also limits the count)."""
    start = _time_param(request, "StartTS", frame)
    end = _time_param(request, "EndTS", frame)
    text = request.query.get("NoOfSamples")
    if text is None:
        count = 1 if start is None and end is None else None
    elif not text.isdecimal() or not 1 <= int(text) <= MAX_SAMPLES:
        raise HmcError("HSCL1381", value=text, high=MAX_SAMPLES)
    else:
        count = int(text)
    return window(times, count, start, end)


def pcm_routes(ctx: RestContext) -> list[web.RouteDef]:
    """The PCM routes for the REST application (hmc_tui/rest/server.py registers them)."""
    from hmc_tui.rest.auth import require_session
    from hmc_tui.rest.errors import RestError, rest_error

    engine = ctx.engine
    state = PcmState()

    def reader(times: Sequence[float], win: Window, on: str) -> Series:
        """Samples of system `on` from the window's first one on: a day of them for 1000
        partitions is 17 M counters, of which a request needs a few."""
        need = len(times) - list(times).index(win.pairs[0][0])

        def series(resource: str, key: int) -> UtilSeries:
            return engine.utilisation("lpar" if resource == "lpar" else "pool", key, "long",
                                      system=on, last=need)
        return series

    def base(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}"

    def system(request: web.Request) -> tuple[Frame, str]:
        """The managed system the URL's UUID names, and the key the engine knows it by
        ("" when it is the only one); 404 for another UUID."""
        snap = engine.snapshot()
        frame = systems.by_uuid(snap, request.match_info["uuid"])
        if frame is None:
            raise rest_error(404, "HSCL1364", uri=request.path)
        return frame, systems.key(snap, frame)

    def partition(request: web.Request, frame: Frame, uuid: str) -> Partition:
        found = systems.partition(engine.snapshot(), uuid, frame=frame)
        if found is None:
            raise rest_error(404, "HSCL1364", uri=request.path)
        return found[1]

    def timeline(on: str) -> tuple[float, ...]:
        return engine.utilisation("pool", 0, "long", system=on).times

    def xml_response(body: bytes) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": xml.ATOM_TYPE})

    async def get_preferences(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame, _ = system(request)
        prefs = state.prefs.get(system_uuid(frame.system), PcmPreferences())
        return xml_response(preferences_feed(frame, prefs, base(request)))

    async def post_preferences(request: web.Request) -> web.StreamResponse:
        session = require_session(request)
        frame, on = system(request)
        try:
            wanted = parse_preferences(await request.read())
        except HmcError as exc:
            raise RestError(400, exc) from None
        if wanted.get("energy"):
            raise rest_error(400, "HSCL1382", name=frame.system.name)
        sys_id = system_uuid(frame.system)
        long_term = wanted.get("long_term")
        if long_term is not None and long_term != (frame.system.sample_rate > 0):
            rate = DEFAULT_RATE if long_term else 0
            # execute(): applied at the next tick boundary, or at once without a clock thread
            result = await asyncio.to_thread(
                engine.execute, ChangeSampleRate(sample_rate=rate, system=on), session.actor)
            if not result.ok:  # a viewer: HSCL350B, the HMC's authority error
                raise RestError(403 if result.code == "HSCL350B" else 400, str(result))
            frame = engine.snapshot().system(frame.mtms)
        current = state.prefs.get(sys_id, PcmPreferences())
        changes = {k: v for k, v in wanted.items() if k in ("aggregation", "short_term",
                                                             "compute_ltm")}
        if changes:
            if session.actor.role == "hmcviewer":
                raise RestError(403, HmcError("HSCL350B", user=session.user,
                                              task="performance monitoring settings"))
            current = replace(current, **changes)
            state.prefs[sys_id] = current
        return xml_response(preferences_feed(frame, current, base(request)))

    async def system_metrics_feed(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame, on = system(request)
        win = window_params(request, frame, timeline(on))
        if frame.system.sample_rate == 0 or not win:
            return web.Response(status=204)
        # 1000 partitions: ~0.1 s of XML building, off the event loop
        return xml_response(await asyncio.to_thread(
            system_feed, frame, win, frame.system.sample_rate, base(request)))

    async def partition_metrics_feed(request: web.Request) -> web.StreamResponse:
        require_session(request)
        frame, on = system(request)
        p = partition(request, frame, request.match_info["lpar"])
        win = window_params(request, frame, timeline(on))
        if frame.system.sample_rate == 0 or not win:
            return web.Response(status=204)
        return xml_response(partition_feed(frame, p, win, frame.system.sample_rate,
                                           base(request)))

    async def metrics_json(request: web.Request) -> web.StreamResponse:
        require_session(request)
        match = JSON_NAME.match(request.match_info["name"])
        if match is None:
            raise rest_error(404, "HSCL1364", uri=request.path)
        # The file names the system, or the partition on whichever system holds it.
        snap = engine.snapshot()
        found: tuple[Frame, Partition | None] | None
        if match["kind"] == "ManagedSystem":
            frame = systems.by_uuid(snap, match["uuid"])
            found = None if frame is None else (frame, None)
        else:
            found = systems.partition(snap, match["uuid"])
        if found is None:
            raise rest_error(404, "HSCL1364", uri=request.path)
        frame, p = found
        on = systems.key(snap, frame)
        epoch = frame.system.epoch.replace(tzinfo=UTC)
        start = (parse_file_stamp(match["start"]) - epoch).total_seconds()
        end = (parse_file_stamp(match["end"]) - epoch).total_seconds()
        times = timeline(on)
        win = window(times, start=start, end=end)
        if not win:  # aged out of the kept samples, or never there
            raise rest_error(404, "HSCL1364", uri=request.path)
        rate = int(match["rate"])
        series = reader(times, win, on)
        need = len(times) - list(times).index(win.pairs[0][0])
        if p is None:
            # every partition's counters: off the event loop (1000 partitions: ~0.2 s)
            text = await asyncio.to_thread(lambda: json.dumps(system_metrics(
                frame, series, win, rate, io=engine.io_load(on, last=need))))
        else:
            io = engine.io_load(on, last=need, lpars={p.id})
            text = json.dumps(partition_metrics(frame, p, series, win, rate, io=io))
        return web.Response(text=text, content_type="application/json")

    sys_path = PCM_ROOT + "/ManagedSystem/{uuid}"
    return [
        web.get(sys_path + "/preferences", get_preferences),
        web.post(sys_path + "/preferences", post_preferences),
        web.get(sys_path + "/ProcessedMetrics", system_metrics_feed),
        web.get(sys_path + "/LogicalPartition/{lpar}/ProcessedMetrics", partition_metrics_feed),
        web.get(PCM_ROOT + "/ProcessedMetrics/{name}", metrics_json),
    ]
