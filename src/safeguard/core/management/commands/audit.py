"""``safeguard audit``: check the audit trail's chain, and read one record's history.

Subcommands:

* ``verify [--anchor SEQ:HASH] [--batch-size N]``: walks the whole chain; exit 0 if intact, 1 with
  every problem listed otherwise.
* ``head``: prints the newest link as ``SEQ:HASH``, to be kept outside the database.
* ``show --record TYPE:ID``: the history of one record, ids only (who is a person id).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from datetime import UTC
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core import audit
from safeguard.core.models import AuditEvent
from safeguard.core.models.audit import AuditAction


def _record(value: str) -> tuple[str, str]:
    record_type, sep, record_id = value.partition(":")
    if not sep or not record_type or not record_id:
        raise ArgumentTypeError("--record must look like TYPE:ID, for example core.person:12")
    return record_type, record_id


def _anchor(value: str) -> tuple[int, str]:
    seq, sep, kept = value.partition(":")
    if not sep or not seq.isdigit() or len(kept) != 64:
        raise ArgumentTypeError(
            "--anchor must look like SEQ:HASH, as 'safeguard audit head' prints"
        )
    return int(seq), kept.lower()


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain (verify), print its head, or show a record's history."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = sub.add_parser("verify", help="walk the chain; exit 1 if it was tampered with")
        verify.add_argument("--anchor", type=_anchor, help="a head kept earlier, as SEQ:HASH")
        verify.add_argument("--batch-size", type=int, default=5000, help="rows per query")
        sub.add_parser("head", help="print the newest link as SEQ:HASH, to keep elsewhere")
        show = sub.add_parser("show", help="the history of one record, ids only")
        show.add_argument(
            "--record", type=_record, required=True, help="TYPE:ID, e.g. core.person:12"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        match options["subcommand"]:
            case "verify":
                self._verify(options["anchor"], options["batch_size"], options["verbosity"])
            case "head":
                seq, last_hash = audit.head()
                self.stdout.write(f"{seq}:{last_hash}")
            case "show":
                self._show(*options["record"])
            case other:  # pragma: no cover - argparse refuses unknown subcommands first
                raise CommandError(f"unknown subcommand {other}")

    def _verify(self, anchor: tuple[int, str] | None, batch_size: int, verbosity: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()
        result = audit.verify(batch_size=batch_size, anchor=anchor)
        seconds = time.monotonic() - started
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}.")
        if result.intact:
            self.stdout.write(
                f"Audit trail intact: {result.rows} rows verified.", self.style.SUCCESS
            )
            if verbosity > 1:
                self.stdout.write(f"Took {seconds:.2f} seconds.")
            return
        self.stdout.write(
            f"Audit trail NOT intact: {len(result.problems)} problem(s) in {result.rows} rows.",
            self.style.ERROR,
        )
        for problem in result.problems:
            self.stdout.write(f"- {problem}")
        raise CommandError("the audit trail is not intact", returncode=1)

    def _show(self, record_type: str, record_id: str) -> None:
        events = AuditEvent.objects.filter(record_type=record_type, record_id=record_id).order_by(
            "seq"
        )
        self.stdout.write("seq\twhen (UTC)\tperson\torganisation\taction\troute\tchanged")
        count = 0
        for event in events.iterator(chunk_size=2000):
            count += 1
            self.stdout.write(
                "\t".join(
                    [
                        str(event.seq),
                        event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        _id(event.actor_id)
                        if event.api_key_id is None
                        else f"key {event.api_key_id}",
                        _id(event.actor_organisation_id),
                        event.action,
                        event.route or "-",
                        ",".join(sorted(event.changes)) if isinstance(event.changes, dict) else "-",
                    ]
                )
            )
        self.stdout.write(f"{count} event(s) for {record_type}:{record_id}.")
        # Reading the trail is itself a read worth recording.
        audit.record(
            action=AuditAction.VIEW,
            record_type="core.audit",
            record_id=f"{record_type}:{record_id}"[:64],
            route="cli:audit show",
        )


def _id(value: int | None) -> str:
    return "-" if value is None else str(value)
