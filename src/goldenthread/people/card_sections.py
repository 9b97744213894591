"""Sections other parts of the service add to a person's card, so the child index depends on none of them.

Sharing, for example, lists the decisions and advice about the child that the viewer's agency recorded.
A provider is registered once (in its app's ``ready``) and called for every card shown; it returns the
template to include and what that template needs, or None to add nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from goldenthread.people.models import Person


@dataclass(frozen=True)
class CardSection:
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


CardSectionProvider = Callable[..., CardSection | None]
_providers: list[CardSectionProvider] = []


def card_section_provider(provider: CardSectionProvider) -> CardSectionProvider:
    """Register ``provider(*, user, agency, person, break_glass) -> CardSection | None``; ``break_glass`` is
    true while the user has broken the glass on this person in this session (people.break_glass)."""
    _providers.append(provider)
    return provider


def card_sections_for(
    *, user: Any, agency: Any, person: Person, break_glass: bool = False
) -> list[CardSection]:
    sections = (
        provider(user=user, agency=agency, person=person, break_glass=break_glass) for provider in _providers
    )
    return [section for section in sections if section is not None]
