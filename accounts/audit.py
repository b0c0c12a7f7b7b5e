"""Writing the audit trail. Every read of personal data and every write calls `record`.

A write's events are written in its request's transaction (POST, PUT, PATCH and DELETE run in
one: accounts.routing.atomic_unless_safe), so a change and its record commit together. A read
runs without one, and its events go in a single INSERT. Either way, if the write fails the
response fails with it, so nothing is shown that was not recorded.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.db import models

from accounts.client_address import client_ip
from accounts.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def _client_ip(request: HttpRequest) -> str | None:
    # The same address the sign-in lockout counts (AXES_CLIENT_IP_CALLABLE).
    return client_ip(request)


def label_of(obj: models.Model) -> str:
    """The record type an event names: the model's label, or the `audit_label` a model that moved
    between apps keeps, so its trail reads the same before and after the move."""
    return getattr(obj, "audit_label", None) or obj._meta.label_lower


def _describe(obj: models.Model | None, object_type: str, object_id: str | int) -> tuple[str, str]:
    if obj is not None:
        return label_of(obj), str(obj.pk)
    return object_type, str(object_id) if object_id != "" else ""


def _event(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    *,
    user: User | None = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
) -> AuditEvent:
    """The unsaved event for `user` (default: the request's user) acting on `obj`."""
    if request is None:
        from accounts.middleware import current_request

        request = current_request.get()
        if request is not None and user is None:
            user = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment]
    membership = user.primary_membership if user is not None else None
    kind, pk = _describe(obj, object_type, object_id)
    return AuditEvent(
        user=user,
        user_email=user.email if user is not None else "",
        organisation=membership.team.organisation.name if membership else "",
        role=membership.role if membership else ("admin" if user is not None and user.is_staff else ""),
        action=action,
        object_type=kind,
        object_id=pk,
        purpose=purpose[:500],
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=_client_ip(request) if request is not None else None,
        path=request.get_full_path()[:500] if request is not None else "",
    )


def record(
    request: HttpRequest | None, action: str, obj: models.Model | None = None, **details
) -> AuditEvent:
    """Append one audit event for `user` (default: the request's user) acting on `obj`.

    `details`: `user`, `object_type` and `object_id` (for something that is not a model
    instance), `purpose`. Services called without the request still get its id, address and
    path: the request being served is taken from accounts.middleware.current_request.
    """
    event = _event(request, action, obj, **details)
    event.save()
    return event


def record_many(request: HttpRequest, action: str, objects: list[models.Model], *, purpose: str = "") -> None:
    """One event per object shown, all in a single insert (for lists of personal data)."""
    if not objects:
        return
    template = _event(request, action, objects[0], purpose=purpose)
    events = [template]
    for obj in objects[1:]:
        event = copy.copy(template)
        event.object_type, event.object_id = label_of(obj), str(obj.pk)
        events.append(event)
    # One INSERT of every row. `bulk_create` would wrap it in a transaction of its own: a read
    # runs without a request transaction (accounts.routing.atomic_unless_safe), and a single
    # statement is atomic by itself, so the BEGIN and COMMIT it adds are not needed.
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    AuditEvent._base_manager._insert(events, fields=fields)


def events_for(obj: models.Model):
    """Who has accessed this record, newest first."""
    return AuditEvent.objects.filter(object_type=label_of(obj), object_id=str(obj.pk)).select_related("user")
