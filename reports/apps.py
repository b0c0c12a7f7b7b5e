from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from reports import personal_data  # noqa: F401  (declares its models in the registry)
