from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from goldenthread.accounts.actions import user_create
from goldenthread.accounts.models import User
from goldenthread.agencies.actions import agency_create, membership_create, team_create
from goldenthread.agencies.demo import AGENCIES, DEMO_PASSWORD, USERS
from goldenthread.agencies.models import Agency, Membership, Team
from goldenthread.agencies.permissions import Role
from goldenthread.core.actor import Actor


class Command(BaseCommand):
    help = "Load the fictitious Northshire partnership. Safe to repeat: nothing is duplicated."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-credentials", action="store_true", help="do not print the sign-in table")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "demo-data creates accounts with a published password; it will not run in production"
            )
        created = self._load()
        self.stdout.write(f"Demo partnership ready ({created} new records).")
        self._load_children()
        if not options["quiet_credentials"]:
            self._print_credentials()

    @transaction.atomic
    def _load(self) -> int:
        actor = Actor(username="demo-data")
        created = 0
        for spec in AGENCIES:
            agency = Agency.objects.filter(code=spec.code).first()
            if agency is None:
                agency = agency_create(
                    code=spec.code,
                    name=spec.name,
                    kind=spec.kind,
                    by=actor,
                    ods_code=spec.ods_code,
                    urn=spec.urn,
                    la_code=spec.la_code,
                    charity_number=spec.charity_number,
                )
                created += 1
            for code, name, is_mash in spec.teams:
                if not Team.objects.filter(agency=agency, code=code).exists():
                    team_create(agency=agency, code=code, name=name, is_mash=is_mash, by=actor)
                    created += 1
        for person in USERS:
            user = User.objects.filter(username=person.username).first()
            if user is None:
                user = user_create(
                    username=person.username,
                    password=DEMO_PASSWORD,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    email=f"{person.username}@northshire.example",
                    by=actor,
                    job_title=person.job_title,
                )
                created += 1
            for agency_code, role in person.memberships:
                agency = Agency.objects.get(code=agency_code)
                # Any membership ever held counts: one ended through the service stays ended.
                if not Membership.objects.filter(user=user, agency=agency, role=role).exists():
                    membership_create(
                        user=user, agency=agency, role=role, by=actor, pre_approved_reason="demo data"
                    )
                    created += 1
        return created

    def _load_children(self) -> None:
        from goldenthread.people.demo import demo_children_load

        self.stdout.write("Demo children, imported through the child index's matching:")
        demo_children_load(say=self.stdout.write)

    def _print_credentials(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo sign-in (every account's password: {DEMO_PASSWORD})")
        self.stdout.write("At first sign-in each account sets up an authenticator app (scan the QR code).")
        self.stdout.write(f"{'username':<16} {'role':<32} agency")
        for person in USERS:
            if not person.memberships:
                self.stdout.write(f"{person.username:<16} {'(no membership: cannot sign in)':<32} -")
            for agency_code, role in person.memberships:
                name = next(a.name for a in AGENCIES if a.code == agency_code)
                self.stdout.write(f"{person.username:<16} {Role(role).label:<32} {name}")
