from importlib import import_module

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, seed_people

# Each app that has demo data offers `<app>.demo.seed(world)`; run in dependency order.
DEMO_APPS = ["referrals", "casework", "victims", "panels", "reports"]


class Command(BaseCommand):
    help = "Load the demo areas, agencies, teams and users (and each app's demo records). Idempotent."

    def handle(self, *args, **options):
        world = seed_people()
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(world)
            self.stdout.write(f"seed_demo: {app} demo records ready")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: {len(world.users)} demo users ready; password for all: {DEMO_PASSWORD}"
            )
        )
