"""The first system administrator of a new installation.

Nobody can sign in to a fresh production database, and Django's createsuperuser would make an account
outside the roles and memberships every permission is read from. This command makes the first system
administrator the way the Users page makes every later account: no password is ever known to anyone but
the person, who chooses it through the one-time link printed here (mail may not be set up yet).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from goldenthread.accounts.actions import user_create
from goldenthread.accounts.setup_tokens import setup_link_path
from goldenthread.agencies.actions import agency_create, membership_create
from goldenthread.agencies.models import Agency, Membership
from goldenthread.agencies.permissions import Role
from goldenthread.audit.actions import Actor

_LABELS = {"code": "agency code", "name": "agency name", "kind": "agency kind"}


def _problems(error: ValidationError, *, prefix: dict[str, str]) -> str:
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    return "; ".join(
        f"{prefix.get(field, field.replace('_', ' '))}: {' '.join(ValidationError(errors).messages)}"
        for field, errors in error.error_dict.items()
    )


class Command(BaseCommand):
    help = "Create the first system administrator (and their agency) and print their one-time set-up link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency-code", required=True, help="their agency (created if new)")
        parser.add_argument("--agency-name", default="", help="needed when the agency is new")
        parser.add_argument("--agency-kind", default="", help="needed when the agency is new, e.g. other")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--base-url", required=True, help="the address people use, e.g. https://goldenthread.example.org"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"].strip().rstrip("/")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url must start with https:// (or http:// on a test machine)")
        try:
            user = self._create(options)
        except ValidationError as error:
            raise CommandError(_problems(error, prefix={})) from None
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(
            f"{user.username} is the system administrator of {options['agency_code']}.\n"
            f"Give them this link, privately; it works once and expires in {hours} hours:\n"
            f"{base_url}{setup_link_path(user)}\n"
            "After choosing a password they set up their second factor at first sign-in.\n"
        )

    @transaction.atomic
    def _create(self, options: dict[str, Any]) -> Any:
        active = Membership.objects.active().filter(role=Role.SYSTEM_ADMINISTRATOR)
        if active.exists():
            raise CommandError(
                "This installation already has a system administrator; they add accounts on the Users page"
            )
        actor = Actor(username="first-admin")
        agency = Agency.objects.filter(code=options["agency_code"]).first()
        if agency is None:
            if not options["agency_name"] or not options["agency_kind"]:
                raise CommandError(
                    f"No agency has the code {options['agency_code']!r}: "
                    "give --agency-name and --agency-kind to create it"
                )
            try:
                agency = agency_create(
                    code=options["agency_code"],
                    name=options["agency_name"],
                    kind=options["agency_kind"],
                    by=actor,
                )
            except ValidationError as error:
                raise CommandError(_problems(error, prefix=_LABELS)) from None
        user = user_create(
            username=options["username"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            by=actor,
        )
        membership_create(user=user, agency=agency, role=Role.SYSTEM_ADMINISTRATOR, by=actor)
        return user
