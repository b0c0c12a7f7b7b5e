from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from referrals import (
            access,  # noqa: F401  (registers the referral access rule)
            case_section,
        )

        case_section.register()
