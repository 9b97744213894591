"""The review page states the matching rules the code applies, and why this pair waits for a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from goldenthread.linkage import scoring, twins
from goldenthread.people.models import MatchReview
from goldenthread.people.review_help import auto_link_evidence, waiting_because
from tests.integration.people_support import AMELIA, import_rows, row

pytestmark = pytest.mark.django_db


def test_review_help_evidence_is_the_twin_rules_live_rows() -> None:
    assert auto_link_evidence() == [r.why for r in twins.RULE if twins.Matcher.LIVE in r.matchers]
    assert "a personal given name, no date of birth on one record" not in auto_link_evidence()  # batch only


def test_review_page_high_score_without_personal_evidence_says_why(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    import_rows("health", [AMELIA])
    # A sister: same family, birthday and address, another given name and no NHS number.
    import_rows("test-csc", [row(local_id="CSC-1", given_name="Bella", nhs_number="", service="CSC")])
    review = MatchReview.objects.get()
    assert review.weight >= scoring.AUTO_LINK_WEIGHT
    page = client.get(reverse("people:review", args=[review.pk])).content.decode()
    assert f"This pair scores {review.weight:.1f}, 20 or more, but has none of the personal evidence" in page
    assert "score 20 or more in total <strong>and</strong> have personal evidence" in page
    for why in auto_link_evidence():
        assert f"<li>{why}</li>" in page
    assert "from 10 but under 20" in page


def test_waiting_because_middle_band_and_two_people() -> None:
    middle = [{"field": "family_name", "label": "Family name", "outcome": "Same", "weight": 12.0}]
    assert waiting_because(middle) == "This pair scores 12.0: from 10 but under 20, so a person decides."
    evidence = [
        {
            "field": "given_name",
            "label": "Given name",
            "outcome": scoring.GIVEN["exact"].outcome,
            "weight": 6.4,
        },
        {
            "field": "date_of_birth",
            "label": "Date of birth",
            "outcome": scoring.DOB["exact"].outcome,
            "weight": 11.6,
        },
        {"field": "postcode", "label": "Postcode", "outcome": "Same", "weight": 9.2},
    ]
    assert "another person in the index qualified as well" in waiting_because(evidence)
