"""Celery jobs for privacy. Thin: they take dates, call a service tests call directly, and
retry only named transient errors.

    retention_scan  (daily, django-celery-beat "Daily retention review scan"): opens a
    retention review for every record past its retention period. It erases nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from privacy import retention

task_options = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 540,
    "time_limit": 600,
}


@shared_task(**task_options)
def retention_scan(today: str | None = None) -> dict[str, int]:
    day = datetime.date.fromisoformat(today) if today else None
    return retention.retention_scan(today=day)
