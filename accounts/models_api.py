"""API tokens for partner systems: one organisation, one service user, named scopes.

A token acts as its service user: a user with an active membership in a team of the token's
organisation. Every API call is therefore decided by the same access policy as the pages
(`accounts.policy`, `casework.selectors.cases_visible_to`, ...), with the token's scopes as an
extra limit on top. The raw key is shown once when the token is created; only its SHA-256
hash is stored, so a database copy cannot be replayed against the API.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

KEY_PREFIX_LENGTH = 8


class Scope(models.TextChoices):
    REFERRALS_WRITE = "referrals:write", "Submit referrals"
    CASES_READ = "cases:read", "Read cases, orders, custody records and disruption actions"
    CASES_WRITE = "cases:write", "Update cases, orders, custody records and disruption actions"
    INCIDENTS_WRITE = "incidents:write", "Push police incidents"
    PANELS_READ = "panels:read", "Read panel agendas shared with the organisation"
    ACTIONS_WRITE = "actions:write", "Update the status of the organisation's actions"
    VICTIMS_READ = "victims:read", "Read victim-survivor records the service user may see"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=120, help_text="Which system uses it, e.g. 'Northshire Police incident feed'."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="service user",
        help_text="The token acts as this user: it sees and changes exactly what they may. "
        "Must be a member of a team of the organisation.",
    )
    key_prefix = models.CharField(max_length=KEY_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(
        default=list, help_text="What the token may do, on top of the service user's access."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave blank for no expiry.")

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def set_new_key(self) -> str:
        """Give the token a fresh random key; returns the raw key (shown once, never stored)."""
        raw = secrets.token_urlsafe(32)
        self.key_prefix = raw[:KEY_PREFIX_LENGTH]
        self.key_hash = hash_key(raw)
        return raw

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def clean(self) -> None:
        errors = {}
        unknown = [s for s in (self.scopes or []) if s not in Scope.values]
        if unknown:
            errors["scopes"] = "Unknown scope(s): " + ", ".join(map(str, unknown))
        if self.user_id and self.organisation_id:
            in_org = self.user.memberships.filter(
                active=True, team__organisation_id=self.organisation_id
            ).exists()
            if not in_org:
                errors["user"] = "The service user must be an active member of a team of this organisation."
        if self.user_id and self.user.is_staff:
            errors["user"] = "An administrator cannot be a token's service user: use a dedicated account."
        if errors:
            raise ValidationError(errors)
