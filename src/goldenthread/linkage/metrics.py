"""Pairwise precision, recall and F1 of a clustering against the truth, from cluster sizes alone.

Counting pairs through the contingency table of (predicted, true) cluster labels avoids listing every
within-cluster pair, which matters at a million records.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs_within(labels: pd.Series | pd.DataFrame) -> int:
    sizes = labels.value_counts().to_numpy()
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(true_labels: pd.Series, predicted_labels: pd.Series) -> PairScores:
    """Scores for two aligned label series (one entry per record)."""
    both = pd.DataFrame({"t": true_labels.to_numpy(), "p": predicted_labels.to_numpy()})
    return PairScores(
        true_pairs=_pairs_within(both["t"]),
        predicted_pairs=_pairs_within(both["p"]),
        correct_pairs=_pairs_within(both[["t", "p"]]),
    )
