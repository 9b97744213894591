from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from goldenthread.audit.signing import public_key_text, signing_key_parse


class Command(BaseCommand):
    help = "Print the public key that checks this installation's signed audit heads (give it to partners)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(public_key_text(signing_key_parse(settings.AUDIT_SIGNING_KEY)))
