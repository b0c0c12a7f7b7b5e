"""System checks for the sign-in lockout's configuration (`manage.py check`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

HANDLER = "accounts.lockout.AccountAndAddressHandler"


@register(Tags.security)
def lockout_configuration(app_configs, **kwargs):
    # axes.W006 (silenced in settings) asks for "ip_address" among AXES_LOCKOUT_PARAMETERS, which
    # would pause an address at the per-account limit. The per-address pause is this handler's.
    problems = []
    if settings.AXES_HANDLER != HANDLER:
        problems.append(
            Warning(
                "Sign-in failures are not counted per client address.",
                hint=f"Set AXES_HANDLER = {HANDLER!r}.",
                id="accounts.W001",
            )
        )
    if settings.TIDELINE_ADDRESS_FAILURE_LIMIT <= settings.AXES_FAILURE_LIMIT:
        problems.append(
            Warning(
                "TIDELINE_ADDRESS_FAILURE_LIMIT is not above AXES_FAILURE_LIMIT: a few mistakes by one "
                "person would pause sign-in for everyone sharing their address.",
                hint="Set TIDELINE_ADDRESS_FAILURE_LIMIT well above the per-account limit (default 100).",
                id="accounts.W002",
            )
        )
    return problems
