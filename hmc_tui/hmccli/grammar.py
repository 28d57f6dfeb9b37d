"""Each command's grammar, declared once: flags, arity, values, required-ness, help, names.

A `Grammar` lists a command's flags (`Flag`); where the HMC's grammar depends on the value of
a flag (`lshwres -r proc --level lpar`, `chsysstate -r sys -o off`), a `Variant` narrows it
for those values: which flags are accepted, which values a flag takes, which flags become
required, the attributes `-F` may name and the names `--filter` takes. Everything else is
derived from these declarations: parsing and validation (`parse`), the usage text
(`usage_text`) and completion (`hmc_tui.hmccli.complete`), so none of them can drift.

Validation reports the first problem in declaration order with the HMC's "missing a required
parameter or invalid value" sentence naming the flag (docs/hmc-commands.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hmc_tui.hmccli.errors import ShowUsage, UsageError
from hmc_tui.hmccli.options import OPTIONAL, SWITCH, VALUE, Args

__all__ = ["OPTIONAL", "SWITCH", "VALUE", "Flag", "Grammar", "Spec", "Variant"]

# What live names a flag's value is (completion): the console's snapshot provides them.
NAME_KINDS = ("system", "lpar", "profile", "pool", "vios", "vios_command", "attributes", "filter",
              "number", "text")


@dataclass(frozen=True)
class Flag:
    name: str
    arity: int = VALUE
    metavar: str = ""  # "<managed system>"; "" with choices: the choices are shown
    help: str = ""  # the flag's lines in the usage text; "" keeps the flag out of it
    choices: tuple[str, ...] = ()
    required: bool = False
    names: str = ""  # one of NAME_KINDS: what the value names, for completion
    alt: str = ""  # flags sharing `alt` are alternatives, shown `-n <name> | --id <ID>`
    inline: bool = False  # the usage synopsis shows it on the previous flag's line


@dataclass(frozen=True)
class Variant:
    """The grammar when every flag in `when` has that value ("" = a switch given)."""

    when: Mapping[str, str]
    flags: tuple[str, ...] | None = None  # the flags accepted (None: every flag)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # flags required elsewhere that this variant does not need
    names: Mapping[str, str] = field(default_factory=dict)
    attributes: tuple[str, ...] | None = None  # what -F may name
    filters: tuple[str, ...] | None = None  # what --filter may name


@dataclass(frozen=True)
class Spec:
    """A command's grammar for the flags given so far (the variants that apply, merged)."""

    grammar: Grammar
    allowed: tuple[str, ...]
    choices: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    names: Mapping[str, str]
    attributes: tuple[str, ...]
    filters: tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    name: str
    summary: str  # one line for `help`
    description: str  # the usage text's paragraph
    flags: tuple[Flag, ...]
    variants: tuple[Variant, ...] = ()
    bare: bool = False  # runs without any flag (else the bare command shows its usage)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def group(self, f: Flag) -> tuple[str, ...]:
        """The flag and its alternatives (`-p` | `--id`), in declaration order."""
        if not f.alt:
            return (f.name,)
        return tuple(g.name for g in self.flags if g.alt == f.alt)

    @property
    def arities(self) -> dict[str, int]:
        return {f.name: f.arity for f in self.flags}

    def spec(self, values: Mapping[str, str]) -> Spec:
        """Merge the variants whose conditions hold, least specific first."""
        allowed = tuple(f.name for f in self.flags)
        choices = {f.name: f.choices for f in self.flags if f.choices}
        required = [f.name for f in self.flags if f.required]
        names = {f.name: f.names for f in self.flags if f.names}
        attributes: tuple[str, ...] = ()
        filters: tuple[str, ...] = ()
        applying = [v for v in self.variants
                    if all(values.get(k) == want for k, want in v.when.items())]
        for v in sorted(applying, key=lambda v: len(v.when)):
            if v.flags is not None:
                allowed = v.flags
            choices.update(v.choices)
            required += [r for r in v.required if r not in required]
            required = [r for r in required if r not in v.optional]
            names.update(v.names)
            if v.attributes is not None:
                attributes = v.attributes
            if v.filters is not None:
                filters = v.filters
        order = [f.name for f in self.flags]
        return Spec(self, allowed, choices, tuple(sorted(required, key=order.index)), names,
                    attributes, filters)

    def parse(self, words: list[str]) -> Args:
        """Flags in any order, each once; then values, required flags and the variant's flags.

        No words at all shows the usage text (on stderr); `--help` / `-?` anywhere shows it
        on stdout.
        """
        if not words and not self.bare:
            raise ShowUsage(self.name, requested=False)
        arities = self.arities
        values: dict[str, str] = {}
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("--help", "-?"):
                raise ShowUsage(self.name, requested=True)
            arity = arities.get(word)
            if arity is None or word in values:
                raise UsageError(word)
            if arity == SWITCH:
                values[word] = ""
            elif arity == VALUE:
                if i + 1 >= len(words):
                    raise UsageError(word)
                i += 1
                values[word] = words[i]
            else:  # OPTIONAL: a value unless the next word is another flag of the command
                if i + 1 < len(words) and words[i + 1] not in arities:
                    i += 1
                    values[word] = words[i]
                else:
                    values[word] = ""
            i += 1
        spec = self.spec(values)
        for f in self.flags:
            group = self.group(f)
            given = [g for g in group if g in values]
            if len(given) > 1 and f.name == group[0]:
                raise UsageError(*given)
            if f.name in spec.required and not given:
                raise UsageError(*group)
            allowed = spec.choices.get(f.name)
            if f.name in values and allowed and values[f.name] not in allowed:
                raise UsageError(f.name)
        extra = [f for f in values if f not in spec.allowed]
        if extra:
            raise UsageError(*extra)
        return Args(self.name, values, spec)

    # ------------------------------------------------------------ usage text

    def usage_text(self) -> str:
        """`Usage:` synopsis (continuation lines under the first flag), the description and
        one entry per documented flag, in the HMC's layout."""
        head = f"Usage: {self.name} "
        rows: list[str] = []
        for item, inline in self._synopsis_items():
            if inline and rows:
                rows[-1] += f" {item}"
            else:
                rows.append(item)
        lines = [head + rows[0]] + [" " * len(head) + row for row in rows[1:]]
        lines += ["", self.description, ""]
        documented = {f.name for f in self.flags if f.help}
        for f in (*self.flags, Flag("--help", SWITCH, help="prints this help")):
            if not f.help:
                continue
            partners = [g for g in self.group(f) if g != f.name and g not in documented]
            if partners:  # `-p, --id - the partition`: one entry for both
                label = ", ".join((f.name, *partners))
            else:
                label = f.name + (f" [{f.metavar}]" if f.arity == OPTIONAL else
                                  f" {f.metavar}" if f.metavar else "")
            first, *more = f.help.split("\n")
            lines.append(f"    {label:<24} - {first}")
            lines += [" " * 31 + line for line in more]
        return "\n".join(lines)

    def _synopsis_items(self) -> list[tuple[str, bool]]:
        """(text, on the previous line) per documented flag or group of alternatives."""
        documented = [f for f in self.flags if f.help]
        done: set[str] = set()
        items: list[tuple[str, bool]] = []
        for f in documented:
            if f.name in done:
                continue
            group = [g for g in self.flags if f.alt and g.alt == f.alt] or [f]
            done.update(g.name for g in group)
            text = " | ".join(_synopsis(g) for g in group)
            items.append((text if any(g.required for g in group) else f"[{text}]", f.inline))
        return [*items, ("[--help]", False)]


def _synopsis(f: Flag) -> str:
    if f.arity == SWITCH:
        return f.name
    if f.arity == OPTIONAL:
        return f"{f.name} [{f.metavar}]"
    if f.metavar:
        return f"{f.name} {f.metavar}"
    return f"{f.name} {' | '.join(f.choices)}"
