"""The access policy every view, API endpoint, export, PDF and job uses.

Deny by default. Each protected model registers a `Rule` saying which rows a user can see
and which actions they may take on a visible row. Callers use:

- `visible(user, Model)`  → a queryset of what the user may see (a join, never a scan);
- `can(user, action, obj)` → whether a visible object allows the action;
- `get_for_user(user, Model, pk, action=...)` → the object, Http404 when not visible,
  PermissionDenied (403) when visible but the action is not allowed.

Model-wide permissions and the superuser flag open nothing here by themselves.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

VIEW = "view"
EDIT = "edit"


class Rule(Protocol):
    def visible(self, user) -> models.QuerySet: ...

    def allows(self, user, action: str, obj: models.Model) -> bool: ...


_rules: dict[type[models.Model], Rule] = {}


def register(model: type[models.Model], rule: Rule) -> None:
    _rules[model] = rule


def _rule_for(model: type[models.Model]) -> Rule:
    try:
        return _rules[model]
    except KeyError:
        raise LookupError(f"No access rule is registered for {model.__name__}") from None


def visible(user, model: type[M]) -> models.QuerySet[M]:
    if user is None or not user.is_authenticated or not user.is_active:
        return model._default_manager.none()
    return _rule_for(model).visible(user)


def can(user, action: str, obj: models.Model) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    rule = _rule_for(type(obj))
    # An object loaded by get_for_user for this user was checked then: no second query.
    if (
        getattr(obj, "_policy_visible_to", None) != user.pk
        and not rule.visible(user).filter(pk=obj.pk).exists()
    ):
        return False
    return action == VIEW or rule.allows(user, action, obj)


def get_for_user(user, model: type[M], pk, *, action: str = VIEW, queryset=None) -> M:
    """The object if the user may see it (404 otherwise) and take `action` on it (403 otherwise)."""
    base = visible(user, model)
    if queryset is not None:
        base = queryset.filter(pk__in=base.values("pk"))
    try:
        obj = base.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if action != VIEW and not _rule_for(model).allows(user, action, obj):
        raise PermissionDenied("You can see this record but cannot do that to it.")
    # This request's later can() checks on obj skip the query (read back with getattr above).
    setattr(obj, "_policy_visible_to", user.pk)  # noqa: B010 (an attribute no model declares)
    return obj
