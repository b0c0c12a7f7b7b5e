"""Forms for victim-survivor records (GOV.UK markup through accounts.forms_govuk)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import PermittedModelChoiceField, PermittedModelMultipleChoiceField, bind_choices
from accounts.forms_govuk import GovukForm, GovukModelForm
from casework.models import Case, Perpetrator, RiskLevel
from victims.consent import note_sharing_basis
from victims.forms_consent import without_consent_fields
from victims.models import (
    Child,
    ConsentDecision,
    DashAnswer,
    SafetyPlan,
    Victim,
    VictimAddress,
    VictimContact,
    VictimLink,
    VictimOutcome,
    VictimSafeContact,
)

NO_LOCATION_WARNING = (
    "Do not write an address, phone number, email, workplace, school or anything else that could show where "
    "the victim is or how to reach them."
)


class VersionedForm(GovukModelForm):
    """Carries the record's version so a stale save is refused (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class VictimDetailsForm(VersionedForm):
    class Meta:
        model = Victim
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "date_of_birth",
            "gender",
            "ethnicity",
            "sexuality",
            "disability",
            "disability_needs",
            "religion",
            "first_language",
            "interpreter_needed",
            "support_status",
            "victim_contact_scheme",
            "vlo_name",
            "vlo_contact",
        ]
        labels = {"interpreter_needed": "Needs an interpreter", "known_as": "Known as"}
        help_texts = {
            "vlo_contact": "The officer's work phone or email. Never the victim's own details.",
            "ethnicity": "Optional: the victim may prefer not to say.",
        }


class VictimCreateForm(GovukModelForm):
    class Meta:
        model = Victim
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "date_of_birth",
            "gender",
            "first_language",
            "interpreter_needed",
        ]
        labels = {"interpreter_needed": "Needs an interpreter", "known_as": "Known as"}


_REFERENCE = re.compile(r"^\s*TL-?0*(\d+)\s*$", re.IGNORECASE)


class LinkForm(GovukForm):
    """Find the person who harms the victim by case reference, or by surname and date of birth."""

    case_reference = forms.CharField(
        label="Their case reference", required=False, max_length=20, help_text="For example TL-000123."
    )
    last_name = forms.CharField(label="Or their surname", required=False, max_length=100)
    date_of_birth = forms.DateField(label="and their date of birth", required=False)
    relationship = forms.ChoiceField(
        label="Relationship to the victim", choices=VictimLink.Relationship.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(label="Relationship started", required=False)

    def __init__(self, *args, area, **kwargs):
        self.area = area
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        reference, last_name, dob = (
            data.get("case_reference"),
            data.get("last_name"),
            data.get("date_of_birth"),
        )
        people = Perpetrator.objects.filter(area=self.area)
        if reference:
            match = _REFERENCE.match(reference)
            case = (
                Case.objects.filter(pk=int(match.group(1)), perpetrator__area=self.area).first()
                if match
                else None
            )
            if case is None:
                raise ValidationError({"case_reference": "No case in this area has that reference"})
            data["perpetrator"] = case.perpetrator
        elif last_name and dob:
            found = list(people.filter(last_name__iexact=last_name.strip(), date_of_birth=dob)[:2])
            if len(found) != 1:
                raise ValidationError(
                    {
                        "last_name": "No single person in this area matches that surname and date of birth: use the case reference"
                    }
                )
            data["perpetrator"] = found[0]
        elif not self.errors:
            raise ValidationError(
                {"case_reference": "Enter the case reference, or the surname and date of birth"}
            )
        return data


class LinkEndForm(GovukForm):
    ended_on = forms.DateField(label="Date the relationship ended")


class AllocateForm(GovukForm):
    idva = PermittedModelChoiceField("victims.idva", label="IDVA", empty_label="Choose an IDVA")

    def __init__(self, *args, team, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, team=team)


class AddressForm(GovukModelForm):
    class Meta:
        model = VictimAddress
        fields = ["kind", "line_1", "line_2", "town", "postcode", "from_date", "to_date", "is_current"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Type of address"}

    def clean(self):
        data = super().clean()
        if data.get("from_date") and data.get("to_date") and data["to_date"] < data["from_date"]:
            self.add_error("to_date", "The end date must be on or after the start date")
        return data


class ContactForm(GovukModelForm):
    class Meta:
        model = VictimContact
        fields = ["kind", "value", "safe_to_use", "note"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Type"}

    def clean(self):
        data = super().clean()
        if data.get("kind") == VictimContact.Kind.EMAIL and data.get("value"):
            try:
                forms.EmailField().clean(data["value"])
            except ValidationError:
                self.add_error("value", "Enter an email address in the correct format, like name@example.com")
        return data


class SafeContactForm(GovukModelForm):
    class Meta:
        model = VictimSafeContact
        fields = [
            "safe_contact_method",
            "safe_times",
            "safe_to_leave_message",
            "housing_situation",
            "housing_notes",
        ]
        widgets = {"safe_to_leave_message": forms.RadioSelect}
        help_texts = {
            "safe_contact_method": "For example: text first from a withheld number, only via her sister."
        }


class SafetyPlanForm(GovukForm):
    plan = forms.CharField(label="Safety plan", widget=forms.Textarea(attrs={"rows": 10}))
    review_on = forms.DateField(label="Review by", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_plan(cls, plan: SafetyPlan | None, data=None):
        initial = {"plan": plan.plan, "review_on": plan.review_on, "version": plan.version} if plan else {}
        return cls(data, initial=initial)


class SafetyNoteForm(GovukForm):
    text = forms.CharField(
        label="Safety note",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Seen only by the victim's IDVA team.",
    )


class SharedNoteForm(GovukForm):
    link = PermittedModelChoiceField(
        "victims.link",
        label="Share with the case manager working with",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    text = forms.CharField(
        label="Note to share", widget=forms.Textarea(attrs={"rows": 5}), help_text=NO_LOCATION_WARNING
    )
    confirm = forms.BooleanField(
        label="I have checked this note holds nothing that could locate or contact the victim",
        error_messages={"required": "Confirm you have checked the note before sharing it"},
    )

    def __init__(self, *args, victim, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, victim=victim)
        links = self.fields["link"].queryset.select_related("perpetrator")
        # What the consent ledger says for each: the basis fields appear when one has no consent.
        self.bases = {link.pk: note_sharing_basis(victim, link) for link in links}
        self.fields["link"].label_from_instance = lambda link: (
            f"{link.perpetrator} ({link.get_relationship_display()}). Consent to share: "
            f"{self.bases[link.pk].status.lower()}"
        )
        if not all(basis.allowed for basis in self.bases.values()):
            self.fields.update(without_consent_fields())


class DashForm(GovukForm):
    """One Yes / No / Don't know and a comment per question of the instrument."""

    judgement_level = forms.ChoiceField(
        label="Professional judgement",
        required=False,
        choices=[
            ("", "No change to the checklist level"),
            *[(v, lbl) for v, lbl in RiskLevel.choices if v != RiskLevel.VERY_HIGH],
        ],
        help_text="You may raise the level from the checklist, never lower it.",
    )
    judgement_rationale = forms.CharField(
        label="Reason for professional judgement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you use professional judgement.",
    )
    incidents_last_12_months = forms.IntegerField(
        label="Domestic abuse incidents known in the last 12 months",
        required=False,
        min_value=0,
        max_value=500,
    )

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        questions = {}
        for question in instrument.questions:
            n = question["number"]
            questions[f"q{n}"] = forms.ChoiceField(
                label=f"{n}. {question['text']}",
                choices=DashAnswer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {n}"},
            )
            questions[f"q{n}_comment"] = forms.CharField(
                label=f"Comment on question {n}", required=False, max_length=1000
            )
        self.fields = {**questions, **self.fields}

    def clean(self):
        data = super().clean()
        if data.get("judgement_level") and not (data.get("judgement_rationale") or "").strip():
            self.add_error("judgement_rationale", "Explain the professional judgement")
        return data

    def answers(self) -> dict:
        return {
            str(q["number"]): {
                "answer": self.cleaned_data[f"q{q['number']}"],
                "comment": self.cleaned_data.get(f"q{q['number']}_comment", ""),
            }
            for q in self.instrument.questions
        }


class ConsentForm(GovukModelForm):
    receiving_organisation = PermittedModelChoiceField("victims.area_agency", label="Receiving agency")

    class Meta:
        model = ConsentDecision
        fields = [
            "purpose",
            "receiving_organisation",
            "consent",
            "legal_basis",
            "shared_without_consent",
            "rationale",
            "decided_on",
        ]
        widgets = {"consent": forms.RadioSelect, "rationale": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "shared_without_consent": "Information was shared without consent",
            "rationale": "Rationale",
            "decided_on": "Date of the decision",
        }
        help_texts = {
            "rationale": "Required when sharing without consent: why it was necessary and proportionate."
        }

    def __init__(self, *args, victim, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, victim=victim)

    def clean(self):
        data = super().clean()
        without = data.get("shared_without_consent")
        if without and data.get("consent") == ConsentDecision.Consent.GIVEN:
            self.add_error(
                "shared_without_consent", "Consent was given, so this was not shared without consent"
            )
        if without and not (data.get("rationale") or "").strip():
            self.add_error("rationale", "Explain why it was right to share without consent")
        if data.get("legal_basis") == ConsentDecision.LegalBasis.CONSENT and data.get("consent") not in (
            None,
            ConsentDecision.Consent.GIVEN,
        ):
            self.add_error("legal_basis", "Consent can only be the legal basis when consent was given")
        return data

    def _post_clean(self):
        # Constraints are checked by the service, which reports them as field errors.
        pass


class ChildForm(GovukModelForm):
    perpetrator_links = PermittedModelMultipleChoiceField(
        "victims.link",
        label="Linked to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The perpetrators this child is linked to (as a parent or household member).",
    )

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "lives_with_victim",
            "perpetrator_links",
            "school",
            "address",
            "status",
        ]

    def __init__(self, *args, victim, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, victim=victim)
        field = self.fields["perpetrator_links"]
        field.label_from_instance = lambda link: f"{link.perpetrator} ({link.get_relationship_display()})"


class EncompassForm(GovukForm):
    incident_on = forms.DateField(label="Date of the police-attended incident")
    notified_on = forms.DateField(label="Date the school was told")
    before_next_school_day = forms.TypedChoiceField(
        label="Was the school told before the start of the next school day?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if data.get("incident_on") and data.get("notified_on") and data["notified_on"] < data["incident_on"]:
            self.add_error("notified_on", "The school cannot be told before the incident happened")
        return data


class OutcomeForm(GovukModelForm):
    class Meta:
        model = VictimOutcome
        fields = [
            "physical_abuse",
            "sexual_abuse",
            "harassment_stalking",
            "jealous_controlling",
            "idva_risk",
            "space_for_action",
            "recorded_on",
        ]
        widgets = {
            name: forms.RadioSelect
            for name in (
                "physical_abuse",
                "sexual_abuse",
                "harassment_stalking",
                "jealous_controlling",
                "space_for_action",
            )
        }
        labels = {
            "physical_abuse": "Physical abuse",
            "sexual_abuse": "Sexual abuse",
            "recorded_on": "Date recorded",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in VictimOutcome.BEHAVIOURS:
            self.fields[name].help_text = "Has the victim experienced this in the last 3 months?"

    def _post_clean(self):
        # One row per stage is kept by the service (update_or_create), not by form uniqueness checks.
        pass


class NewPartnerForm(GovukForm):
    what_is_known = forms.CharField(
        label="What do you know about the new partner?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="For example a first name, roughly how long they have been together, whether there are children. "
        + NO_LOCATION_WARNING
        + " The IDVA team will find and contact them safely.",
    )


class PickUpForm(GovukForm):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    relationship = forms.ChoiceField(
        label="Relationship to the perpetrator",
        choices=VictimLink.Relationship.choices,
        initial=VictimLink.Relationship.PARTNER,
        widget=forms.RadioSelect,
    )


class NamedVictimRecordForm(GovukForm):
    """A new victim record from a named victim on a referral: the referrer's details, checked."""

    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter their last name"})
    date_of_birth = forms.DateField(label="Date of birth (optional)", required=False)
    relationship = forms.ChoiceField(
        label="Relationship to the person referred",
        choices=VictimLink.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their relationship to the person referred"},
    )
    line_1 = forms.CharField(label="Address line 1 (optional)", max_length=200, required=False)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city (optional)", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    safe_contact_method = forms.CharField(
        label="Safe way and time to make contact (optional)", max_length=300, required=False
    )
    children_details = forms.CharField(
        label="Children's names and ages (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept as a safety note for your team. Add each child on the Children tab once you have checked.",
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.match(r"^[0-9 +()-]{6,40}$", phone):
            raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
        return phone

    def clean(self):
        data = super().clean()
        if data.get("date_of_birth") and data["date_of_birth"] > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be in the past")
        if (data.get("line_2") or data.get("town") or data.get("postcode")) and not data.get("line_1"):
            self.add_error("line_1", "Enter the first line of the address, or leave the address blank")
        return data

    @staticmethod
    def initial_from(referral_victim) -> dict:
        """Prefill from the referral: the referrer's free-text address is split into lines."""
        from victims.services import REFERRAL_RELATIONSHIP

        details = getattr(referral_victim, "restricted", None)
        initial = {
            "first_name": referral_victim.first_name,
            "last_name": referral_victim.last_name,
            "relationship": REFERRAL_RELATIONSHIP.get(referral_victim.relationship, "other"),
        }
        if details is None:
            return initial
        lines = [line.strip(" ,") for line in re.split(r"[\n\r]+", details.address) if line.strip(" ,")]
        if len(lines) == 1 and lines[0].count(",") >= 2:
            lines = [part.strip() for part in lines[0].rsplit(",", 1)]
        initial.update(
            {
                "date_of_birth": details.date_of_birth,
                "line_1": lines[0][:200] if lines else "",
                "line_2": ", ".join(lines[1:-1])[:200] if len(lines) > 2 else "",
                "town": lines[-1][:100] if len(lines) > 1 else "",
                "postcode": details.postcode,
                "phone": details.phone,
                "email": details.email,
                "safe_contact_method": details.safe_contact[:300],
                "children_details": details.children_details,
            }
        )
        return initial


class NamedVictimLinkForm(GovukForm):
    """The named victim already has a record: choose it from the likely matches or by reference."""

    victim = forms.ChoiceField(label="Which record is this person?", widget=forms.RadioSelect, required=False)
    reference = forms.CharField(
        label="Or enter their record reference",
        required=False,
        max_length=20,
        help_text="For example V-000123.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    relationship = forms.ChoiceField(
        label="Relationship to the person referred",
        choices=VictimLink.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their relationship to the person referred"},
    )

    def __init__(self, *args, matches, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible = visible
        self.fields["victim"].choices = [
            (
                str(m.victim.pk),
                f"{m.victim.full_name}, {m.victim.reference}"
                + (f", born {m.victim.date_of_birth:%-d %B %Y}" if m.victim.date_of_birth else "")
                + f" ({m.reason})",
            )
            for m in matches
        ]
        if not matches:
            self.fields["victim"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        reference = (data.get("reference") or "").strip()
        chosen = data.get("victim")
        if reference:
            match = re.match(r"^\s*V-?0*(\d+)\s*$", reference, re.IGNORECASE)
            found = self.visible.filter(pk=int(match.group(1))).first() if match else None
            if found is None:
                self.add_error("reference", "There is no record with that reference that your team holds")
            data["record"] = found
        elif chosen:
            data["record"] = self.visible.filter(pk=chosen).first()
        else:
            self.add_error(
                "victim" if self.fields["victim"].choices else "reference",
                "Choose their record, or enter its reference",
            )
        return data


class NotOfferedForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is IDVA support not being offered?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select why support is not offered"},
    )
    note = forms.CharField(
        label="More detail (optional unless you chose another reason)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seen only by your IDVA team.",
    )

    def __init__(self, *args, **kwargs):
        from referrals.models import ReferralVictim

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = ReferralVictim.NotOfferedReason.choices

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("note") or "").strip():
            self.add_error("note", "Explain why support is not offered")
        return data
