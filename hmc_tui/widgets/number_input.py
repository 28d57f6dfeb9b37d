"""A number field that keeps exactly what was typed, and the one parser every dialog uses.

Textual's `Input(type="integer")` silently drops the keys it does not accept: "0.5" typed in a
whole-number field became "05", then 5, and was applied. This field accepts every key, shows
it, marks the field invalid while the text is not a number of its kind, and `parse_number`
turns the text into a value or into one line naming the field and what is wrong with it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

# Plain decimal notation only: float() would also take "1e3", "1_000", "nan" and "inf",
# none of which an HMC field takes.
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_number(text: str, field: str, *, whole: bool = False) -> float | int | str:
    """The value of `text` (an int for a whole-number field), or a message naming `field`.

    "5.0" in a whole-number field is 5 (the same number); "0.5" is refused, never rounded.
    """
    typed = text.strip()
    if not typed:
        return f"{field}: enter a value."
    if not _DECIMAL.fullmatch(typed):
        return f"{field}: {typed!r} is not a number."
    exact = Decimal(typed)
    if whole:
        if exact != exact.to_integral_value():
            return f"{field}: {typed} is not a whole number."
        return int(exact)
    return float(exact)


class _NumberValidator(Validator):
    def __init__(self, field: str, whole: bool) -> None:
        super().__init__()
        self.field = field
        self.whole = whole

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():  # empty is "not yet typed": the dialog says so on submit
            return self.success()
        parsed = parse_number(value, self.field, whole=self.whole)
        return self.failure(parsed) if isinstance(parsed, str) else self.success()


class NumberInput(Input):
    """An Input for a number: every key typed is kept and shown; `value_or_error()` parses."""

    def __init__(self, value: str = "", *, field: str, whole: bool = False,
                 **kwargs: Any) -> None:
        self.field = field
        self.whole = whole
        super().__init__(value, type="text", validators=[_NumberValidator(field, whole)],
                         **kwargs)

    def set_kind(self, field: str, whole: bool) -> None:
        """The dialog switched resource (processing units -> memory): same text, new rule."""
        self.field = field
        self.whole = whole
        self.validators = [_NumberValidator(field, whole)]
        self.validate(self.value)

    def value_or_error(self) -> float | int | str:
        return parse_number(self.value, self.field, whole=self.whole)
