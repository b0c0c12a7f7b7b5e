from importlib import import_module

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, seed_people

# Each module offers `seed(world)`; run in dependency order (privacy last: it closes an old case
# with a linked victim and opens a retention review and a subject access request about it).
DEMO_MODULES = [
    "referrals.demo",
    "casework.demo",
    "victims.demo",
    "panels.demo",
    "reports.demo",
    "accounts.demo_privacy",
]


class Command(BaseCommand):
    help = "Load the demo areas, agencies, teams and users (and each app's demo records). Idempotent."

    def handle(self, *args, **options):
        world = seed_people()
        for name in DEMO_MODULES:
            import_module(name).seed(world)
            self.stdout.write(f"seed_demo: {name} records ready")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: {len(world.users)} demo users ready; password for all: {DEMO_PASSWORD}"
            )
        )
