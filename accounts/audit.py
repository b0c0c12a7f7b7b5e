"""Writing the audit trail. Every read of personal data and every write calls `record`.

Events are written in the request's transaction (ATOMIC_REQUESTS): if the write fails, the
response fails with it, so nothing is shown that was not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accounts.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _describe(obj: models.Model | None, object_type: str, object_id: str | int) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, str(object_id) if object_id != "" else ""


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    *,
    user: User | None = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
) -> AuditEvent:
    """Append one audit event for `user` (default: the request's user) acting on `obj`.

    Services called without the request still get its id, address and path: the request being
    served is taken from accounts.middleware.current_request.
    """
    if request is None:
        from accounts.middleware import current_request

        request = current_request.get()
        if request is not None and user is None:
            user = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment]
    membership = user.primary_membership if user is not None else None
    kind, pk = _describe(obj, object_type, object_id)
    return AuditEvent.objects.create(
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


def record_many(request: HttpRequest, action: str, objects: list[models.Model], *, purpose: str = "") -> None:
    """One event per object shown, in a single insert (for lists of personal data)."""
    if not objects:
        return
    template = record(request, action, objects[0], purpose=purpose)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                occurred_at=template.occurred_at,
                user=template.user,
                user_email=template.user_email,
                organisation=template.organisation,
                role=template.role,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                purpose=template.purpose,
                request_id=template.request_id,
                ip_address=template.ip_address,
                path=template.path,
            )
            for obj in objects[1:]
        ]
    )


def events_for(obj: models.Model):
    """Who has accessed this record, newest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "user"
    )
