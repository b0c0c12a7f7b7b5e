"""The route registry: every URL pattern declares who may reach it.

`route()` wraps Django's `path()`: it enforces the declared access at the door and marks the
pattern so `tests/accounts/test_route_registry.py` can walk the resolver and fail on any
pattern that declares nothing. Object-level checks (which case, which victim) happen inside
the view through `accounts.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import redirect
from django.urls import include, path
from django.urls.resolvers import URLPattern, URLResolver
from django.utils.http import urlencode


@dataclass(frozen=True)
class Access:
    """Who may reach a URL. Build with the module-level constants and `roles()`."""

    kind: str
    roles: frozenset[str] = field(default_factory=frozenset)
    description: str = ""

    def refusal(self, request):
        """None when the request may go on; otherwise the response that refuses it."""
        if self.kind == "public":
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if self.kind == "password_only":
            return None
        if settings.TIDELINE_REQUIRE_MFA and not user.is_verified():
            return redirect(f"{_mfa_url()}?{urlencode({'next': request.get_full_path()})}")
        if self.kind == "roles" and not user.has_role(*self.roles):
            raise PermissionDenied("Your role does not include this.")
        if self.kind == "staff" and not user.is_staff:
            raise PermissionDenied("Only administrators can use this.")
        return None

    def protect(self, view):
        if self.kind in ("public", "delegated"):
            return view

        @wraps(view)
        def guarded(request, *args, **kwargs):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return guarded


def _mfa_url() -> str:
    from django.urls import reverse

    return reverse("accounts:mfa")


PUBLIC = Access("public", description="anyone, signed in or not")
PASSWORD_ONLY = Access("password_only", description="signed in with a password, second factor pending")
SIGNED_IN = Access("signed_in", description="any signed-in practitioner")
STAFF = Access("staff", description="administrators")
# The view enforces access itself (Django admin's staff check, DRF's authentication and
# permission classes); the registry still requires the declaration.
DELEGATED = Access("delegated", description="enforced by the included application")


def roles(*names: str) -> Access:
    return Access("roles", frozenset(names), description="roles: " + ", ".join(sorted(names)))


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def atomic_unless_safe(view):
    """Run `view` in one transaction when the request may write, and in none when it only reads.

    POST, PUT, PATCH and DELETE get exactly what ATOMIC_REQUESTS gives: the view and everything
    it writes commit or roll back together. GET, HEAD and OPTIONS skip the BEGIN and COMMIT:
    under PostgreSQL's READ COMMITTED each statement reads its own snapshot whether or not it is
    in a transaction, and what such a request writes (its audit events) is one statement. A view
    declared `transaction.non_atomic_requests` keeps its declaration.
    """
    if DEFAULT_DB_ALIAS in getattr(view, "_non_atomic_requests", ()):
        return view

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapper)


def route(pattern: str, view, *, name: str, access: Access) -> URLPattern:
    declared = path(pattern, atomic_unless_safe(access.protect(view)), name=name)
    declared.tideline_access = access  # type: ignore[attr-defined]
    return declared


def section(pattern: str, urlconf, *, access: Access) -> URLResolver:
    """Include another app's URLs. Use DELEGATED only for apps that guard themselves."""
    resolver = path(pattern, urlconf if isinstance(urlconf, tuple) else include(urlconf))
    resolver.tideline_access = access  # type: ignore[attr-defined]
    return resolver
