"""The flowchart renderings: a terminal text and an accessible SVG a practitioner can read."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from importlib import resources

import pytest

from goldenthread.policy import flowchart_svg, flowchart_text, list_packs, load_pack
from goldenthread.policy.pack import parse_pack

SVG = "{http://www.w3.org/2000/svg}"
packs = pytest.mark.parametrize("pack_name", list_packs())


def _svg(pack_name: str) -> ET.Element:
    # The SVG is our own output, not untrusted input.
    return ET.fromstring(flowchart_svg(load_pack(pack_name)))  # noqa: S314


def _box_lines(group: ET.Element) -> list[str]:
    return [span.text or "" for span in group.iter(f"{SVG}tspan")]


@packs
def test_flowchart_svg_is_well_formed_with_title_and_desc(pack_name: str) -> None:
    root = _svg(pack_name)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert pack_name in (title.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@packs
def test_flowchart_svg_boxes_show_every_question_text(pack_name: str) -> None:
    root = _svg(pack_name)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    for number, question in enumerate(load_pack(pack_name).question_order(), start=1):
        lines = _box_lines(groups[f"q-{question.id}"])
        assert lines[0] == f"Question {number}"
        assert " ".join(lines[1:]) == question.text


@packs
def test_flowchart_svg_shows_every_outcome_reachable_from_a_question(pack_name: str) -> None:
    root = _svg(pack_name)
    visible = " ".join(
        " ".join(_box_lines(g)) for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("o-")
    )
    pack = load_pack(pack_name)
    targets = {a.next for q in pack.questions.values() for a in q.answers if a.next in pack.outcomes}
    for outcome_id in targets:
        assert pack.outcomes[outcome_id].title in visible


@packs
def test_flowchart_svg_arrows_labelled_yes_no_not_sure(pack_name: str) -> None:
    labels = {t.text for t in _svg(pack_name).iter(f"{SVG}text") if t.get("class") == "label"}
    assert {"Yes", "No", "Not sure"} <= labels


def test_flowchart_svg_escapes_markup_in_pack_text() -> None:
    data = tomllib.loads(
        resources.files("goldenthread.policy.packs").joinpath("england-2024.toml").read_text("utf-8")
    )
    data["questions"][0]["text"] = 'Is <b>this</b> & that "quoted"?'
    root = ET.fromstring(flowchart_svg(parse_pack(data)))  # noqa: S314
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "q-child_protection")
    assert " ".join(_box_lines(group)[1:]) == 'Is <b>this</b> & that "quoted"?'


@packs
def test_flowchart_text_lists_questions_in_order_with_branches(pack_name: str) -> None:
    pack = load_pack(pack_name)
    text = flowchart_text(pack)
    flat = " ".join(text.split())
    positions = [flat.index(q.text) for q in pack.question_order()]
    assert positions == sorted(positions)
    assert "Not sure -> SEEK ADVICE" in text
    assert pack.global_note.split(":")[0] in text
    assert f"version {pack.version}" in text
