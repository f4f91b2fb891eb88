"""``manage.py match_round [--dry-run]``: run a matching round now, with progress."""

import sys

from django.core.management.base import BaseCommand, CommandError

from connect.circles.rounds import RoundBusy, run_round


class Command(BaseCommand):
    help = "Run a matching round: group waiting seekers into circles and send invitations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what the round would propose, and write nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        out = self.stdout

        def progress(stage, done=0, total=0):
            if stage == "writing":
                width = 30
                filled = int(width * done / total) if total else width
                bar = "#" * filled + "." * (width - filled)
                out.write(f"\r  writing [{bar}] {done}/{total}", ending="")
                if done == total:
                    out.write("")
            elif stage == "reading open circles":
                out.write(f"  {done} seekers waiting")
                out.write(f"- {stage}…")
            elif stage == "matching":
                out.write(f"  {total} circles with open seats")
                out.write("- matching…")
            else:
                out.write(f"- {stage}…")
            if hasattr(sys.stdout, "flush"):
                sys.stdout.flush()

        try:
            record = run_round(dry_run=dry_run, progress=progress)
        except RoundBusy as exc:
            raise CommandError("Another matching round is running; try again later.") from exc
        ratio = f"{record.quality_ratio:.3f}" if record.quality_ratio is not None else "n/a"
        verb = "would propose" if dry_run else "proposed"
        out.write(
            self.style.SUCCESS(
                f"Round {'(dry run) ' if dry_run else record.pk}: {record.seekers} seekers, "
                f"{verb} {record.circles_proposed} circles and {record.top_ups} top-ups, "
                f"placed {record.placed}, quality {record.quality:.2f} "
                f"(quality/bound {ratio}), {record.seconds:.2f} s."
            )
        )
        if dry_run:
            for reason, count in _reasons(record).most_common(5):
                out.write(f"  unplaced: {count} × {reason}")
        else:
            out.write(f"  {record.invitations} invitations created; emails are queued.")


def _reasons(record):
    from collections import Counter

    return Counter((getattr(record, "result", None).unplaced or {}).values())
