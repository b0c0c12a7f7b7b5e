"""The partner-system API (DRF). Each app's endpoints live in `<app>/api.py`; the README's "API for partner systems" says what each offers.

Every pattern is declared DELEGATED in the route registry: the DRF views enforce access
themselves (token or verified session, the access policy as filter backend and object
permission: accounts.api_access). The interactive docs are a signed-in page.
"""

from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import permissions
from rest_framework.routers import SimpleRouter

from accounts.api_auth import ApiTokenAuthentication, VerifiedSessionAuthentication
from accounts.routing import DELEGATED, SIGNED_IN, route
from casework.api import (
    CaseViewSet,
    CustodyRecordViewSet,
    DisruptionActionViewSet,
    IncidentPushView,
    OrderViewSet,
)
from panels.api import ActionViewSet, AgendaItemViewSet, MeetingViewSet
from referrals.api import ReferralViewSet
from victims.api import CaseVictimsView, VictimViewSet

router = SimpleRouter(use_regex_path=False)
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("cases", CaseViewSet, basename="api-case")
router.register("orders", OrderViewSet, basename="api-order")
router.register("custody-records", CustodyRecordViewSet, basename="api-custody")
router.register("disruption-actions", DisruptionActionViewSet, basename="api-disruption-action")
router.register("victims", VictimViewSet, basename="api-victim")
router.register("panels/meetings", MeetingViewSet, basename="api-meeting")
router.register("panels/agenda-items", AgendaItemViewSet, basename="api-agenda-item")
router.register("panels/actions", ActionViewSet, basename="api-panel-action")


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for partner systems (token) and the docs page (session)."""

    authentication_classes = [ApiTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]


# The Swagger page without any inline script or style, so it runs under the strict CSP: the
# start-up script is fetched from the same URL with `?script` (SpectacularSwaggerSplitView).
SWAGGER_PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="icon" href="{{ favicon_href }}">
<link rel="stylesheet" href="{{ swagger_ui_css }}">
</head>
<body>
<main id="swagger-ui"></main>
<script src="{{ swagger_ui_bundle }}"></script>
<script src="{{ swagger_ui_standalone }}"></script>
<script src="{{ script_url }}"></script>
</body>
</html>"""
)


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = [VerifiedSessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    url_name = "api-schema"
    title = "Tideline API"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            return response
        return HttpResponse(SWAGGER_PAGE.render(response.data, request))


def _delegated(patterns):
    for pattern in patterns:
        pattern.tideline_access = DELEGATED
    return patterns


urlpatterns = [
    route("schema/", SchemaView.as_view(), name="api-schema", access=DELEGATED),
    route("docs/", DocsView.as_view(), name="api-docs", access=SIGNED_IN),
    route("incidents/", IncidentPushView.as_view(), name="api-incident-push", access=DELEGATED),
    route(
        "incidents/batch/", IncidentPushView.as_view(batch=True), name="api-incident-batch", access=DELEGATED
    ),
    route("cases/<int:pk>/victims/", CaseVictimsView.as_view(), name="api-case-victims", access=DELEGATED),
    *_delegated(router.urls),
]
