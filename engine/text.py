"""Control characters: what no text of the frame may hold, and how a message shows one.

A terminal acts on control characters (BEL rings, ESC and the C1 CSI/OSC start sequences
that move the cursor, retitle the window or rewrite the clipboard), so text from the frame
or from a command must never reach a screen raw. The rules refuse them in every text field
(`engine.rules.names`); an error message that quotes a refused value shows them escaped
(`engine.errors`). Both use the definitions here, so the two can never disagree.
"""

from __future__ import annotations

import re

# C0 (U+0000-U+001F, tab and newline included: no frame field is multi-line), DEL (U+007F)
# and C1 (U+0080-U+009F; U+009B is CSI and U+009D is OSC on terminals that honour C1).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def escape_controls(text: str) -> str:
    r"""`text` with every control character written as Python would (`\x07`, `\x1b`, `\x9b`)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
