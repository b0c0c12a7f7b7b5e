"""How a signed-in practitioner is loaded on each request: in one query, not three.

Django's `ModelBackend.get_user` reads the user; `User.active_memberships()` then reads their
teams and roles, and django-otp reads the second-factor device named in the session. Every
signed-in page needs all three, so `PractitionerBackend` reads them together: the active
memberships with the user, team, organisation and area joined, and (on PostgreSQL) the ids of the
user's confirmed devices as arrays in the same row. `accounts.middleware.OTPMiddleware` checks the
session's device against those ids instead of reading the device. Nothing is cached between
requests: a membership ended or a device removed counts from the next request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User

DEVICE_MODELS = (TOTPDevice, StaticDevice)


def _device_arrays(user_ref: str) -> dict:
    """Annotations listing the user's confirmed devices of each kind (PostgreSQL only)."""
    from django.contrib.postgres.expressions import ArraySubquery

    return {
        f"_devices_{model._meta.model_name}": ArraySubquery(
            model.objects.filter(user_id=OuterRef(user_ref), confirmed=True).values("id")
        )
        for model in DEVICE_MODELS
    }


def _confirmed_devices(row) -> set[str]:
    return {
        f"{model.model_label()}/{pk}"
        for model in DEVICE_MODELS
        for pk in getattr(row, f"_devices_{model._meta.model_name}")
    }


def load_practitioner(user_id) -> User | None:
    """The user with their active memberships (and, on PostgreSQL, confirmed devices) loaded."""
    with_devices = connection.vendor == "postgresql"
    memberships = Membership.objects.filter(user_id=user_id, active=True).select_related(
        "user", "team__organisation", "team__area"
    )
    if with_devices:
        memberships = memberships.annotate(**_device_arrays("user_id"))
    rows = list(memberships)
    if rows:
        user = rows[0].user
        for membership in rows:
            membership.user = user
        device_row = rows[0]
    else:  # administrators and people between teams: no membership row to carry the user
        users = User.objects.filter(pk=user_id)
        if with_devices:
            users = users.annotate(**_device_arrays("pk"))
        user = users.first()
        if user is None:
            return None
        device_row = user
    user._active_memberships = rows
    if with_devices:
        user._confirmed_devices = _confirmed_devices(device_row)
    return user


def bind_to_organisation(user: User, organisation_id: int) -> User:
    """Limit `user` to their active memberships in one organisation, for the rest of this request.

    An API token is issued to one organisation; its service user may also work in other teams
    (another agency, another area's IDVA team). Everything the access policy derives from
    memberships - roles, team ids, areas, the agencies represented - reads
    `User.active_memberships()`, so loading only this organisation's rows into it binds every
    rule at once. Reads one query: the memberships with team, organisation and area joined.
    """
    user._active_memberships = list(
        Membership.objects.filter(user_id=user.pk, active=True, team__organisation_id=organisation_id)
        .select_related("team__organisation", "team__area")
        .order_by("team__name", "role")
    )
    for membership in user._active_memberships:
        membership.user = user
    user.bound_organisation_id = organisation_id
    return user


class PractitionerBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with `load_practitioner`."""

    def get_user(self, user_id):
        try:
            user = load_practitioner(user_id)
        except (ValueError, TypeError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
