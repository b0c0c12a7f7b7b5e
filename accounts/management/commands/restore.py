from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.ops import backups


class Command(BaseCommand):
    help = "Restore a pg_dump custom-format backup into a database (default: the configured one)."

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument(
            "--database-name", help="target database (must exist); default the configured one"
        )
        parser.add_argument(
            "--yes", action="store_true", help="confirm replacing the target database's contents"
        )

    def handle(self, *args, dump, database_name=None, yes=False, **options):
        from django.db import connection

        target = database_name or connection.settings_dict["NAME"]
        if not yes:
            raise CommandError(f"This replaces everything in {target}. Run again with --yes to confirm.")
        if not dump.exists():
            raise CommandError(f"No dump at {dump}")
        try:
            backups.restore(dump, target)
        except (RuntimeError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"restored {dump} into {target}"))
