"""Reference code history: every code a partition posts, with its engine time, bounded."""

from __future__ import annotations

from pathlib import Path

from engine import lifecycle as lc
from engine import ops
from engine.model import REFCODE_HISTORY, RefcodeEntry
from engine.roles import Actor
from engine.service import Engine
from engine.store import demo_frame, load_frame, save_frame

ADMIN = Actor(user="hscroot", role="hmcsuperadmin")

# dev02 (AIX) from an activation at engine time 5: power-on (C2xx), firmware (CAxx),
# boot-device search, hand-off, the AIX LEDs, then blank once AIX is up (engine.lifecycle).
AIX_BOOT = [
    (5.0, "C2001150"), (6.5, "C2002100"), (8.0, "CA000000"), (9.0, "CA000020"),
    (10.0, "CA000040"), (11.0, "CA000080"), (12.0, "CA00E1F1"), (14.0, "CA00E1F5"),
    (15.0, "CA00E1F6"), (17.0, "CA00E105"), (19.0, "0538"), (23.0, "0539"), (29.0, "0551"),
    (33.0, "0553"), (38.0, "0581"), (43.0, ""),
]


def history(engine: Engine, name: str) -> list[tuple[float, str]]:
    p = engine.snapshot().frame.partition(name)
    assert p is not None
    return [(e.time, e.refcode) for e in p.refcode_history]


def run(engine: Engine, op: ops.Operation) -> None:
    result = engine.execute(op, ADMIN)
    assert result.ok, result.message


def test_activation_records_every_code_with_its_engine_time() -> None:
    engine = Engine(demo_frame(), mode="stepped")
    engine.step(5)
    run(engine, ops.ActivatePartition(lpar="dev02"))
    assert history(engine, "dev02") == AIX_BOOT[:1]  # the operation posts the first code
    engine.step(10)  # engine time 15
    assert history(engine, "dev02") == AIX_BOOT[:9]
    engine.step(60)
    assert history(engine, "dev02") == AIX_BOOT
    assert engine.snapshot().frame.partition("dev02").refcode == ""  # type: ignore[union-attr]


def test_shutdown_appends_blank_then_00000000() -> None:
    engine = Engine(demo_frame(), mode="stepped")
    run(engine, ops.ShutdownPartition(lpar="was01", option="immediate"))
    engine.step(5)
    # was01 was up (blank code, no history yet): shutting down keeps the blank code, and
    # Not Activated posts 00000000 after the immediate shutdown's 2 seconds
    assert history(engine, "was01") == [(2.0, "00000000")]


def test_history_is_bounded_to_the_newest_codes() -> None:
    p = demo_frame().partition("dev02")
    assert p is not None
    for i in range(REFCODE_HISTORY + 50):
        p = p.model_copy(update={"refcode_history": lc.posted(p, float(i), f"{i:08X}")})
    assert len(p.refcode_history) == REFCODE_HISTORY == 100
    assert p.refcode_history[0] == RefcodeEntry(time=50.0, refcode="00000032")
    assert p.refcode_history[-1] == RefcodeEntry(time=149.0, refcode="00000095")


def test_two_boots_keep_the_last_100_codes_in_order() -> None:
    engine = Engine(demo_frame(), mode="stepped")
    for _ in range(7):  # 7 x (16 boot codes + 00000000) = 119 codes posted
        run(engine, ops.ActivatePartition(lpar="dev02"))
        engine.step(60)
        run(engine, ops.ShutdownPartition(lpar="dev02", option="immediate"))
        engine.step(5)
    codes = history(engine, "dev02")
    assert len(codes) == 100
    assert codes[-1][1] == "00000000" and codes[-2][1] == ""
    assert [t for t, _ in codes] == sorted(t for t, _ in codes)
    # the oldest kept is code 20 of 119: the fourth code of the second boot (first at 65 s)
    assert codes[0] == (65.0 + 3.0, "CA000000")


def test_history_is_saved_with_the_frame(tmp_path: Path) -> None:
    engine = Engine(demo_frame(), mode="stepped")
    run(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(12)
    path = tmp_path / "frame.toml"
    save_frame(engine.frame_to_save(), path)
    loaded = load_frame(path)
    p = loaded.partition("dev02")
    assert p is not None
    assert [(e.time, e.refcode) for e in p.refcode_history] == [
        (t - 5.0, code) for t, code in AIX_BOOT[:10]]



def test_a_settled_start_records_its_blank_code(tmp_path: Path) -> None:
    engine = Engine(demo_frame(), mode="stepped")
    run(engine, ops.ActivatePartition(lpar="dev02"))
    engine.step(4)  # still Starting
    path = tmp_path / "frame.toml"
    save_frame(engine.frame_to_save(), path)
    # loaded without its schedule, a Starting partition settles to Running: the settled
    # (blank) code is recorded at the saved engine time
    settled = Engine(load_frame(path), mode="stepped").snapshot().frame.partition("dev02")
    assert settled is not None
    assert [(e.time, e.refcode) for e in settled.refcode_history] == [
        (0.0, "C2001150"), (1.5, "C2002100"), (3.0, "CA000000"), (4.0, "CA000020"),
        (4.0, "")]
