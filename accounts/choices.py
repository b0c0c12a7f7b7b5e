"""What a caller may choose: every record id a form, serializer or service accepts is checked here.

A field that names another record - a team, an agency, a case manager, a victim link, a meeting -
must accept only the records this caller may see or use, not any row that exists. Each app
registers a named *choice set* for each such field: a function `(user, **context) -> QuerySet`
(`casework.choices`, `referrals.choices`, ...). Every channel asks for it by name:

- forms: `PermittedModelChoiceField(choice_set)` (or `ModelMultiple...`), bound to the caller with
  `bind_choices(form, user, **context)`; ChoiceFields built from lists use `permitted(...)`;
- serializers: `PermittedRelatedField(choice_set)`, which reads the caller from the request;
- services: `require(choice_set, user, obj, field=...)`, so imports and jobs are checked too.

An id outside the set - another area's team, a record the caller cannot see, or no record at
all - gets one message, `INVALID_CHOICE`, so the answer never confirms that a record exists.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

INVALID_CHOICE = (
    "Select a valid choice. That choice is not one of the available choices."  # Django's own words
)

ChoiceSet = Callable[..., models.QuerySet]
_choice_sets: dict[str, tuple[type[models.Model] | str, ChoiceSet]] = {}


def register(name: str, model: type[models.Model] | str, choices: ChoiceSet) -> None:
    """Register the choice set `name`: `choices(user, **context)` returns the `model` rows `user`
    may choose (`model` may be an "app_label.Model" string). Only called for an active, signed-in
    user: anyone else may choose nothing."""
    _choice_sets[name] = (model, choices)


def permitted(name: str, user, **context) -> models.QuerySet:
    """The records `user` may choose for the choice set `name` (none for a signed-out caller)."""
    try:
        model, choices = _choice_sets[name]
    except KeyError:
        raise LookupError(f"No choice set is registered as {name!r}") from None
    if user is None or not user.is_authenticated or not user.is_active:
        if isinstance(model, str):
            model = apps.get_model(model)
        return model._default_manager.none()
    return choices(user, **context)


def is_permitted(name: str, user, obj: models.Model | None, **context) -> bool:
    if obj is None or obj.pk is None:
        return False
    return permitted(name, user, **context).filter(pk=obj.pk).exists()


def require(name: str, user, obj: models.Model | None, *, field: str, **context) -> None:
    """A service's guard: `obj` must be in the choice set, else ValidationError({field: INVALID_CHOICE})."""
    if not is_permitted(name, user, obj, **context):
        raise ValidationError({field: INVALID_CHOICE}, code="invalid_choice")


class _Permitted:
    """A model choice form field whose queryset is the choice set, once bound to the caller."""

    def __init__(self, choice_set: str, **kwargs):
        self.choice_set = choice_set
        kwargs.setdefault("queryset", None)
        error_messages = {"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE}
        error_messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(error_messages=error_messages, **kwargs)  # type: ignore[call-arg]

    def bind(self, user, **context) -> None:
        self.queryset = permitted(self.choice_set, user, **context)  # type: ignore[attr-defined]

    def clean(self, value):
        if self.queryset is None:  # type: ignore[attr-defined]
            raise RuntimeError(f"{type(self).__name__}({self.choice_set!r}) was never bound to a user")
        return super().clean(value)  # type: ignore[misc]


class PermittedModelChoiceField(_Permitted, forms.ModelChoiceField):
    pass


class PermittedModelMultipleChoiceField(_Permitted, forms.ModelMultipleChoiceField):
    def __init__(self, choice_set: str, **kwargs):
        super().__init__(choice_set, **kwargs)
        self.error_messages["invalid_choice"] = INVALID_CHOICE


def bind_choices(form: forms.BaseForm, user, **context) -> None:
    """Bind every permitted field of `form` to `user` (each takes the `context` it needs)."""
    for field in form.fields.values():
        if isinstance(field, _Permitted):
            field.bind(user, **context)


class PermittedRelatedField(serializers.PrimaryKeyRelatedField):
    """A serializer field taking a record's id from the choice set for the requesting user."""

    default_error_messages = {
        "required": serializers.Field.default_error_messages["required"],
        "does_not_exist": INVALID_CHOICE,
        "incorrect_type": INVALID_CHOICE,
    }

    def __init__(self, choice_set: str, **kwargs):
        self.choice_set = choice_set
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return permitted(self.choice_set, getattr(request, "user", None))

    def use_pk_only_optimization(self) -> bool:
        return False
