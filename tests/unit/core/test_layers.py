"""The layers contract in pyproject.toml holds, and it fails on an import the wrong way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # The copy under test goes first on the path, so grimp reads its package rather than the installed one.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--contract", "django_apps_layers"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_layers_contract_kept_by_the_source() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Django apps layers KEPT" in result.stdout


def test_layers_contract_broken_by_a_wrong_way_import(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "goldenthread",
        tmp_path / "src" / "goldenthread",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    selectors = tmp_path / "src" / "goldenthread" / "people" / "selectors" / "__init__.py"
    # people sits below sharing: the child index must not know about decisions.
    selectors.write_text(selectors.read_text() + "\nfrom goldenthread.sharing.models import Decision\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert "Django apps layers BROKEN" in result.stdout
    assert "goldenthread.people.selectors -> goldenthread.sharing.models" in result.stdout
