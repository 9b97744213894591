"""The fixed lists an agreement is written in, so the coverage check can compare like with like.

Purposes are the service's own (the ones a search or a card is opened for, people.forms.PURPOSES); the
categories of information follow the headings practitioners share under in a safeguarding partnership.
"""

from __future__ import annotations

from goldenthread.people.forms import PURPOSES

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("identity_contact", "Identity and contact details"),
    ("family_household", "Family and household"),
    ("safeguarding_concerns", "Safeguarding concerns and referrals"),
    ("social_care", "Social care assessments and plans"),
    ("health", "Health (special category)"),
    ("mental_health", "Mental health (special category)"),
    ("education", "Education and attendance"),
    ("police_intelligence", "Police incidents and intelligence"),
    ("criminal_offence", "Criminal offence data"),
    ("housing", "Housing and tenancy"),
)

PURPOSE_LABELS: dict[str, str] = dict(PURPOSES)
CATEGORY_LABELS: dict[str, str] = dict(CATEGORIES)

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "PURPOSES", "PURPOSE_LABELS"]
