"""The first system administrator of a new installation.

Nobody can sign in to a fresh production database, and Django's createsuperuser would make an account
outside the roles and memberships every permission is read from. This command makes the first system
administrator the way the Users page makes every later account: no password is ever known to anyone but
the person, who chooses it through the one-time link printed here (mail may not be set up yet).

Once an administrator exists it refuses: later accounts are made in the browser, where they are audited
against a named administrator. Two ways out remain for the operator, each audited: ``--reissue`` prints a
new link for an administrator who never chose a password (the first link expired), and ``--recover
REASON`` makes a new administrator when no administrator membership is active any more.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from goldenthread.accounts.actions import user_create
from goldenthread.accounts.models import User
from goldenthread.accounts.setup_tokens import setup_link_path
from goldenthread.agencies.actions import agency_create, membership_create
from goldenthread.agencies.models import Agency, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.actions import audit_record
from goldenthread.core.actor import Actor
from goldenthread.core.errors import NON_FIELD, ActionError

_LABELS = {"code": "agency code", "name": "agency name", "kind": "agency kind"}
# Any number will do, so long as nothing else takes the same PostgreSQL advisory lock.
_LOCK_KEY = 0x67746664


def _problems(error: ActionError, *, prefix: dict[str, str]) -> str:
    return "; ".join(
        " ".join(messages)
        if field == NON_FIELD
        else f"{prefix.get(field, field.replace('_', ' '))}: {' '.join(messages)}"
        for field, messages in error.problems.items()
    )


def _serialise() -> None:
    """Two runs at once must not both find no administrator; SQLite already takes one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


class Command(BaseCommand):
    help = "Create the first system administrator (and their agency) and print their one-time set-up link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--base-url", required=True, help="the address people use, e.g. https://goldenthread.example.org"
        )
        parser.add_argument("--agency-code", default="", help="their agency (created if new)")
        parser.add_argument("--agency-name", default="", help="needed when the agency is new")
        parser.add_argument("--agency-kind", default="", help="needed when the agency is new, e.g. other")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--reissue",
            action="store_true",
            help="a new link for an administrator who never chose a password",
        )
        parser.add_argument(
            "--recover", default="", metavar="REASON", help="no administrator is active any more: say why"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"].strip().rstrip("/")
        schemes = ("https://",) if settings.PRODUCTION else ("https://", "http://")
        if not base_url.startswith(schemes):
            raise CommandError("--base-url must start with https:// (http:// only outside production)")
        actor = Actor(username=f"cli:{getpass.getuser()}")
        try:
            user = self._reissue(options, actor) if options["reissue"] else self._create(options, actor)
        except ActionError as error:
            raise CommandError(_problems(error, prefix={})) from None
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(
            f"{user.username} is a system administrator of {self._agency_of(user)}.\n"
            f"Give them this link, privately; it works once and expires in {hours} hours:\n"
            f"{base_url}{setup_link_path(user)}\n"
            "After choosing a password they set up their second factor at first sign-in.\n"
        )

    @staticmethod
    def _agency_of(user: User) -> str:
        membership = Membership.objects.active().filter(user=user, role=Role.SYSTEM_ADMINISTRATOR).first()
        return membership.agency.code if membership else ""

    @transaction.atomic
    def _reissue(self, options: dict[str, Any], actor: Actor) -> User:
        user = User.objects.filter(username=options["username"]).first()
        is_admin = Membership.objects.active().filter(user=user, role=Role.SYSTEM_ADMINISTRATOR).exists()
        if user is None or not is_admin:
            raise CommandError(f"{options['username']!r} is not an active system administrator")
        if user.has_usable_password() or user.last_login is not None:
            raise CommandError(
                f"{user.username} has already chosen a password: another administrator sends a new link "
                "from the Users page"
            )
        audit_record(by=actor, action="user.setup_link_reissued", object_type="user", object_id=user.pk)
        return user

    @transaction.atomic
    def _create(self, options: dict[str, Any], actor: Actor) -> User:
        for option in ("agency_code", "email"):
            if not options[option].strip():
                raise CommandError(f"--{option.replace('_', '-')} is required")
        _serialise()
        admins = Membership.objects.filter(role=Role.SYSTEM_ADMINISTRATOR)
        if admins.active().exists():
            raise CommandError(
                "This installation already has a system administrator; they add accounts on the Users page"
            )
        reason = options["recover"].strip()
        if admins.exists() and not reason:
            raise CommandError(
                "This installation has had a system administrator, but none is active now. If nobody can "
                'sign in to add one, run again with --recover "why" (the reason is kept in the audit log)'
            )
        agency = self._agency(options, actor)
        user = user_create(
            username=options["username"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            by=actor,
        )
        membership_create(user=user, agency=agency, role=Role.SYSTEM_ADMINISTRATOR, by=actor)
        if reason:
            audit_record(
                by=actor,
                action="user.administrator_recovered",
                object_type="user",
                object_id=user.pk,
                details={"reason": reason[:500], "agency": agency.code},
            )
        return user

    @staticmethod
    def _agency(options: dict[str, Any], actor: Actor) -> Agency:
        code, name, kind = options["agency_code"], options["agency_name"], options["agency_kind"]
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            if not name or not kind:
                raise CommandError(
                    f"No agency has the code {code!r}: give --agency-name and --agency-kind to create it"
                )
            try:
                return agency_create(code=code, name=name, kind=kind, by=actor)
            except ActionError as error:
                raise CommandError(_problems(error, prefix=_LABELS)) from None
        if not agency.is_active:
            raise CommandError(f"The agency {code!r} is closed: an administrator there could not sign in")
        if (name and name != agency.name) or (kind and kind != agency.kind):
            raise CommandError(
                f"The agency {code!r} already exists as {agency.name!r} ({agency.kind}); leave out "
                "--agency-name and --agency-kind, or give them as they are"
            )
        return agency
