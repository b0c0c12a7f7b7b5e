import time

from django.core.management.base import BaseCommand, CommandError

from bench.dataset import SIZES, generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic, internally consistent dataset (bench/dataset.py): "
        "demo (seconds), force (~20,000 cases) or national (1,000,000 cases). No real person's data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same day: same data.")
        parser.add_argument(
            "--jobs", type=int, default=1, help="Build this many areas at once, each in its own process."
        )

    def handle(self, *args, size, seed, jobs, **options):
        started = time.monotonic()
        try:
            counts = generate(
                size=size,
                seed=seed,
                jobs=jobs,
                progress=lambda line: self.stdout.write(f"generate_dataset: {line}"),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        for label, n in sorted(counts.rows.items()):
            self.stdout.write(f"  {label:45} {n:>12,}")
        total = sum(counts.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"generate_dataset: {size} ready, {total:,} rows in {elapsed:.1f}s ({total / max(elapsed, 0.001):,.0f} rows/s)"
            )
        )
