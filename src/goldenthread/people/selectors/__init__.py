"""Every read of the child index, one module per job; every public name is re-exported here.

- ``cards``: search, the person's card and the names other pages show
- ``reviews``: the review queue, source records and the agency's imports
- ``access``: who has seen a record, and the access alerts
Visibility lives in each: what a user may not see is a 404, and reads of a person are audited there.
"""

from goldenthread.people.selectors.access import (
    ACCESS_ACTIONS,
    AccessEntry,
    access_alert_get_for_user,
    access_alerts_open_count,
    access_alerts_open_for,
    person_access_for_user,
)
from goldenthread.people.selectors.cards import (
    Card,
    CardViewLimitError,
    RelationshipView,
    SearchRow,
    person_current_id_for_user,
    person_for_record,
    person_get_for_user,
    person_ids_merged_into,
    person_named_for_user,
    person_search_for_user,
    search_rows,
)
from goldenthread.people.selectors.reviews import (
    ComparedField,
    import_batch_get_for_user,
    import_batches_for,
    import_batches_unfinished_elsewhere,
    match_review_get_for_user,
    match_review_shielded_contact,
    match_reviews_open_count,
    match_reviews_open_for,
    source_record_get_for_user,
)

__all__ = [
    "ACCESS_ACTIONS",
    "AccessEntry",
    "Card",
    "CardViewLimitError",
    "ComparedField",
    "RelationshipView",
    "SearchRow",
    "access_alert_get_for_user",
    "access_alerts_open_count",
    "access_alerts_open_for",
    "import_batch_get_for_user",
    "import_batches_for",
    "import_batches_unfinished_elsewhere",
    "match_review_get_for_user",
    "match_review_shielded_contact",
    "match_reviews_open_count",
    "match_reviews_open_for",
    "person_access_for_user",
    "person_current_id_for_user",
    "person_for_record",
    "person_get_for_user",
    "person_ids_merged_into",
    "person_named_for_user",
    "person_search_for_user",
    "search_rows",
    "source_record_get_for_user",
]
