import contextvars
import logging
import re
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SIGNED_IN_AT = "tideline_signed_in_at"
LAST_TOUCHED = "tideline_last_touched"
logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers GET /healthz before host checks, so container health probes on 127.0.0.1 work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method == "GET":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection shows a clear 503 page instead of a 500.

    The request's transaction (ATOMIC_REQUESTS) is rolled back, so nothing is half-written;
    CONN_HEALTH_CHECKS makes the next request open a fresh connection by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.shortcuts import render

        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("database unavailable: %s", type(exception).__name__)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None


current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "current_request", default=None
)


class RequestIdMiddleware:
    """Gives every request an id (kept from X-Request-ID when well formed) for audit and logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Services write audit events without being handed the request; this lets those events
        # still carry the request id, address and path (accounts.audit.record).
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SessionLifetimeMiddleware:
    """Ends every session 12 hours after sign-in, however active it has been, and keeps an
    active session alive.

    The 30-minute idle limit is the session's expiry (SESSION_COOKIE_AGE), renewed whenever the
    session is saved. Saving on every request would cost a database write per page, so an
    active session is touched at most once every SESSION_TOUCH_SECONDS: the idle limit is then
    exact to within that interval.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = timedelta(seconds=settings.TIDELINE_SESSION_ABSOLUTE_SECONDS)
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = timezone.now().isoformat()
            elif timezone.now() - datetime.fromisoformat(signed_in_at) > limit:
                logout(request)
                messages.info(request, "Your session has ended. Sign in again to continue.")
                return redirect(settings.LOGIN_URL)
            now = int(time.time())
            if now - request.session.get(LAST_TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[LAST_TOUCHED] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user are never cached by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware, without a query of its own when the user came with their devices.

    `accounts.backends.PractitionerBackend` loads the ids of the user's confirmed devices with
    the user. When the session's device is among them the user is verified and the device itself
    is read only if something asks for it; otherwise django-otp's own check runs (and drops a
    stale device from the session).
    """

    def _verify_user_sync(self, request, user):
        confirmed = getattr(user, "_confirmed_devices", None)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if confirmed is None or not persistent_id:
            return super()._verify_user_sync(request, user)
        persistent_id = self._normalize_persistent_id(persistent_id)
        if persistent_id not in confirmed:
            return super()._verify_user_sync(request, user)
        from django_otp.models import Device

        self._init_user_fields(user)
        user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(persistent_id))
        return user
