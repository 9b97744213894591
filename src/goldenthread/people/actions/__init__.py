"""Every write to the child index, one module per job; every public name is re-exported here.

- ``imports``: an agency's file imported, in one go or in chunks under a lease, failed or stopped
- ``import_rows``: one imported row matched, linked and related
- ``links``: people merged and records unmerged
- ``reviews``: a data officer's decisions on queued matches
- ``alerts``: access alerts raised and closed
"""

from goldenthread.people.actions.alerts import (
    AlertError,
    access_alert_close,
    access_alert_raise,
    access_volume_check,
    agency_involved,
    card_view_alerts_raise,
    card_view_unusual,
)
from goldenthread.people.actions.import_rows import (
    CREATED_AUTO,
    CREATED_NEW,
    CREATED_REVIEW,
    UNCHANGED,
    UPDATED,
)
from goldenthread.people.actions.imports import (
    IMPORT_LEASE,
    ImportBusyError,
    Progress,
    records_import,
    records_import_continue,
    records_import_fail,
    records_import_file_drop,
    records_import_housekeeping,
    records_import_open,
    records_import_start,
    records_import_stop,
    records_imports_idle,
)
from goldenthread.people.actions.links import LinkError, person_current, person_merge, person_unmerge
from goldenthread.people.actions.reviews import match_review_link, match_review_separate

__all__ = [
    "CREATED_AUTO",
    "CREATED_NEW",
    "CREATED_REVIEW",
    "IMPORT_LEASE",
    "UNCHANGED",
    "UPDATED",
    "AlertError",
    "ImportBusyError",
    "LinkError",
    "Progress",
    "access_alert_close",
    "access_alert_raise",
    "access_volume_check",
    "agency_involved",
    "card_view_alerts_raise",
    "card_view_unusual",
    "match_review_link",
    "match_review_separate",
    "person_current",
    "person_merge",
    "person_unmerge",
    "records_import",
    "records_import_continue",
    "records_import_fail",
    "records_import_file_drop",
    "records_import_housekeeping",
    "records_import_open",
    "records_import_start",
    "records_import_stop",
    "records_imports_idle",
]
