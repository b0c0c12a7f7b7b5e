from django.contrib import admin
from django.urls import include, path

from accounts.routing import DELEGATED, section

# Our own apps' URL modules are walked by the route-registry test pattern by pattern;
# only applications that guard themselves (Django admin) are declared as delegated sections.
urlpatterns = [
    section("admin/", admin.site.urls, access=DELEGATED),
    path("", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("casework.urls")),
    path("victims/", include("victims.urls")),
    path("panels/", include("panels.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("config.api_urls")),
]

handler403 = "accounts.views.error_403"
handler404 = "accounts.views.error_404"
handler500 = "accounts.views.error_500"
