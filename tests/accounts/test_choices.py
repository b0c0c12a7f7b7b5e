"""`accounts.choices`: every record id a form or serializer accepts comes from a choice set.

The per-app tests (`tests/<app>/test_foreign_keys.py`) send another area's ids to each field;
this module proves the helper itself, and that no form or serializer takes a record id any
other way, so a new field is covered the day it is written.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from rest_framework import serializers

from accounts import choices
from accounts.choices import INVALID_CHOICE, PermittedModelChoiceField, PermittedRelatedField

APPS = ["accounts", "casework", "victims", "referrals", "panels", "reports"]
# Forms Django admin builds are staff-only reference data, outside this rule.
SKIP_MODULES = ("admin",)


def _project_classes(base: type) -> list[type]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if (
                module_info.name.rsplit(".", 1)[-1].startswith(SKIP_MODULES)
                or ".migrations" in module_info.name
            ):
                continue
            if ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, base) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def test_every_form_field_taking_a_record_uses_a_choice_set():
    offenders = []
    for form_class in _project_classes(forms.BaseForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, choices._Permitted):
                offenders.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert offenders == [], f"record fields not checked against what the caller may use: {offenders}"


def test_every_serializer_field_taking_a_record_uses_a_choice_set():
    offenders = []
    for serializer_class in _project_classes(serializers.Serializer):
        try:
            fields = serializer_class().fields
        except TypeError:
            continue
        for name, field in fields.items():
            target = getattr(field, "child_relation", field)
            if (
                isinstance(target, serializers.RelatedField)
                and not field.read_only
                and not isinstance(target, PermittedRelatedField)
            ):
                offenders.append(f"{serializer_class.__module__}.{serializer_class.__name__}.{name}")
    assert offenders == [], f"record fields not checked against what the caller may use: {offenders}"


def test_the_walk_finds_the_forms_and_serializers_it_polices():
    form_names = {cls.__name__ for cls in _project_classes(forms.BaseForm)}
    serializer_names = {cls.__name__ for cls in _project_classes(serializers.Serializer)}
    assert {"ReferralForm", "AllocateForm", "ActionAddForm", "SharedNoteForm"} <= form_names
    assert "ReferralSubmitSerializer" in serializer_names


@pytest.mark.django_db
def test_a_signed_out_or_inactive_caller_may_choose_nothing(world):
    assert not choices.permitted("referrals.receiving_team", AnonymousUser()).exists()
    assert not choices.permitted("referrals.receiving_team", None).exists()
    user = world.user("casemanager", "north")
    assert choices.permitted("referrals.receiving_team", user).exists()
    user.is_active = False
    assert not choices.permitted("referrals.receiving_team", user).exists()


@pytest.mark.django_db
def test_require_refuses_another_areas_record_with_the_one_message(world):
    user = world.user("casemanager", "north")
    choices.require("referrals.receiving_team", user, world.team("case_management", "north"), field="team")
    for outside in (world.team("case_management", "south"), None):
        with pytest.raises(ValidationError) as refused:
            choices.require("referrals.receiving_team", user, outside, field="team")
        assert refused.value.message_dict == {"team": [INVALID_CHOICE]}


def test_an_unknown_choice_set_is_a_programming_error():
    with pytest.raises(LookupError):
        choices.permitted("no.such.set", AnonymousUser())


def test_a_permitted_form_field_never_bound_to_a_caller_fails_loudly():
    class Unbound(forms.Form):
        team = PermittedModelChoiceField("referrals.receiving_team")

    form = Unbound({"team": "1"})
    with pytest.raises(RuntimeError, match="never bound"):
        form.is_valid()
