"""How `goldenthread decide` reads its input: a byte order mark, the size and length limits, no facts."""

from __future__ import annotations

import io
import json
from pathlib import Path

from goldenthread.policy.cli import MAX_FACTS, MESSAGE_CHARS, run_decide

from .builders import EXAMPLE_STATISTICS


def _decide(path: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_decide(path, None, io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def test_run_decide_utf8_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(EXAMPLE_STATISTICS).encode())
    code, out, err = _decide(str(path))
    assert (code, err) == (0, "")
    assert json.loads(out)["outcome"] == "share"


def test_run_decide_utf8_bom_on_standard_input_accepted() -> None:
    code, _, err = _decide("-", stdin="\ufeff" + json.dumps(EXAMPLE_STATISTICS))
    assert (code, err) == (0, "")


def test_run_decide_empty_array_says_no_facts_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text("[]", encoding="utf-8")
    code, out, err = _decide(str(path))
    assert (code, out) == (2, "")
    assert "no facts" in err


def test_run_decide_array_over_limit_refused_before_deciding(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps([EXAMPLE_STATISTICS] * (MAX_FACTS + 1)), encoding="utf-8")
    code, out, err = _decide(str(path))
    assert (code, out) == (2, "")
    assert f"at most {MAX_FACTS:,}" in err


def test_run_decide_array_at_limit_decided(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps([EXAMPLE_STATISTICS] * MAX_FACTS), encoding="utf-8")
    code, out, _ = _decide(str(path))
    assert code == 0 and len(json.loads(out)) == MAX_FACTS


def test_run_decide_huge_key_not_echoed_whole(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({**EXAMPLE_STATISTICS, "k" * 1_000_000: 1}), encoding="utf-8")
    code, _, err = _decide(str(path))
    assert code == 2
    assert len(err) < 20 * MESSAGE_CHARS and "characters in all" in err


def test_run_decide_huge_duplicate_key_not_echoed_whole(tmp_path: Path) -> None:
    key = "d" * 1_000_000
    path = tmp_path / "facts.json"
    path.write_text(f'{{"{key}": 1, "{key}": 2}}', encoding="utf-8")
    code, _, err = _decide(str(path))
    assert code == 2 and len(err) < 2 * MESSAGE_CHARS


def test_run_decide_input_over_size_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text("[" + " " * (6 * 1024 * 1024) + "]", encoding="utf-8")
    code, _, err = _decide(str(path))
    assert code == 2 and "larger than" in err


def test_run_decide_deep_nesting_message(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _, err = _decide(str(path))
    assert code == 2 and "nested too deeply" in err and "Traceback" not in err
