from django.apps import AppConfig


class TidelineConfig(AppConfig):
    """The project itself as an app, so its settings are checked at start-up (config.checks).
    It has no models; it sits above every app and imports none of them."""

    name = "config"
    label = "tideline"
    verbose_name = "Tideline configuration"

    def ready(self) -> None:
        from config import checks  # noqa: F401 (registers the system checks)
