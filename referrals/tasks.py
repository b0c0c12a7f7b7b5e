"""Celery jobs for referrals. Thin: they call a service tests call directly, and retry only
named transient errors.

    bank_holidays_fill  (monthly, django-celery-beat "Bank holiday calendar fill"): adds England
    and Wales bank holidays for this year and the next five; never changes an admin's edit.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from referrals import bank_holidays


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, time_limit=120)
def bank_holidays_fill() -> int:
    return bank_holidays.bank_holidays_fill()
