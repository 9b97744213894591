import pandas as pd

from goldenthread.linkage.metrics import pairwise_scores


def test_pairwise_scores_perfect_clustering():
    truth = pd.Series(["a", "a", "b", "b", "b"])
    scores = pairwise_scores(truth, pd.Series([1, 1, 2, 2, 2]))
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (4, 4, 4)
    assert scores.f1 == 1.0


def test_pairwise_scores_merge_costs_precision_split_costs_recall():
    truth = pd.Series(["a", "a", "b", "b"])
    merged = pairwise_scores(truth, pd.Series([1, 1, 1, 1]))
    assert merged.precision == 2 / 6 and merged.recall == 1.0
    split = pairwise_scores(truth, pd.Series([1, 2, 3, 3]))
    assert split.precision == 1.0 and split.recall == 0.5
