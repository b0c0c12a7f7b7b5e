from importlib import import_module

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts.demo import DEMO_PASSWORD, seed_people

# Each module offers `seed(world)`; run in dependency order (privacy last: it closes an old case
# with a linked victim and opens a retention review and a subject access request about it).
DEMO_MODULES = [
    "referrals.demo",
    "casework.demo",
    "victims.demo",
    "panels.demo",
    "reports.demo",
    "privacy.demo",
]


class Command(BaseCommand):
    help = "Load the demo areas, agencies, teams and users (and each app's demo records). Idempotent."

    def handle(self, *args, **options):
        world = seed_people()
        # Seeding goes through the real services, which queue risk-flag jobs and their emails;
        # demo flags are there to be seen in the app, not mailed to the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for name in DEMO_MODULES:
                import_module(name).seed(world)
                self.stdout.write(f"seed_demo: {name} records ready")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: {len(world.users)} demo users ready; password for all: {DEMO_PASSWORD}"
            )
        )
