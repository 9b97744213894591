"""Roles and what each may do: the one table every view and endpoint consults.

Read it as: a permission is granted to a user acting for an agency when one of their active memberships of
that agency carries a role listed against the permission.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    DSL = "dsl", "Designated safeguarding lead"
    MASH_OFFICER = "mash_officer", "MASH officer"
    IG_OFFICER = "ig_officer", "Information governance officer"
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott Guardian"
    BOARD_ANALYST = "board_analyst", "Board analyst"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


class Permission(StrEnum):
    USE_SERVICE = "use_service"
    VIEW_CHILD_DATA = "view_child_data"
    SEARCH_CHILD_INDEX = "search_child_index"
    IMPORT_RECORDS = "import_records"
    REVIEW_MATCHES = "review_matches"
    USE_GUIDE = "use_guide"
    RECORD_DECISION = "record_decision"
    COMPARE_PACKS = "compare_packs"
    ENDORSE_DECISION = "endorse_decision"
    GIVE_ADVICE = "give_advice"
    BREAK_GLASS = "break_glass"
    VIEW_AGGREGATE_REPORTS = "view_aggregate_reports"
    VIEW_AUDIT_LOG = "view_audit_log"
    VERIFY_AUDIT_LOG = "verify_audit_log"
    MANAGE_USERS = "manage_users"
    MANAGE_AGENCIES = "manage_agencies"
    APPROVE_MEMBERSHIPS = "approve_memberships"
    VIEW_AGREEMENTS = "view_agreements"
    MANAGE_AGREEMENTS = "manage_agreements"
    CHECK_AGREEMENT_COVERAGE = "check_agreement_coverage"


_FRONTLINE = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.DSL, Role.MASH_OFFICER})
_GOVERNANCE = frozenset({Role.IG_OFFICER, Role.CALDICOTT_GUARDIAN})

# The system administrator runs the service and manages accounts, and sees no child data: it appears
# only against USE_SERVICE and the two MANAGE permissions.
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.USE_SERVICE: frozenset(Role),
    Permission.VIEW_CHILD_DATA: _FRONTLINE | _GOVERNANCE,
    Permission.SEARCH_CHILD_INDEX: _FRONTLINE | _GOVERNANCE,
    # The agency data officers of the child index: MASH officers put agencies' records together daily,
    # IG officers answer for the index's accuracy. Both already see child data.
    Permission.IMPORT_RECORDS: frozenset({Role.MASH_OFFICER, Role.IG_OFFICER}),
    Permission.REVIEW_MATCHES: frozenset({Role.MASH_OFFICER, Role.IG_OFFICER}),
    # The decision guide answers anyone who sees child data; only the front line records decisions, and
    # governance (who answer for the rules) may run the same answers on another rule pack to compare.
    Permission.USE_GUIDE: _FRONTLINE | _GOVERNANCE,
    Permission.RECORD_DECISION: _FRONTLINE,
    Permission.COMPARE_PACKS: _GOVERNANCE,
    Permission.ENDORSE_DECISION: frozenset({Role.MANAGER, Role.DSL, Role.CALDICOTT_GUARDIAN}),
    Permission.GIVE_ADVICE: frozenset({Role.DSL}) | _GOVERNANCE,
    Permission.BREAK_GLASS: frozenset({Role.MASH_OFFICER, Role.MANAGER, Role.DSL}),
    Permission.VIEW_AGGREGATE_REPORTS: frozenset({Role.BOARD_ANALYST, Role.MANAGER}) | _GOVERNANCE,
    Permission.VIEW_AUDIT_LOG: _GOVERNANCE,
    Permission.VERIFY_AUDIT_LOG: _GOVERNANCE | {Role.SYSTEM_ADMINISTRATOR},
    Permission.MANAGE_USERS: frozenset({Role.SYSTEM_ADMINISTRATOR}),
    Permission.MANAGE_AGENCIES: frozenset({Role.SYSTEM_ADMINISTRATOR}),
    # The second person who lets a role that sees child data take effect: another administrator, or an
    # IG officer of the agency concerned (agencies.actions.membership_approve checks which).
    Permission.APPROVE_MEMBERSHIPS: frozenset({Role.SYSTEM_ADMINISTRATOR, Role.IG_OFFICER}),
    # The register of information sharing agreements holds no child data: every member may read it (a
    # nominated officer signs from it, whatever their role).
    Permission.VIEW_AGREEMENTS: frozenset(Role),
    # Drafting and ending agreements: IG officers write them for their agency and, acting for the
    # partnership, the overarching one; administrators keep the register. Both are who ICO guidance
    # expects to hold an agreement's paperwork; neither sees child data through it.
    # agreements.actions lets only the partnership's IG officers and administrators draft an overarching one.
    Permission.MANAGE_AGREEMENTS: frozenset({Role.IG_OFFICER, Role.SYSTEM_ADMINISTRATOR}),
    # Whoever shares, or answers for sharing, checks that an agreement covers it.
    Permission.CHECK_AGREEMENT_COVERAGE: _FRONTLINE | _GOVERNANCE,
}

# Roles whose memberships see child data, and so take effect only once a second person approves them.
CHILD_DATA_ROLES: frozenset[Role] = PERMISSIONS[Permission.VIEW_CHILD_DATA]
