from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"

    def ready(self) -> None:
        from casework import (
            access,  # noqa: F401  (registers the case access rule)
            flag_registry,  # noqa: F401  (risk flags: case page section and admin)
            legal_registry,  # noqa: F401
        )
