from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.ops import backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format); with --check, prove the dump restores whole."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="dump file (default backups/tideline-<time>.dump)")
        parser.add_argument(
            "--check", action="store_true", help="restore into a scratch database and compare"
        )

    def handle(self, *args, output=None, check=False, **options):
        target = output or Path("backups") / f"tideline-{timezone.now():%Y%m%d-%H%M%S}.dump"
        try:
            if not check:
                backups.backup(target)
                self.stdout.write(self.style.SUCCESS(f"backup written to {target}"))
                return
            result = backups.backup_check(target)
        except (RuntimeError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            raise CommandError("backup check FAILED:\n" + "\n".join(result.mismatches))
        self.stdout.write(
            self.style.SUCCESS(
                f"backup {target} restored whole: {result.tables_compared} tables match, "
                f"audit trail {result.audit_rows} rows, checksum {result.audit_checksum}"
            )
        )
