from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from goldenthread.audit.actions import AuditChainBrokenError, audit_head_publish, audit_head_signed
from goldenthread.core.actor import Actor


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head (after verifying the chain) and print it as a JSON line, or append it "
        "to --out. Run daily; send the file to the partner agencies, who keep it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="FILE", help="append the signed head to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]) if options["out"] else None
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out: the folder {out.parent} does not exist", returncode=2)
        try:
            head = audit_head_publish(by=Actor.system())
        except AuditChainBrokenError as exc:
            raise CommandError(str(exc), returncode=1) from None
        line = audit_head_signed(head).json_line()
        if out is None:
            self.stdout.write(line)
            return
        try:
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            # The head is signed and kept in the database; only the copy in the file is missing.
            raise CommandError(
                f"Head {head.seq} was signed but could not be written to {out}: {exc.strerror}. It is "
                f"printed here instead:\n{line}",
                returncode=1,
            ) from None
        self.stdout.write(f"Signed head {head.seq}:{head.hash} appended to {out}")
