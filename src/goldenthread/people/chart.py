"""Geometry of the match-weight chart: an inline SVG bar per field, for and against, no JavaScript.

SVG presentation attributes (x, width, fill) are not styles, so the chart works under the service's
Content-Security-Policy, which forbids inline style.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 150
BAR_AREA = 420
ROW_HEIGHT = 30
BAR_HEIGHT = 18
SCALE_BITS = 20.0  # a bar of half the area is 20 bits; stronger evidence is drawn at full length
FOR = "#00703c"  # GOV.UK green
AGAINST = "#d4351c"  # GOV.UK red


@dataclass(frozen=True)
class Bar:
    label: str
    outcome: str
    weight: float
    x: float
    y: float
    width: float
    fill: str
    text_x: float
    text_anchor: str
    label_y: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    centre: float
    total: float


def weight_chart(weights: list[tuple[str, str, float]]) -> Chart:
    """``weights`` are (field label, outcome, weight) in display order."""
    centre = LABEL_WIDTH + BAR_AREA / 2
    half = BAR_AREA / 2 - 40  # room for the number beside the longest bar
    bars = []
    for index, (label, outcome, weight) in enumerate(weights):
        length = min(abs(weight), SCALE_BITS) / SCALE_BITS * half
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        positive = weight >= 0
        bars.append(
            Bar(
                label=label,
                outcome=outcome,
                weight=round(weight, 1),
                x=centre if positive else centre - length,
                y=y,
                width=max(length, 1.0),
                fill=FOR if positive else AGAINST,
                text_x=centre + length + 4 if positive else centre - length - 4,
                text_anchor="start" if positive else "end",
                label_y=y + BAR_HEIGHT - 4,
            )
        )
    return Chart(
        bars=bars,
        width=int(LABEL_WIDTH + BAR_AREA),
        height=max(len(bars), 1) * ROW_HEIGHT,
        centre=centre,
        total=round(sum(w for _, _, w in weights), 1),
    )
