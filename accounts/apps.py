from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from accounts import (
            checks,  # noqa: F401 (registers the system checks)
            personal_data_audit,  # noqa: F401 (the audit trail in the personal-data registry)
        )


class TidelineAdminConfig(admin_apps.AdminConfig):
    """Django admin, using Tideline's sign-in and second factor."""

    default = False
    default_site = "accounts.admin_site.TidelineAdminSite"
