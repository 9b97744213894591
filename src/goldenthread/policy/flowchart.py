"""Readable renderings of a rule pack's flowchart: plain text for a terminal, SVG for the web guide.

Both are generated from the pack itself, so the picture a practitioner reads is always the logic the
engine runs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from goldenthread.policy.pack import Outcome, Pack, Question

OUTCOME_WORDS = {
    "share": "SHARE",
    "do_not_share": "DO NOT SHARE",
    "seek_consent_first": "SEEK CONSENT FIRST",
    "seek_advice": "SEEK ADVICE",
}
ANSWER_WORDS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}
# GOV.UK palette: every box also carries its outcome in words, so colour is never the only signal.
OUTCOME_COLOURS = {
    "share": ("#cce2d8", "#00703c"),
    "do_not_share": ("#f4cdc6", "#d4351c"),
    "seek_consent_first": ("#fff7bf", "#594d00"),
    "seek_advice": ("#d2e2f1", "#1d70b8"),
}


def _answer_word(value: str) -> str:
    return ANSWER_WORDS.get(value, value.replace("_", " ").capitalize())


def flowchart_text(pack: Pack) -> str:
    """The flowchart as numbered questions with their branches, for a terminal."""
    order = pack.question_order()
    number = {q.id: n for n, q in enumerate(order, start=1)}
    wrap = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="    ")
    lines = [f"Rule pack {pack.name} version {pack.version}", pack.title, ""]
    lines += [*textwrap.wrap(pack.global_note, 100), ""]
    for question in order:
        lines += textwrap.wrap(
            f"{question.text}  [{question.id}]",
            100,
            initial_indent=f"{number[question.id]:>2}. ",
            subsequent_indent="    ",
        )
        lines += wrap.wrap("Hint: " + question.hint)
        for answer in question.answers:
            if answer.next in pack.questions:
                target = f"go to question {number[answer.next]} ({answer.next})"
            else:
                outcome = pack.outcomes[answer.next]
                target = f"{OUTCOME_WORDS[outcome.outcome]}: {outcome.title}"
            lines.append(f"    - {answer.label} -> {target}")
        lines.append("")
    lines += textwrap.wrap(pack.record_note, 100)
    lines += ["", "Sources:"] + [f"  - {source}" for source in pack.sources]
    return "\n".join(lines) + "\n"


# Layout in pixels. Character widths are estimates for a 14px sans-serif face; wrapping errs short.
WIDTH = 1000
MARGIN = 24
QX, QW = 64, 430
OX, OW = 600, 376
TRUNK_X = QX + QW + 28
LINE = 18
PAD = 12
ROW_GAP = 56
BOX_GAP = 12


@dataclass
class _Box:
    x: int
    y: int
    w: int
    lines: list[tuple[str, str]]  # (css class, text)

    @property
    def h(self) -> int:
        return PAD * 2 + LINE * len(self.lines)

    @property
    def mid_y(self) -> int:
        return self.y + self.h // 2


def _wrap(text: str, width_px: int) -> list[str]:
    return textwrap.wrap(text, max(20, (width_px - 2 * PAD) // 7)) or [""]


def _question_box(n: int, question: Question, y: int) -> _Box:
    lines = [("head", f"Question {n}")] + [("body", t) for t in _wrap(question.text, QW)]
    return _Box(QX, y, QW, lines)


def _outcome_box(answer_label: str, outcome: Outcome, y: int) -> _Box:
    lines = [("small", t) for t in _wrap(f"If: {answer_label}", OW)]
    lines += [("head", OUTCOME_WORDS[outcome.outcome])] + [("body", t) for t in _wrap(outcome.title, OW)]
    return _Box(OX, y, OW, lines)


def _text(box: _Box, element_id: str, fill: str, stroke: str, extra: str = "") -> str:
    parts = [f"<g id={quoteattr(element_id)}{extra}>"]
    parts.append(
        f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
    )
    parts.append(f'<text x="{box.x + PAD}" y="{box.y + PAD}">')
    for index, (css, line) in enumerate(box.lines):
        dy = LINE - 4 if index == 0 else LINE
        parts.append(f'<tspan class="{css}" x="{box.x + PAD}" dy="{dy}">{escape(line)}</tspan>')
    parts.append("</text></g>")
    return "".join(parts)


def _line(d: str) -> str:
    return f'<path d="{d}" fill="none" stroke="#0b0c0c" stroke-width="2"/>'


def _arrow(d: str) -> str:
    return f'<path d="{d}" fill="none" stroke="#0b0c0c" stroke-width="2" marker-end="url(#arrow)"/>'


def _label(x: int, y: int, text: str) -> str:
    return f'<text class="label" x="{x}" y="{y}">{escape(text)}</text>'


def _down_edge(source: _Box, target: _Box, words: str, adjacent: bool) -> list[str]:
    if adjacent:
        x = QX + QW // 2
        return [
            _arrow(f"M{x} {source.y + source.h} V{target.y - 2}"),
            _label(x + 8, source.y + source.h + 22, words),
        ]
    # A jump past other questions runs down the left margin so it never crosses a box.
    gutter = QX - 28
    return [
        _arrow(f"M{QX} {source.mid_y} H{gutter} V{target.mid_y} H{QX - 2}"),
        _label(gutter - 20, source.mid_y - 6, words),
    ]


def flowchart_svg(pack: Pack) -> str:
    """A self-contained, accessible SVG diagram of the pack's flowchart."""
    order = pack.question_order()
    number = {q.id: n for n, q in enumerate(order, start=1)}
    body: list[str] = []
    y = MARGIN
    header = _Box(MARGIN, y, WIDTH - 2 * MARGIN, [("title", f"{pack.title} (version {pack.version})")])
    header.lines += [("body", t) for t in textwrap.wrap(pack.global_note, 120)]
    body.append(_text(header, "global-note", "#f3f2f1", "#0b0c0c"))
    y += header.h + ROW_GAP // 2

    boxes: dict[str, _Box] = {}
    edges: list[tuple[str, str, str]] = []
    for question in order:
        qbox = boxes[question.id] = _question_box(number[question.id], question, y)
        outcome_y = y
        downward: dict[str, list[str]] = {}
        for index, answer in enumerate(question.answers):
            if answer.next in pack.questions:
                downward.setdefault(answer.next, []).append(_answer_word(answer.value))
                continue
            outcome = pack.outcomes[answer.next]
            box = _outcome_box(answer.label, outcome, outcome_y)
            fill, stroke = OUTCOME_COLOURS[outcome.outcome]
            body.append(
                _text(box, f"o-{question.id}-{index}", fill, stroke, f' class="outcome {outcome.outcome}"')
            )
            # Branches to outcomes share one trunk; each is labelled where it meets its own box.
            body.append(_line(f"M{QX + QW} {qbox.mid_y} H{TRUNK_X}"))
            body.append(_arrow(f"M{TRUNK_X} {qbox.mid_y} V{box.mid_y} H{OX - 2}"))
            body.append(_label(TRUNK_X + 6, box.mid_y - 6, _answer_word(answer.value)))
            outcome_y += box.h + BOX_GAP
        body.append(_text(qbox, f"q-{question.id}", "#ffffff", "#0b0c0c", ' class="question"'))
        edges += [
            (question.id, target, " / ".join(dict.fromkeys(words))) for target, words in downward.items()
        ]
        y = max(qbox.y + qbox.h, outcome_y - BOX_GAP) + ROW_GAP

    for source, target, words in edges:
        adjacent = number[target] == number[source] + 1
        body += _down_edge(boxes[source], boxes[target], words, adjacent)
    footer = _Box(MARGIN, y - ROW_GAP // 2, WIDTH - 2 * MARGIN, [("head", pack.record_note)])
    body.append(_text(footer, "record-note", "#f3f2f1", "#0b0c0c"))
    height = footer.y + footer.h + MARGIN

    return _document(pack, order, number, body, height)


def _document(pack: Pack, order: list[Question], number: dict[str, int], body: list[str], height: int) -> str:
    """The drawing wrapped as an SVG document, with a title and a text description for screen readers."""
    title = f"Flowchart: {pack.title} (rule pack {pack.name}, version {pack.version})"
    desc = (
        f"{len(order)} questions asked in order, each leading to the next question or to an outcome: "
        + " ".join(f"Question {number[q.id]}: {q.text}" for q in order)
        + f" {pack.global_note} {pack.record_note}"
    )
    return "".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="fc-title fc-desc" ',
            f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" ',
            'font-family="Arial, Helvetica, sans-serif" font-size="14">',
            f'<title id="fc-title">{escape(title)}</title>',
            f'<desc id="fc-desc">{escape(desc)}</desc>',
            "<defs><style>",
            ".head{font-weight:bold}.title{font-weight:bold;font-size:16px}",
            ".small{font-style:italic;font-size:13px}.label{font-size:13px;font-weight:bold}",
            "</style>",
            '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" ',
            'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#0b0c0c"/></marker></defs>',
            '<rect width="100%" height="100%" fill="#ffffff"/>',
            *body,
            "</svg>\n",
        ]
    )
