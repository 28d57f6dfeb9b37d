"""Keystroke macros: record a console session, replay it visibly or headless as a check.

- format.py   the file's pydantic models (header, step kinds, conditions)
- keys.py     key names as Textual delivers them
- load.py     parse + validate, errors as `FILE:LINE: reason`
- record.py   the recorder and the app mixin (palette start/stop)
- replay.py   step semantics shared by both replay modes, the report
- headless.py lockstep replay in Textual's headless driver (deterministic)
- interactive.py  replay in the visible console at recorded pace
- session.py  the frame to replay on and the app a replay runs
- check.py    wait / expect conditions
- entry.py    `hmc-tui replay ...` and `hmc-tui --record FILE`
"""
