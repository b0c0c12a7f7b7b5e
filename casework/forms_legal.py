"""Forms for orders, custody, incidents and the incident import. Validation only: every write
goes through casework.services_legal. Victims appear only by their safe label."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from accounts.choices import PermittedModelChoiceField, PermittedModelMultipleChoiceField, bind_choices
from accounts.forms_govuk import GovukForm
from accounts.safe_text import validate_no_contact_details
from casework.forms import VersionField
from casework.models import CustodyEvent, IncidentType, Offence, OrderCondition, OrderKind

YES_NO = [("yes", "Yes"), ("no", "No")]
MONTHS = [("", "Not known")] + [(str(n), datetime.date(2000, n, 1).strftime("%B")) for n in range(1, 13)]


class SafeLinkChoiceField(PermittedModelMultipleChoiceField):
    """The perpetrator's linked victims as checkboxes labelled only "Ex-partner, victim 2" (never a name)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__("casework.victim_link", **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.safe_label


def _past_or_today(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


class OrderForm(GovukForm):
    kind = forms.ChoiceField(label="Type of order", choices=[("", "Choose a type"), *OrderKind.choices])
    court_or_issuer = forms.CharField(label="Court or issuing force", max_length=200, required=False)
    made_on = forms.DateField(label="Date made or issued", help_text="For example, 27 3 2026")
    served_on = forms.DateField(label="Date served", required=False)
    expires_on = forms.DateField(label="Expiry date", required=False)
    until_further_order = forms.BooleanField(label="Until further order (no expiry date)", required=False)
    conditions = forms.MultipleChoiceField(
        label="Conditions",
        choices=OrderCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    conditions_detail = forms.CharField(
        label="Details of the conditions",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Describe any zone by reference to the order, for example “the exclusion zone shown "
        "on the map in the order”. Do not write street names near a victim's home, an address, a "
        "postcode or a phone number: this is seen on the perpetrator's side.",
        validators=[validate_no_contact_details],
    )
    protected_persons = SafeLinkChoiceField(label="Protected people", required=False)
    notified_on = forms.DateField(
        label="Name and address notified to police on",
        required=False,
        help_text="DAPO only: due within 3 days of the order being served.",
    )
    version = VersionField(required=False)

    def __init__(self, *args, case, user, versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, case=case)
        self.fields["protected_persons"].help_text = (
            "Victims linked to this person, shown by label only."
            if self.fields["protected_persons"].queryset.exists()
            else "No victims are linked yet."
        )
        self.fields["version"].required = versioned

    def clean_notified_on(self):
        return _past_or_today(self.cleaned_data.get("notified_on"), "The notification date")

    def clean_served_on(self):
        return _past_or_today(self.cleaned_data.get("served_on"), "The date served")

    def clean(self):
        data = super().clean()
        if data.get("until_further_order") and data.get("expires_on"):
            self.add_error("expires_on", "Enter an expiry date or choose 'until further order', not both")
        if "other" in (data.get("conditions") or []) and not (data.get("conditions_detail") or "").strip():
            self.add_error("conditions_detail", "Describe the other condition")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class BreachForm(GovukForm):
    occurred_on = forms.DateField(label="Date of breach")
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not write a victim's address or contact details.",
        validators=[validate_no_contact_details],
    )
    action_taken = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: arrested, charged, warning given.",
        validators=[validate_no_contact_details],
    )

    def clean_occurred_on(self):
        return _past_or_today(self.cleaned_data.get("occurred_on"), "The date of the breach")


class CustodyForm(GovukForm):
    establishment = forms.CharField(label="Prison", max_length=200, required=False)
    sentence_date = forms.DateField(label="Date sentenced")
    sentence_length = forms.CharField(
        label="Sentence", max_length=100, required=False, help_text="For example: 2 years 6 months"
    )
    expected_release_on = forms.DateField(label="Expected release date", required=False)
    release_month = forms.ChoiceField(
        label="Expected release month",
        choices=MONTHS,
        required=False,
        help_text="If only the month is known, leave the date blank and give the month and year.",
    )
    release_year = forms.IntegerField(
        label="Expected release year", required=False, min_value=2000, max_value=2100
    )
    parole_eligibility_on = forms.DateField(label="Parole eligibility date", required=False)
    licence_ends_on = forms.DateField(label="Licence end date", required=False)
    version = VersionField(required=False)

    def __init__(self, *args, versioned: bool = False, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            month = instance.expected_release_month
            kwargs["initial"] = {
                **{f: getattr(instance, f) for f in self.service_field_names()},
                "release_month": str(month.month) if month else "",
                "release_year": month.year if month else None,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["release_year"].widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input--width-4"}
        )
        self.fields["version"].required = versioned

    @staticmethod
    def service_field_names() -> list[str]:
        return [
            "establishment",
            "sentence_date",
            "sentence_length",
            "expected_release_on",
            "parole_eligibility_on",
            "licence_ends_on",
        ]

    def clean(self):
        data = super().clean()
        month, year = data.get("release_month"), data.get("release_year")
        if bool(month) != bool(year):
            self.add_error(
                "release_month" if not month else "release_year", "Give both the month and the year"
            )
        data["expected_release_month"] = datetime.date(year, int(month), 1) if month and year else None
        if data.get("expected_release_on") and data["expected_release_month"]:
            self.add_error("release_month", "Enter the expected release date or the month, not both")
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data.get(name) for name in self.service_field_names()}
        fields["expected_release_month"] = self.cleaned_data.get("expected_release_month")
        return fields


class CustodyEventForm(GovukForm):
    kind = forms.ChoiceField(
        label="What happened", choices=CustodyEvent.Kind.choices, widget=forms.RadioSelect
    )
    occurred_on = forms.DateField(label="Date")
    reason = forms.CharField(
        label="Reason or details",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required for a recall.",
        validators=[validate_no_contact_details],
    )

    def clean_occurred_on(self):
        return _past_or_today(self.cleaned_data.get("occurred_on"), "The date")


class IncidentForm(GovukForm):
    occurred_on = forms.DateField(label="Date of incident")
    occurred_at = forms.TimeField(
        label="Time of incident",
        required=False,
        input_formats=["%H:%M"],
        help_text="24-hour clock, for example 21:30",
    )
    incident_type = forms.ChoiceField(
        label="Type of incident", choices=[("", "Choose a type"), *IncidentType.choices]
    )
    offence = forms.ChoiceField(label="Offence", choices=[("", "Choose an offence"), *Offence.choices])
    is_domestic_abuse = forms.TypedChoiceField(
        label="Was this domestic abuse?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    victim_links = SafeLinkChoiceField(label="Victims involved", required=False)
    children_present = forms.BooleanField(label="Children were present", required=False)
    children_count = forms.IntegerField(
        label="Number of children present", required=False, min_value=0, max_value=30
    )
    police_reference = forms.CharField(
        label="Police reference",
        max_length=60,
        required=False,
        help_text="The incident or crime number, if known.",
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Do not write a victim's address or contact details.",
        validators=[validate_no_contact_details],
    )
    version = VersionField(required=False)

    def __init__(self, *args, case, user, versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, case=case)
        self.fields["victim_links"].help_text = (
            "Victims linked to this person, shown by label only."
            if self.fields["victim_links"].queryset.exists()
            else "No victims are linked yet."
        )
        self.fields["children_count"].widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input--width-2"}
        )
        self.fields["occurred_at"].widget.attrs.update({"class": "govuk-input--width-5"})
        self.fields["version"].required = versioned

    def clean_occurred_on(self):
        return _past_or_today(self.cleaned_data.get("occurred_on"), "The date of the incident")

    def clean(self):
        data = super().clean()
        if data.get("children_count") and not data.get("children_present"):
            self.add_error("children_count", "Only give a number of children if children were present")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class IncidentRemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why is this incident being removed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: entered against the wrong person.",
        validators=[validate_no_contact_details],
    )


class IncidentImportForm(GovukForm):
    # A month of a large force's domestic-abuse incidents is a few megabytes; more than this is a
    # wrong file or an attempt to tie up a worker.
    MAX_BYTES = 20 * 1024 * 1024

    team = PermittedModelChoiceField("casework.importing_team", label="Import for", empty_label=None)
    file = forms.FileField(
        label="Upload a police incident extract (CSV)", help_text="A CSV file of up to 20 MB."
    )

    def __init__(self, *args, teams, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams
        if len(teams) > 1:
            bind_choices(self, user)
            self.fields["team"].help_text = "People are matched within this team's area."
        else:
            del self.fields["team"]

    def clean(self):
        data = super().clean()
        if not self.teams:
            raise forms.ValidationError("You are not a case manager or supervisor in a case-management team.")
        return data

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                "The selected file must be smaller than 20 MB: split the extract by month"
            )
        return upload
