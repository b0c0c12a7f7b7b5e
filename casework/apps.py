from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from casework import change_marker

        post_migrate.connect(change_marker.install_after_migrate, dispatch_uid="casework.change_marker")
        from casework import (
            access,  # noqa: F401  (registers the case access rule)
            choices,  # noqa: F401  (registers what casework's forms may be sent)
            flag_registry,  # noqa: F401  (risk flags: case page section and admin)
            legal_registry,  # noqa: F401
            personal_data,  # noqa: F401  (subject access and retention: accounts.personal_data)
        )
