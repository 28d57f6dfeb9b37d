"""The project's own docs stay reachable from the code, and the code points nowhere else.

Comments cite `docs/<page>.md` (often with "section N"); an earlier generation of comments
cited notes kept outside the repository, which a reader of the project cannot follow. These
tests fail when such a reference comes back, when a cited page or numbered section does not
exist, when a relative link between the docs is broken, or when an HSCL code the code can
print is missing from the codes table of docs/powervm-rules.md (or the table lists a code the
code no longer has).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCANNED = ("engine", "hmc_tui", "shellsim", "tests", "benchmarks", "examples", "docs", "README.md")
SKIP_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = {".pyc", ".png", ".jpg"}

# Spelled in pieces so that this file does not match itself (nor a plain grep for them).
OUTSIDE_DIR = "shared" + "/"
OUTSIDE_NOTES = ("powervm-" + "reference", "hmc-cli-" + "samples", "textual-" + "notes",
                 "real-" + "clients", "style-" + "anchors")

DOC_REF = re.compile(
    r"docs/(?P<page>[A-Za-z0-9_-]+\.md)"
    r"(?:\]\([^)\s]*\))?"  # a Markdown link: [docs/x.md](../../docs/x.md) section N
    r"(?:[,:]?\s+(?:section|§)s?\s*(?P<sections>\d+(?:\s*(?:-|,|and)\s*\d+)*))?"
)
# Within docs/: "[page.md](page.md) section N" cites a sibling page's section.
SIBLING_REF = re.compile(
    r"\]\((?P<page>[A-Za-z0-9_-]+\.md)\)[,:]?\s+sections?\s+(?P<sections>\d+(?:\s*(?:-|,|and)\s*\d+)*)"
)
LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")
HEADING = re.compile(r"^## (\d+)\.", re.MULTILINE)
CODE = re.compile(r"\bHSCL[0-9A-F]{4}\b")
TABLE_CODE = re.compile(r"^\| (HSCL[0-9A-F]{4}) \|", re.MULTILINE)


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        if top.is_file():
            found.append(top)
            continue
        for path in sorted(top.rglob("*")):
            if (
                path.is_file()
                and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
                and path.suffix not in SKIP_SUFFIXES
                and path.resolve() != Path(__file__).resolve()
            ):
                found.append(path)
    return found


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _numbers(spec: str) -> list[int]:
    """"2-5 and 8" -> [2, 3, 4, 5, 8]."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|and)\s*", spec.strip()):
        low, _, high = part.partition("-")
        numbers.extend(range(int(low), int(high or low) + 1))
    return numbers


def _sections(page: str) -> set[int]:
    return {int(n) for n in HEADING.findall(_text(DOCS / page))}


def _citations() -> list[tuple[str, str, list[int]]]:
    """(where, page, cited section numbers) for every docs reference in the scanned files."""
    cited: list[tuple[str, str, list[int]]] = []
    for path in _files():
        text = _text(path)
        rel = str(path.relative_to(ROOT))
        patterns = (DOC_REF, SIBLING_REF) if path.parent == DOCS else (DOC_REF,)
        for pattern in patterns:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                spec = m.group("sections")
                cited.append((f"{rel}:{line}", m.group("page"), _numbers(spec) if spec else []))
    return cited


def test_nothing_points_at_notes_outside_the_repository() -> None:
    offenders = []
    for path in _files():
        for number, line in enumerate(_text(path).splitlines(), 1):
            if OUTSIDE_DIR in line or any(stem in line for stem in OUTSIDE_NOTES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_sees_the_code_and_the_docs() -> None:
    """Guard against a scan that silently finds nothing (which would pass every test here)."""
    files = {str(p.relative_to(ROOT)) for p in _files()}
    assert {"engine/errors.py", "hmc_tui/app.py", "README.md", "docs/powervm-rules.md"} <= files
    assert "tests/test_docs.py" not in files
    pages = {page for _, page, _ in _citations()}
    assert {"powervm-rules.md", "hmc-commands.md", "textual.md"} <= pages


def test_every_cited_page_and_section_exists() -> None:
    missing = []
    for where, page, numbers in _citations():
        if not (DOCS / page).is_file():
            missing.append(f"{where}: docs/{page} does not exist")
            continue
        absent = sorted(set(numbers) - _sections(page))
        if absent:
            missing.append(f"{where}: docs/{page} has no section {absent}")
    assert missing == []


def test_the_section_check_would_catch_a_bad_citation() -> None:
    text = ("see docs/powervm-rules.md section 99 and docs/textual.md sections 2-3 and 8, "
            "[docs/hmc-commands.md](../../docs/hmc-commands.md) section 7")
    found = [(m.group("page"), _numbers(m.group("sections") or "")) for m in
             DOC_REF.finditer(text)]
    assert found == [("powervm-rules.md", [99]), ("textual.md", [2, 3, 8]),
                     ("hmc-commands.md", [7])]
    assert 99 not in _sections("powervm-rules.md")


def test_relative_links_between_docs_resolve() -> None:
    broken = []
    for path in sorted(DOCS.glob("*.md")):
        for m in LINK.finditer(_text(path)):
            target = m.group("target")
            if "://" in target:
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def _codes_in_code() -> set[str]:
    codes: set[str] = set()
    for top in ("engine", "hmc_tui"):
        for path in (ROOT / top).rglob("*.py"):
            codes.update(CODE.findall(_text(path)))
    return codes


def test_every_hscl_code_the_code_can_print_is_explained() -> None:
    from engine.errors import MESSAGES
    from hmc_tui.hmccli.errors import CLI_MESSAGES

    table = set(TABLE_CODE.findall(_text(DOCS / "powervm-rules.md")))
    in_code = _codes_in_code()
    assert set(MESSAGES) | set(CLI_MESSAGES) <= in_code  # the source scan sees the tables
    assert sorted(in_code - table) == []
    assert sorted(table - in_code) == []


@pytest.mark.parametrize("page", ["README.md", "architecture.md", "powervm-rules.md",
                                  "hmc-commands.md", "security.md", "textual.md"])
def test_each_page_exists_and_is_listed_in_the_index(page: str) -> None:
    assert (DOCS / page).is_file()
    if page != "README.md":
        assert f"]({page})" in _text(DOCS / "README.md")
