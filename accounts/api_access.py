"""The access policy, applied to DRF: one filter backend, one object permission, one base view.

Every API view in Tideline inherits `PolicyAPIMixin`, which declares:

- authentication: an API token (`accounts.api_auth`) or a verified session; never Basic;
- permissions: signed in, the token's scope for the method, and `PolicyObjectPermission`;
- filtering: `PolicyFilterBackend` first (narrows every queryset to what `accounts.policy`
  lets the user see), then django-filter;
- throttling: per token, by `throttle_scope`.

Models without a rule of their own (orders, custody records, disruption actions) are reached
through the record that owns them: the view sets `policy_via = "case"` and the backend keeps the
rows whose case is visible, the object permission checks the action on that case.

Detail endpoints 404 for objects the user may not see (the filter backend runs inside
`get_object`); a visible object the user may not change gives 403.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models, transaction
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse
from rest_framework import filters, permissions, serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.views import exception_handler as drf_exception_handler

from accounts import audit, policy
from accounts.api_auth import (
    ApiTokenAuthentication,
    TokenRateThrottle,
    TokenScopePermission,
    VerifiedSessionAuthentication,
    token_of,
)
from accounts.models import AuditEvent
from accounts.records import ConcurrentEditError


def _parent_model(model: type[models.Model], via: str) -> type[models.Model]:
    target: type[models.Model] = model
    for part in via.split("__"):
        target = target._meta.get_field(part).related_model  # type: ignore[assignment]
    return target


def visible_queryset(user, model: type[models.Model], via: str | None = None) -> models.QuerySet:
    """What `user` may see of `model`: by its own rule, or through the record at `via`."""
    if via is None:
        return policy.visible(user, model)
    parent = _parent_model(model, via)
    return model._default_manager.filter(**{f"{via}__in": policy.visible(user, parent).values("pk")})


def policy_subject(obj: models.Model, via: str | None) -> models.Model:
    """The object whose rule decides access to `obj` (itself, or its case for a case's order)."""
    if via is None:
        return obj
    for part in via.split("__"):
        obj = getattr(obj, part)
    return obj


class PolicyFilterBackend(filters.BaseFilterBackend):
    """Narrows every list (and every detail lookup) to what the access policy lets the user see."""

    def filter_queryset(self, request, queryset, view):
        # A view may name the same rows a cheaper way (CaseViewSet: one index scan per relation).
        visible_pks = getattr(view, "visible_pks", None)
        if visible_pks is not None:
            return queryset.filter(pk__in=visible_pks(request.user))
        via = getattr(view, "policy_via", None)
        allowed = visible_queryset(request.user, queryset.model, via)
        return queryset.filter(pk__in=allowed.values("pk"))


class PolicyObjectPermission(permissions.BasePermission):
    """Reads need the object to be visible; writes need the view's `policy_write_action` on it.

    Not visible → 404 (never 403, which would confirm the record exists).
    """

    message = "You can see this record but cannot do that to it."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        subject = policy_subject(obj, getattr(view, "policy_via", None))
        if not policy.can(request.user, policy.VIEW, subject):
            raise NotFound()
        if request.method in permissions.SAFE_METHODS:
            return True
        action = getattr(view, "policy_write_action", policy.EDIT)
        return policy.can(request.user, action, subject)


class RejectUnknownFieldsMixin:
    """A serializer that refuses fields it does not declare, and read-only ones, with a 400.

    Without this DRF silently drops them; we name them, so a partner system learns at once
    that e.g. `team`, `case_manager` or `risk_level` cannot be set through this endpoint.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["This field cannot be set here."] for key in unknown}
                    | {"non_field_errors": ["Unexpected field(s): " + ", ".join(unknown) + "."]}
                )
        return super().to_internal_value(data)


class Conflict(APIException):
    status_code = 409
    default_detail = ConcurrentEditError.message
    default_code = "conflict"


@contextmanager
def service_errors():
    """Turn a service's refusal into the API's answer: 400 with field messages, or 409 if stale.

    Nothing is changed either way: services are atomic, and the request's transaction rolls
    back with them.
    """
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from None
        raise serializers.ValidationError({"non_field_errors": error.messages}) from None
    except ConcurrentEditError:
        raise Conflict() from None


def audit_purpose(request) -> str:
    token = token_of(request)
    return f"API (token '{token.name}', {token.organisation})" if token is not None else "API (session)"


def audit_objects(request, objects: list[models.Model]) -> None:
    """One VIEW event per object returned, so 'who has accessed this record' includes API reads."""
    audit.record_many(request, AuditEvent.Action.VIEW, list(objects), purpose=audit_purpose(request))


def audit_object(request, action: str, obj: models.Model) -> None:
    audit.record(request, action, obj, purpose=audit_purpose(request))


class ViewOrderedCursorPagination(CursorPagination):
    """Cursor pagination (no table counts) in the view's own `ordering`, ending on a unique key."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or ("-id",)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)


class PolicyAPIMixin:
    """The declarations every Tideline API view carries (see the module docstring).

    Subclasses set `required_scopes = {"read": ..., "write": ...}`, `ordering`, and where the
    model has no rule of its own, `policy_via`. List and retrieve responses are audited.
    """

    authentication_classes = [ApiTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, TokenScopePermission, PolicyObjectPermission]
    filter_backends = [PolicyFilterBackend, DjangoFilterBackend]
    throttle_classes = [TokenRateThrottle]
    pagination_class = ViewOrderedCursorPagination
    throttle_scope = "api_read"
    lookup_value_converter = "int"  # ids only: anything else is a 404 from the resolver
    policy_via: str | None = None
    policy_write_action: str = policy.EDIT
    required_scopes: dict[str, str] = {}

    @classmethod
    def as_view(cls, *args, **kwargs):
        # Reads run without a request transaction, writes in one (accounts.routing).
        from accounts.routing import atomic_unless_safe

        return atomic_unless_safe(super().as_view(*args, **kwargs))  # type: ignore[misc]

    def get_throttles(self):
        if self.request.method not in permissions.SAFE_METHODS and self.throttle_scope == "api_read":
            self.throttle_scope = "api_write"
        return super().get_throttles()  # type: ignore[misc]

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        audit_objects(request, getattr(self, "_page_objects", []))
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        self._page_objects = list(page) if page is not None else list(queryset)
        return page

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()  # type: ignore[attr-defined]
        audit_object(request, AuditEvent.Action.VIEW, instance)
        return self.get_response_for(instance)

    def get_response_for(self, instance):
        from rest_framework.response import Response

        return Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]

    def get_object(self):
        try:
            return super().get_object()  # type: ignore[misc]
        except Http404:
            raise NotFound() from None


ERROR_RESPONSES = {
    400: OpenApiResponse(
        description="Bad input: a JSON object naming each field with a list of messages "
        "(unknown or read-only fields are named too; nothing is changed)."
    ),
    401: OpenApiResponse(
        description="No credentials, or the token is unknown, revoked or expired. "
        "Send 'Authorization: Token <key>' or use a signed-in session."
    ),
    403: OpenApiResponse(
        description="The token lacks the scope this needs, or the record is visible to the "
        "caller but the action is not allowed to them."
    ),
    404: OpenApiResponse(description="No such record, or the caller may not see it."),
    409: OpenApiResponse(description="The record changed since you read it: read it again and resend."),
    429: OpenApiResponse(description="Too many requests for this token: wait and retry (see Retry-After)."),
}


def errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


REFUSALS = {401, 403, 404, 429}


def exception_handler(exc, context):
    """DRF's handler, plus an audit event for every refused call (who, what, from where).

    Refusals are the trail an information-sharing agreement asks about: a partner system probing
    records it may not see, or a revoked token still in use, shows up in /audit/.
    """
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    refused = response is not None and response.status_code in REFUSALS and request is not None
    if connection.in_atomic_block and (
        refused or (request is not None and request.method in permissions.SAFE_METHODS)
    ):
        # DRF has just marked the innermost transaction for rollback, taking it for the request's.
        # A read runs without one (accounts.routing.atomic_unless_safe), so any block it marked
        # belongs to a caller and a failed read has written nothing. A refusal comes from
        # authentication, throttling, permissions or the policy lookup, before any write (a
        # refusing service has already rolled back its own savepoint), so a write's transaction
        # can commit, and with it the record of the refusal. Outside a transaction (every read in
        # production) there is nothing to unmark: set_rollback would raise.
        transaction.set_rollback(False)
    if refused:
        audit.record(
            request,
            AuditEvent.Action.DENIED,
            purpose=f"API {request.method} refused with {response.status_code}: {exc.__class__.__name__}",
        )
    return response
