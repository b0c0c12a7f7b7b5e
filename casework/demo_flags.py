"""Demo risk flags: run every rule for today, in process, so the inbox has something to show.

Idempotent: flags are unique per kind, subject and trigger date, so running seed_demo again
raises nothing new. No emails are sent from the demo.
"""

from django.utils import timezone

from casework import jobs


def seed(world) -> None:
    jobs.scan_all(today=timezone.localdate())
