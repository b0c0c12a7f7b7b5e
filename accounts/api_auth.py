"""How a caller proves who they are to the API, and how often they may call it.

- `ApiTokenAuthentication`: `Authorization: Token <key>` (or `Bearer <key>`). The key is hashed
  and looked up; revoked, expired or unknown keys, and tokens whose service user is inactive,
  get 401. `request.user` is the token's service user and `request.auth` the `ApiToken`. The
  user acts only through their memberships in the token's organisation
  (`accounts.backends.bind_to_organisation`): a service user who also works in another agency's
  or area's team does not bring that team's records to the token.
- `VerifiedSessionAuthentication`: a signed-in browser session, with CSRF enforced (DRF) and,
  when `TIDELINE_REQUIRE_MFA` is on, the second factor done - as for every page.
- `TokenScopePermission`: a token may only do what its scopes name (sessions are limited by the
  user's roles alone).
- `TokenRateThrottle`: per-token (per-user for sessions) rate limits, by the view's
  `throttle_scope`.

Basic authentication is never accepted.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from accounts.backends import bind_to_organisation
from accounts.models_api import ApiToken, hash_key

logger = logging.getLogger(__name__)

KEYWORDS = ("token", "bearer")
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)

# Requests per token (or signed-in user) by the view's `throttle_scope`. Overridden by
# REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] where that setting names the same scope.
API_THROTTLE_RATES = {
    "api_read": "600/min",
    "api_write": "120/min",
    "api_incidents": "60/min",
}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` or `Authorization: Bearer <key>`."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token as 'Authorization: Token <key>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = ApiToken.objects.select_related("user", "organisation").filter(key_hash=hash_key(raw)).first()
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid, has been revoked or has expired.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            # At most one write a minute per token: enough to see which tokens are in use.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return bind_to_organisation(token.user, token.organisation_id), token

    def authenticate_header(self, request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, only once the second factor is done (when MFA is required)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _ = result
        if settings.TIDELINE_REQUIRE_MFA and not user.is_verified():
            return None
        return result


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenScopePermission(permissions.BasePermission):
    """A token needs the scope the view names for this method (`required_scopes`)."""

    message = "This API token does not have the scope this needs."

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return True
        needed = required_scope(view, request.method)
        if needed is None:
            return False  # deny by default: a view that names no scope is closed to tokens
        if not token.has_scope(needed):
            self.message = f"This API token does not have the '{needed}' scope."
            return False
        return True


def required_scope(view, method: str) -> str | None:
    scopes = getattr(view, "required_scopes", {}) or {}
    if method in permissions.SAFE_METHODS:
        return scopes.get("read")
    return scopes.get("write")


_IN_PROCESS_COUNTERS = LocMemCache("tideline-throttle-fallback", {})
CACHE_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Limits by `view.throttle_scope`, counted per token (or per user for a session)."""

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None) or "api_read"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_DOWN as error:
            # Redis is down: count in this process meanwhile, so the API keeps working, still limited.
            logger.warning("rate-limit cache unavailable (%s); counting in process", type(error).__name__)
            self.cache = _IN_PROCESS_COUNTERS
            return super().allow_request(request, view)

    def get_rate(self):
        rates = {**API_THROTTLE_RATES, **(api_settings.DEFAULT_THROTTLE_RATES or {})}
        return rates.get(self.scope, API_THROTTLE_RATES["api_read"])

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organisation's API token: `Token <key>` (or `Bearer <key>`). Created and revoked "
            "by administrators; it acts as its service user, limited by its scopes.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A signed-in Tideline session with the second factor done. Writes need the CSRF token.",
        }
