"""Forms of the risk-flag inbox: the filter and the acknowledgement."""

from __future__ import annotations

from django import forms

from accounts.forms_govuk import GovukForm
from casework.flags import KIND_CHOICES, Status


class FlagFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=Status.CHOICES, required=False)
    kind = forms.ChoiceField(label="Type of flag", choices=[("", "All types"), *KIND_CHOICES], required=False)

    def __init__(self, *args, supervisor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisor:
            self.fields["scope"] = forms.ChoiceField(
                label="Whose flags",
                choices=[("mine", "Sent to me"), ("team", "My team's")],
                required=False,
            )

    def filters(self) -> dict:
        """The chosen filters; anything invalid falls back to the default (open flags, mine)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or Status.OPEN,
            "kind": data.get("kind") or "",
            "team": data.get("scope") == "team",
        }


class AcknowledgeForm(GovukForm):
    note = forms.CharField(
        label="What have you done about it?",
        help_text="For example: 'Spoke to the IDVA: victim told of the release date.' "
        "Do not write a victim's address or contact details.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what you have done about this flag"},
    )  # flags.flag_acknowledge refuses location and contact details

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Enter what you have done about this flag")
        return note
