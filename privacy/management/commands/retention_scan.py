"""`manage.py retention_scan [--today YYYY-MM-DD]`: open retention reviews now (erases nothing)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from privacy.retention import retention_scan


class Command(BaseCommand):
    help = "Open a retention review for every record past its retention period. Erases nothing."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-01-31: {error}") from None
        opened = retention_scan(today=day)
        for record_type, count in opened.items():
            self.stdout.write(f"{record_type}: {count} new review(s)")
