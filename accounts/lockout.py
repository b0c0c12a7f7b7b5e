"""Pausing sign-in after repeated failures (django-axes), per account and per client address.

- Per account: django-axes counts failures per account name (`AXES_LOCKOUT_PARAMETERS =
  ["username"]`) and pauses that name at `AXES_FAILURE_LIMIT`. The name is the normalised email
  (`username_of`), so "Sam@X.org " and "sam@x.org" are one account, and failures for names that
  belong to nobody never count against a real account.
- Per address: axes can hold one threshold only, so `AccountAndAddressHandler` adds a second
  check on the attempts axes already records: when the failures from one client address (for any
  names, within the same cool-off window) reach `TIDELINE_ADDRESS_FAILURE_LIMIT`, sign-in from that
  address is paused too. The limit is far above the per-account one, so one mistyping colleague
  never locks out an office that shares an address, while a sweep through many names is stopped.

The client's address is `accounts.client_address.client_ip` (`AXES_CLIENT_IP_CALLABLE`), the
same one the audit trail records.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from accounts.models import normalise_email


def username_of(request, credentials: dict | None = None) -> str | None:
    """The account name axes counts against: the email as given, normalised."""
    raw = None
    if credentials:
        raw = credentials.get("username") or credentials.get("email")
    if raw is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get("username")
    return normalise_email(raw) if isinstance(raw, str) else None


class AccountAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler, also pausing an address with too many failures behind it."""

    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_locked(self, request) -> bool:
        return self.address_failures(request) >= settings.TIDELINE_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self.address_locked(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
