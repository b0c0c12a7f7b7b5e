from django.conf import settings

from accounts.navigation import navigation_for


def tideline(request):
    user = getattr(request, "user", None)
    demo = not settings.TIDELINE_REQUIRE_MFA
    return {
        "tideline": {
            "navigation": navigation_for(user, request.path) if user is not None else [],
            "protective_marking": settings.TIDELINE_PROTECTIVE_MARKING,
            "phase_tag": "Demo" if demo else "Beta",
            "phase_text": (
                "Demonstration data only. Two-factor sign-in is turned off for this demo."
                if demo
                else "Handle in line with your information-sharing agreement."
            ),
        }
    }
