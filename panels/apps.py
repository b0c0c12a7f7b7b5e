from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels (MARAC, MATAC, perpetrator panels)"

    def ready(self) -> None:
        from panels import (
            access,  # noqa: F401  (registers the panel access rules)
            choices,  # noqa: F401  (registers what panel forms may be sent)
            personal_data,  # noqa: F401  (subject access and retention: accounts.personal_data)
        )
