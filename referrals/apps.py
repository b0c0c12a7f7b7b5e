from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from referrals import (
            access,  # noqa: F401  (registers the referral access rule)
            case_section,
            choices,  # noqa: F401  (registers what referral forms and the API may be sent)
            personal_data,  # noqa: F401  (subject access and retention: accounts.personal_data)
        )

        case_section.register()
