"""Referral forms. Validation is server-side and every message is a GOV.UK one."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from accounts.choices import PermittedModelChoiceField, bind_choices
from accounts.forms_govuk import GovukForm, GovukModelForm
from accounts.safe_text import validate_no_contact_details
from casework.models import Case, RiskLevel
from referrals.models import Referral, ReferralVictim, ScreeningAnswer
from referrals.services import REFERRAL_FIELDS, REQUIRED_TO_SUBMIT, Outcome

PHONE = re.compile(r"^[0-9 +()-]{6,40}$")


class ReferralForm(GovukModelForm):
    """The whole referral on one page; "Save as draft" skips the completeness checks."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    team = PermittedModelChoiceField("referrals.receiving_team", label="Receiving team")

    class Meta:
        model = Referral
        fields = ["team", *REFERRAL_FIELDS]
        widgets = {
            "stated_risk_level": forms.RadioSelect,
            "legal_basis": forms.RadioSelect,
            "consent": forms.RadioSelect,
            "disability": forms.RadioSelect,
            "intervention_type": forms.RadioSelect,
            "other_names": forms.Textarea(attrs={"rows": 3}),
            "concerns": forms.Textarea(attrs={"rows": 6}),
            "consent_notes": forms.Textarea(attrs={"rows": 3}),
            "address_line_1": forms.TextInput(attrs={"autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        }
        help_texts = {
            "concerns": "What has happened, who is at risk and why you are referring now",
            "police_reference": "For example a crime or incident number",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user)
        # Required to send, not to save a draft: labels show what sending needs.
        drafting = self.is_bound and "draft" in self.data
        for name, message in REQUIRED_TO_SUBMIT.items():
            self.fields[name].required = not drafting
            self.fields[name].error_messages["required"] = message
        self.fields["team"].empty_label = None
        self.fields["team"].error_messages["required"] = "Select the team receiving the referral"
        self.fields["received_on"].error_messages["required"] = "Enter the date the referral was received"
        self.fields["pathway"].choices = [("", "Select a pathway")] + list(self.fields["pathway"].choices)[1:]
        for name in ("stated_risk_level", "legal_basis", "consent", "disability"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        self.fields["intervention_type"].choices = [
            c for c in self.fields["intervention_type"].choices if c[0] != ""
        ]
        self.fields["referrer_email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        # Seen by the perpetrator case manager: a victim's contact details belong in the
        # restricted named-victim section, not here.
        for name in ("concerns", "consent_notes"):
            self.fields[name].validators.append(validate_no_contact_details)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_referrer_phone(self):
        phone = self.cleaned_data["referrer_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received and received > timezone.localdate():
            raise forms.ValidationError("The date received must be today or in the past")
        return received

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return dob


class NamedVictimForm(GovukForm):
    """One person harmed or at risk. The lower fields are victim-restricted once saved."""

    row_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    relationship = forms.ChoiceField(
        label="Relationship to the person referred",
        choices=[("", "Select a relationship"), *ReferralVictim.Relationship.choices],
        required=False,
    )
    children_count = forms.IntegerField(
        label="Number of children",
        min_value=0,
        max_value=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    children_details = forms.CharField(
        label="Children's names and ages", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    date_of_birth = forms.DateField(label="Date of birth", required=False)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    safe_contact = forms.CharField(
        label="Safe way and time to make contact", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    remove = forms.BooleanField(label="Remove this person from the referral", required=False)

    RESTRICTED = (
        "children_details",
        "date_of_birth",
        "address",
        "postcode",
        "phone",
        "email",
        "safe_contact",
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean(self):
        data = super().clean()
        if self.has_changed() and not data.get("remove"):
            if not data.get("first_name"):
                self.add_error("first_name", "Enter the first name of the person harmed or at risk")
            if not data.get("relationship"):
                self.add_error("relationship", "Select their relationship to the person referred")
        return data


NamedVictimFormSet = forms.formset_factory(NamedVictimForm, extra=2, max_num=10)


class FirstContactForm(GovukForm):
    date = forms.DateField(
        label="Date of first contact", error_messages={"required": "Enter the date of first contact"}
    )


class PersonDecisionForm(GovukForm):
    person = forms.ChoiceField(
        label="Is this one of these people?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a person, or confirm this is someone new"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(match.perpetrator.pk), match.perpetrator.full_name) for match in candidates]
        self.fields["person"].choices = [*choices, ("new", "None of these: this is a new person")]


class ScreeningForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (Outcome.SAVE, "Save the answers and decide later"),
            (Outcome.ACCEPT, "Accept the referral"),
            (Outcome.DECLINE, "Decline the referral"),
            (Outcome.SIGNPOST, "Signpost to another service"),
        ],
        error_messages={"required": "Select a decision"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when declining, and when accepting a referral that does not meet every criterion",
    )
    signpost_service = PermittedModelChoiceField(
        "referrals.signpost_service",
        label="Service signposted to",
        required=False,
        empty_label="Select a service",
    )

    def __init__(self, *args, criteria, referral, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, referral=referral)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.question,
                help_text=criterion.get_kind_display(),
                choices=ScreeningAnswer.Answer.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        # Criteria first, then the decision.
        self.order_fields(
            [f"criterion_{c.pk}" for c in self.criteria] + ["outcome", "reason", "signpost_service"]
        )

    def answers(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data.get(f"criterion_{c.pk}")
            for c in self.criteria
            if self.cleaned_data.get(f"criterion_{c.pk}")
        }


class AllocateForm(GovukForm):
    case_manager = PermittedModelChoiceField(
        "casework.case_manager",
        label="Case manager",
        empty_label="Select a case manager",
        error_messages={"required": "Select the case manager"},
    )
    intervention_type = forms.ChoiceField(
        label="Intervention", choices=Case.InterventionType.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Allocation note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, team, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, team=team)


class MergeForm(GovukForm):
    keep = forms.CharField(
        label="Case reference of the record to keep",
        help_text="For example TL-000123",
        error_messages={"required": "Enter the case reference of the record to keep"},
    )
    merge = forms.CharField(
        label="Case reference of the duplicate record",
        help_text="This record's cases, aliases, identifiers and links move to the record you keep",
        error_messages={"required": "Enter the case reference of the duplicate record"},
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are the same person"},
    )

    @staticmethod
    def case_pk(reference: str) -> int | None:
        match = re.fullmatch(r"\s*(?:TL-?)?0*(\d{1,9})\s*", reference, re.IGNORECASE)
        return int(match.group(1)) if match else None

    def clean_keep(self):
        if self.case_pk(self.cleaned_data["keep"]) is None:
            raise forms.ValidationError("Enter a case reference like TL-000123")
        return self.cleaned_data["keep"]

    def clean_merge(self):
        if self.case_pk(self.cleaned_data["merge"]) is None:
            raise forms.ValidationError("Enter a case reference like TL-000123")
        return self.cleaned_data["merge"]


class QueueFilterForm(GovukForm):
    pathway = forms.ChoiceField(label="Pathway", required=False, choices=[("", "All pathways")])
    risk = forms.ChoiceField(
        label="Risk stated by referrer", required=False, choices=[("", "Any"), *RiskLevel.choices]
    )
    sort = forms.ChoiceField(label="Sort by", required=False)

    def __init__(self, *args, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        from referrals.models import Pathway

        self.fields["pathway"].choices = [("", "All pathways"), *Pathway.choices]
        self.fields["sort"].choices = [(key, label.capitalize()) for key, (label, _) in sorts.items()]
