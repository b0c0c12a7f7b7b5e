"""Celery jobs for risk flags. Thin: they take ids and dates, call casework.flags, and retry
only named transient errors. The rules themselves are plain functions tests call directly.

Services call the enqueue helpers inside the transaction that wrote the record; the job is
sent on commit, and if Redis is down the request still succeeds: the next daily scan re-checks
its windows and raises the flag then.

    enqueue_flags_after_incident(incident.pk)     # casework legal: incident entered or changed
    enqueue_flags_after_incidents(ids)            # casework imports: the end of an import (batched)
    enqueue_flags_after_breach(breach.pk)         # casework legal: breach recorded
    enqueue_flags_after_order(order.pk)           # casework legal: order recorded or changed (DVPN)
    enqueue_flags_after_custody(custody.pk)       # casework legal: release dates changed, release recorded
    enqueue_flags_after_new_partner(notice.pk)    # victims: new partner notice recorded
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from casework import flags

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, BrokerOperationalError)
# The daily scan sends its emails after its batches have had time to run.
NOTIFY_DELAY_SECONDS = 600

task_options = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 240,
    "time_limit": 300,
}


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(**task_options)
def daily_risk_scan(today: str | None = None, incremental: bool = False) -> int:
    """Run every rule's candidate query and hand the ids to `raise_rule_batch`, 1,000 at a time.

    `incremental` (the frequent re-scan) skips rules that already ran today with nothing they
    read changed since (casework.change_marker): with nothing changed it costs two tiny queries.
    """
    day = _day(today)
    due, marker = flags.rules_due(day, incremental=incremental)
    sent = 0
    for rule in due:
        for batch in flags.batches(flags.candidate_ids(rule, day)):
            raise_rule_batch.delay(rule.key, batch, day.isoformat())
            sent += 1
    flags.record_scan([rule.key for rule in due], day, marker)
    if sent or not incremental:
        send_flag_notifications.apply_async(countdown=NOTIFY_DELAY_SECONDS)
    logger.info(
        "%s risk scan for %s: %d rules, %d batches",
        "incremental" if incremental else "daily",
        day,
        len(due),
        sent,
    )
    return sent


@shared_task(**task_options)
def raise_rule_batch(rule_key: str, ids: list[int], today: str) -> int:
    return flags.rule(rule_key).raise_flags(list(ids), _day(today))


@shared_task(**task_options)
def flags_after_incident(incident_id: int) -> int:
    return _after_event("incident", incident_id)


@shared_task(**task_options)
def flags_after_incidents(incident_ids: list[int]) -> int:
    """Up to BATCH_SIZE incidents from one import."""
    return _after_event("incident", list(incident_ids))


@shared_task(**task_options)
def flags_after_breach(breach_id: int) -> int:
    return _after_event("breach", breach_id)


@shared_task(**task_options)
def flags_after_new_partner(notice_id: int) -> int:
    return _after_event("new_partner", notice_id)


@shared_task(**task_options)
def flags_after_order(order_id: int) -> int:
    return _after_event("order", order_id)


@shared_task(**task_options)
def flags_after_custody(custody_id: int) -> int:
    return _after_event("custody", custody_id)


def _after_event(event: str, ids: int | list[int]) -> int:
    raised = flags.flags_after_event(event, ids)
    if raised:
        flags.flags_notify()
    return raised


@shared_task(**task_options)
def escalate_flags() -> int:
    """Hourly: escalate unacknowledged flags, then email anyone with new flags (escalations too)."""
    escalated = flags.flags_escalate()
    flags.flags_notify()
    return escalated


@shared_task(**task_options)
def send_flag_notifications() -> int:
    return flags.flags_notify()


# --- Enqueue helpers for other apps' services -------------------------------------------------------


def safe_delay(task, *args) -> bool:
    """`task.delay(*args)`, but a broker outage is logged and swallowed: the next scan catches up."""
    try:
        task.delay(*args)
    except (BrokerOperationalError, ConnectionError, OSError) as error:
        logger.warning(
            "could not enqueue %s%r (%s); the next daily scan will pick it up", task.name, args, error
        )
        return False
    except Exception:
        # Only reachable when jobs run in-process (the demo): the record is saved, so the
        # request must not fail; the next scan raises the flag.
        logger.exception(
            "risk flag job %s%r failed in process; the next daily scan will retry", task.name, args
        )
        return False
    return True


def _on_commit(task, argument: int | list[int]) -> None:
    transaction.on_commit(lambda: safe_delay(task, argument))


def enqueue_flags_after_incident(incident_id: int) -> None:
    _on_commit(flags_after_incident, incident_id)


def enqueue_flags_after_breach(breach_id: int) -> None:
    _on_commit(flags_after_breach, breach_id)


def enqueue_flags_after_new_partner(notice_id: int) -> None:
    _on_commit(flags_after_new_partner, notice_id)


def enqueue_flags_after_order(order_id: int) -> None:
    _on_commit(flags_after_order, order_id)


def enqueue_flags_after_custody(custody_id: int) -> None:
    _on_commit(flags_after_custody, custody_id)


def enqueue_flags_after_incidents(incident_ids: list[int]) -> None:
    """An import's incidents: one job per BATCH_SIZE ids, never one per incident."""
    for batch in flags.batches(incident_ids):
        _on_commit(flags_after_incidents, batch)
