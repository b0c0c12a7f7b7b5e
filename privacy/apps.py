from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: subject access, retention, access review"

    def ready(self) -> None:
        from privacy import personal_data  # noqa: F401  (declares its own models in the registry)
