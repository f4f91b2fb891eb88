"""``manage.py community_health [--json] [--since DATE]``: the community-health
figures for cron jobs and exports, the same numbers as the moderators' page."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from connect.insights import selectors


class Command(BaseCommand):
    help = "Print the community-health figures (as JSON with --json)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")
        parser.add_argument("--since", help="First day (YYYY-MM-DD); its week is the first shown.")
        parser.add_argument("--weeks", type=int, default=selectors.DEFAULT_WEEKS)
        parser.add_argument("--mode", choices=["", *selectors.MODES], default="")
        parser.add_argument("--city", default="")
        parser.add_argument("--zone", default="UTC", help="IANA time zone where weeks begin.")

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--since takes a date as YYYY-MM-DD.") from exc
            if since > timezone.now().date():
                raise CommandError("--since is in the future.")
        if options["weeks"] < 1 or options["weeks"] > 520:
            raise CommandError("--weeks takes 1 to 520.")
        try:
            filters = selectors.Filters(
                weeks=options["weeks"],
                mode=options["mode"],
                city=options["city"],
                zone=options["zone"],
                since=since,
            )
            filters.tz  # noqa: B018  (an unknown zone is refused here, not mid-way)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Unknown time zone: {options['zone']}") from exc
        figures = selectors.community_health(filters)
        if options["json"]:
            document = {
                "generated_at": filters.now.isoformat(),
                "period": {
                    "first_week": filters.week_starts[0].isoformat(),
                    "weeks": filters.weeks,
                    "zone": filters.zone,
                    "mode": filters.mode or "all",
                    "city": filters.city or "all",
                },
                "figures": {f.key: f.as_dict() for f in figures},
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Community health: {filters.describe()}")
        for figure in figures:
            self.stdout.write(f"\n{figure.title}")
            for label, value in figure.facts:
                self.stdout.write(f"  {label}: {'—' if value is None else value}")
