"""The engine never imports a front end: no textual, rich or asyncssh (architecture rule)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FRONT_END_PACKAGES = ("textual", "rich", "asyncssh")

PROBE = """
import importlib, json, pkgutil, sys
import engine
names = ["engine"] + [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
for name in names:
    importlib.import_module(name)
front = sorted(m for m in sys.modules if m.split(".")[0] in {front_ends!r})
print(json.dumps({{"imported": names, "front_ends": front}}))
"""


def test_engine_imports_no_front_end() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(front_ends=set(FRONT_END_PACKAGES))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"engine.model", "engine.store", "engine.errors"} <= set(report["imported"])
    assert report["front_ends"] == []
