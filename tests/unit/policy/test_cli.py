"""The pure functions behind `goldenthread decide` and `goldenthread policy show`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from goldenthread.policy import CONTRACT_KEYS, load_pack
from goldenthread.policy.cli import run_decide, run_policy_show

from .builders import (
    EXAMPLE_BRUISING,
    EXAMPLE_COMPETENT_14,
    EXAMPLE_EARLY_HELP_REFUSED,
    EXAMPLE_STATISTICS,
)


def _decide(path: str, pack: str | None = None, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_decide(path, pack, io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def _write(tmp_path: Path, content: Any) -> str:
    path = tmp_path / "facts.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_run_decide_single_object_prints_one_recommendation(tmp_path: Path) -> None:
    code, out, err = _decide(_write(tmp_path, EXAMPLE_BRUISING))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert tuple(result) == CONTRACT_KEYS
    assert (result["outcome"], result["refer_without_delay"]) == ("share", True)


def test_run_decide_array_prints_array_in_order(tmp_path: Path) -> None:
    examples = [EXAMPLE_BRUISING, EXAMPLE_EARLY_HELP_REFUSED, EXAMPLE_COMPETENT_14, EXAMPLE_STATISTICS]
    code, out, _ = _decide(_write(tmp_path, examples))
    assert code == 0
    assert [r["outcome"] for r in json.loads(out)] == ["share", "do_not_share", "share", "share"]


def test_run_decide_dash_reads_stdin() -> None:
    code, out, err = _decide("-", stdin=json.dumps(EXAMPLE_STATISTICS))
    assert (code, err) == (0, "")
    assert json.loads(out)["lawful_basis"] == ["not_personal_data"]


def test_run_decide_named_pack_used(tmp_path: Path) -> None:
    code, out, _ = _decide(_write(tmp_path, EXAMPLE_COMPETENT_14), pack="england-2015")
    assert code == 0
    assert json.loads(out)["pack"] == {"name": "england-2015", "version": load_pack("england-2015").version}


def test_run_decide_invalid_facts_exit_2_names_fields_prints_nothing(tmp_path: Path) -> None:
    bad = dict(EXAMPLE_BRUISING, colour="red", subject={"age": True})
    code, out, err = _decide(_write(tmp_path, bad))
    assert (code, out) == (2, "")
    assert "colour: unknown field" in err
    assert "subject.age: must be a whole number 0-120" in err
    assert "Traceback" not in err


def test_run_decide_invalid_item_in_array_prefixed_with_index(tmp_path: Path) -> None:
    bad = dict(EXAMPLE_STATISTICS, subject={"age": 130})
    code, out, err = _decide(_write(tmp_path, [EXAMPLE_BRUISING, EXAMPLE_STATISTICS, "x", bad]))
    assert (code, out) == (2, "")
    assert "[2] facts: must be a JSON object" in err
    assert "[3] subject.age: must be a whole number 0-120" in err
    assert "[0]" not in err and "[1]" not in err


def test_run_decide_invalid_json_exit_2(tmp_path: Path) -> None:
    code, out, err = _decide(_write(tmp_path, '{"purpose": '))
    assert (code, out) == (2, "")
    assert "not valid JSON" in err


def test_run_decide_duplicate_key_rejected(tmp_path: Path) -> None:
    text = json.dumps(EXAMPLE_STATISTICS)[:-1] + ', "purpose": "none"}'
    code, out, err = _decide(_write(tmp_path, text))
    assert (code, out) == (2, "")
    assert "duplicate key 'purpose'" in err


def test_run_decide_scalar_json_rejected(tmp_path: Path) -> None:
    code, out, err = _decide(_write(tmp_path, "42"))
    assert (code, out) == (2, "")
    assert "facts: must be a JSON object" in err


def test_run_decide_unknown_pack_exit_2_lists_packs(tmp_path: Path) -> None:
    code, out, err = _decide(_write(tmp_path, EXAMPLE_BRUISING), pack="scotland-2099")
    assert (code, out) == (2, "")
    assert "unknown rule pack 'scotland-2099'" in err
    assert "england-2015" in err and "england-2024" in err


def test_run_decide_missing_file_exit_2(tmp_path: Path) -> None:
    code, out, err = _decide(str(tmp_path / "nowhere.json"))
    assert (code, out) == (2, "")
    assert "not found" in err and "nowhere.json" in err


def test_run_decide_directory_exit_2(tmp_path: Path) -> None:
    code, out, err = _decide(str(tmp_path))
    assert (code, out) == (2, "")
    assert "cannot read facts file" in err


def test_run_policy_show_text_lists_every_question() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_policy_show(None, out, err) == 0
    flat = " ".join(out.getvalue().split())
    for question in load_pack().question_order():
        assert question.text in flat


def test_run_policy_show_svg() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_policy_show("england-2015", out, err, fmt="svg") == 0
    assert out.getvalue().startswith("<svg")


def test_run_policy_show_unknown_pack_or_format_exit_2() -> None:
    for pack, fmt in (("nope", "text"), (None, "pdf")):
        out, err = io.StringIO(), io.StringIO()
        assert run_policy_show(pack, out, err, fmt=fmt) == 2
        assert out.getvalue() == ""
        assert err.getvalue().startswith("error: unknown")
