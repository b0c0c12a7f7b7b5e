from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, mfa
from accounts.forms import SignInForm, TokenForm
from accounts.middleware import SIGNED_IN_AT
from accounts.models import AuditEvent, normalise_email
from accounts.navigation import reachable_areas


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and (not settings.TIDELINE_REQUIRE_MFA or request.user.is_verified()):
        return redirect(_safe_next(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)
            request.session[SIGNED_IN_AT] = timezone.now().isoformat()
            audit.record(request, AuditEvent.Action.LOGIN, user, user=user)
            if settings.TIDELINE_REQUIRE_MFA:
                return redirect(f"{_mfa_path()}?next={_safe_next(request)}")
            return redirect(_safe_next(request))
        audit.record(
            request,
            AuditEvent.Action.LOGIN_FAILED,
            purpose=f"email: {normalise_email(request.POST.get('username', ''))[:200]}",
        )
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request, "")})


def _mfa_path() -> str:
    from django.urls import reverse

    return reverse("accounts:mfa")


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        audit.record(request, AuditEvent.Action.LOGOUT, request.user)
    auth_logout(request)
    messages.success(request, "You have signed out.")
    return redirect(settings.LOGIN_URL)


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Verify a code, or set up an authenticator app the first time."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    device = mfa.confirmed_device(request.user)
    enrolling = device is None
    if enrolling:
        device = mfa.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, device, form.cleaned_data["token"]):
            if enrolling:
                audit.record(request, AuditEvent.Action.MFA_ENROLLED, request.user)
                messages.success(request, "Two-factor authentication is set up.")
            return redirect(_safe_next(request))
        form.add_error(
            "token", "The security code is not correct or has expired. Check your app and try again"
        )
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request, "")}
    if enrolling:
        context.update(qr_svg=mfa.qr_svg(device), secret=mfa.secret_for_display(device))
    return render(request, "accounts/second_factor.html", context)


@require_GET
def home(request):
    memberships = request.user.active_memberships()
    return render(
        request,
        "accounts/home.html",
        {"memberships": memberships, "areas": reachable_areas(request.user)},
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout response: the same for every account name."""
    return render(request, "accounts/locked_out.html", status=429)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
