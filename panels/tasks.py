"""Celery jobs for panels. Thin wrappers: the work is in panels.packs, which tests call directly."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from panels import packs


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def generate_meeting_pack(pack_id: int) -> str:
    """Render one meeting pack. Takes the pack's id only; exits quietly if it is gone or already made."""
    pack = packs.pack_generate(pack_id=pack_id)
    return pack.status if pack is not None else "skipped"
