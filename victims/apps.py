from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self) -> None:
        from casework import sections
        from victims import (
            access,  # noqa: F401  (registers the victim access rule)
            choices,  # noqa: F401  (registers what victims' forms may be sent)
            personal_data,  # noqa: F401  (subject access and retention: accounts.personal_data)
        )
        from victims.safe_view import case_section_context

        sections.register(
            sections.CaseSection(
                key="victims",
                title="Linked victims",
                order=30,
                template="victims/case_section.html",
                context=case_section_context,
            )
        )
