from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login


class TidelineAdminSite(AdminSite):
    """Django admin behind Tideline's own sign-in, with the second factor required."""

    site_header = "Tideline administration"
    site_title = "Tideline admin"
    index_title = "Organisations, teams, users and reference data"

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return not settings.TIDELINE_REQUIRE_MFA or user.is_verified()

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
