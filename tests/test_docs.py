"""The documentation tells the truth about the code: every module is in
docs/architecture.md, every setting in docs/configuration.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tourbuilder.config import DEFAULTS
from tourbuilder.config import NAMED_ENV

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tourbuilder"


def modules() -> list[str]:
    """Every module under tourbuilder/ as it is named in the docs: ``services/tours.py``;
    a package's ``__init__.py`` as ``services/__init__.py``. Migration scripts are data."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith("migrations/versions/"):
            found.append(relative)
    return found


def architecture_names() -> set[str]:
    """The module paths the architecture tree names, with their folders prefixed."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    tree = text.split("```", 2)[1]
    names, folders = set(), []
    for line in tree.splitlines()[1:]:
        if not line.strip():
            continue
        indent = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        folders = folders[: max(indent - 1, 0)]
        if name.endswith("/"):
            folders.append(name)
        names.add("".join(folders[: indent - 1]) + name if indent > 1 else name)
    return names


@pytest.mark.parametrize("module", modules())
def test_every_module_is_in_the_architecture_doc(module):
    assert module in architecture_names(), f"{module} is not described in docs/architecture.md"


def settings_read_by_the_code() -> set[str]:
    pattern = re.compile(r"""config(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
    found = set()
    for path in PACKAGE.rglob("*.py"):
        found.update(pattern.findall(path.read_text()))
    return found


ALL_SETTINGS = sorted(set(DEFAULTS) | set(NAMED_ENV.values()) | settings_read_by_the_code())


@pytest.mark.parametrize("setting", ALL_SETTINGS)
def test_every_setting_is_in_the_configuration_doc(setting):
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert f"`{setting}`" in doc, f"{setting} is not documented in docs/configuration.md"


def test_documented_defaults_match_the_code():
    """A byte size the docs give as N GiB/MiB is the default in the code."""
    doc = (ROOT / "docs" / "configuration.md").read_text()
    for line in doc.splitlines():
        match = re.match(r"\| `([A-Z_]+)` \| (\d+) (GiB|MiB) \|", line)
        if match:
            name, number, unit = match.groups()
            factor = 1024**3 if unit == "GiB" else 1024**2
            assert DEFAULTS[name] == int(number) * factor, f"{name}: docs say {number} {unit}"
