"""The child index: people, what is known about them, and the agency records it was built from."""

from goldenthread.people.models.person import (
    Address,
    DobPrecision,
    Identifier,
    IdentifierKind,
    Involvement,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
    SensitiveCategory,
    Sex,
)
from goldenthread.people.models.records import (
    ImportBatch,
    LinkMethod,
    LinkReason,
    MatchReview,
    ReviewStatus,
    SourceRecord,
    SourceRecordLink,
)

__all__ = [
    "Address",
    "DobPrecision",
    "Identifier",
    "IdentifierKind",
    "ImportBatch",
    "Involvement",
    "LinkMethod",
    "LinkReason",
    "MatchReview",
    "NameKind",
    "Person",
    "PersonName",
    "Relationship",
    "RelationshipKind",
    "ReviewStatus",
    "SensitiveCategory",
    "Sex",
    "SourceRecord",
    "SourceRecordLink",
]
