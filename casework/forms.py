"""Forms for the case file. Validation only: every write goes through casework.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.choices import PermittedModelChoiceField, bind_choices
from accounts.forms_govuk import GovukForm, GovukModelForm
from accounts.safe_text import validate_no_contact_details
from casework.models import (
    BehaviourType,
    Case,
    CaseNote,
    CaseSession,
    ClosureReason,
    DisruptionAction,
    OutcomeMeasure,
    Perpetrator,
    PerpetratorAddress,
    PerpetratorAlias,
    PerpetratorIdentifier,
    RiskLevel,
    SupportGoal,
)
from casework.selectors import CASELOAD_SORTS, caseload_filters


class VersionField(forms.IntegerField):
    """The version the editor loaded, so a save made from a stale copy is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)
        self.error_messages["required"] = "This form is out of date: reload the page and try again."


class CaseFileModelForm(GovukModelForm):
    """Radios never offer Django's "---------" blank choice: a required answer is chosen, not defaulted.

    `guarded_fields` are free text seen on the perpetrator's side: a postcode, phone number or
    email typed into them is refused (accounts.safe_text).
    """

    guarded_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.guarded_fields:
            self.fields[name].validators.append(validate_no_contact_details)
        for field in self.fields.values():
            if not hasattr(field, "choices"):
                continue
            if isinstance(field.widget, forms.RadioSelect):
                field.choices = [(value, label) for value, label in field.choices if value != ""]
            elif isinstance(field.widget, forms.Select) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(v, "Choose one" if v == "" else label) for v, label in field.choices]


class VersionedModelForm(CaseFileModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


# --- Caseload ---------------------------------------------------------------------------------


class CaseloadFilterForm(GovukForm):
    scope = forms.ChoiceField(
        label="Whose cases",
        choices=[("mine", "Allocated to me"), ("team", "My team's cases")],
        widget=forms.RadioSelect,
        required=False,
    )
    phase = forms.MultipleChoiceField(
        label="Phase", choices=Case.Phase.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    risk = forms.MultipleChoiceField(
        label="Risk level", choices=RiskLevel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    intervention = forms.MultipleChoiceField(
        label="Intervention type",
        choices=Case.InterventionType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    review = forms.ChoiceField(
        label="Review",
        choices=[
            ("", "Any review date"),
            ("overdue", "Review overdue"),
            ("soon", "Review due in the next 14 days"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by", choices=[(key, label) for key, (label, _) in CASELOAD_SORTS.items()], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for extra in caseload_filters():
            self.fields[f"flag_{extra.key}"] = forms.MultipleChoiceField(
                label=extra.label, choices=extra.choices, widget=forms.CheckboxSelectMultiple, required=False
            )

    def filters(self, *, default_scope: str) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "scope": data.get("scope") or default_scope,
            "phases": data.get("phase") or [],
            "risk_levels": data.get("risk") or [],
            "intervention_types": data.get("intervention") or [],
            "review": data.get("review") or "",
            "sort": data.get("sort") or "review",
            "extra": {extra.key: data.get(f"flag_{extra.key}") or [] for extra in caseload_filters()},
        }


# --- The case ---------------------------------------------------------------------------------


class CaseDetailsForm(VersionedModelForm):
    class Meta:
        model = Case
        fields = ["intervention_type", "phase", "next_review_date"]
        labels = {"next_review_date": "Next review date"}
        widgets = {"intervention_type": forms.RadioSelect, "phase": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_phases = [c for c in Case.Phase.choices if c[0] not in (Case.Phase.CLOSING, Case.Phase.CLOSED)]
        if self.instance.phase in (Case.Phase.CLOSING, Case.Phase.CLOSED):
            open_phases = [c for c in Case.Phase.choices if c[0] == self.instance.phase]
        self.fields["phase"].choices = open_phases
        self.fields["phase"].help_text = "To close the case, use “Request closure” on the closure tab."


class RiskChangeForm(GovukForm):
    risk_level = forms.ChoiceField(
        label="New risk level", choices=RiskLevel.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What has happened, and what it means for the risk. This is kept in the risk history.",
        error_messages={"required": "Enter the reason the risk level is changing"},
        validators=[validate_no_contact_details],
    )
    version = VersionField()


class AllocateForm(GovukForm):
    case_manager = PermittedModelChoiceField(
        "casework.case_manager",
        label="Case manager",
        empty_label="Choose a case manager",
        error_messages={"required": "Choose a case manager"},
    )

    supervisor = PermittedModelChoiceField(
        "casework.supervisor",
        label="Supervisor",
        required=False,
        empty_label="Keep the current supervisor",
        help_text="The supervisor approves closure and sees the case on their caseload.",
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, team=case.team)


# --- The perpetrator record -------------------------------------------------------------------


class PerpetratorForm(VersionedModelForm):
    class Meta:
        model = Perpetrator
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "date_of_birth",
            "gender",
            "ethnicity",
            "sexuality",
            "disability",
            "religion",
            "first_language",
            "interpreter_needed",
            "mappa_category",
            "mappa_level",
        ]
        labels = {
            "known_as": "Known as",
            "date_of_birth": "Date of birth",
            "disability": "Does the person consider themselves to have a disability?",
            "first_language": "First language",
            "interpreter_needed": "Needs an interpreter",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ethnicity", "sexuality", "disability", "religion"):
            self.fields[name].choices = [("", "Not recorded"), *self.fields[name].choices[1:]]
            self.fields[name].help_text = "For equality monitoring. The person may prefer not to say."
        for name in ("mappa_category", "mappa_level"):
            self.fields[name].choices = [("", "Not managed under MAPPA"), *self.fields[name].choices[1:]]

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value


class AliasForm(CaseFileModelForm):
    guarded_fields = ("note",)

    class Meta:
        model = PerpetratorAlias
        fields = ["name", "note"]
        labels = {"name": "Other name"}


class IdentifierForm(CaseFileModelForm):
    class Meta:
        model = PerpetratorIdentifier
        fields = ["kind", "value"]
        labels = {"kind": "Type of reference", "value": "Reference"}

    def validate_unique(self):
        # The service checks uniqueness among live rows and explains whose record holds it.
        return None


class AddressForm(CaseFileModelForm):
    class Meta:
        model = PerpetratorAddress
        fields = ["line_1", "line_2", "town", "postcode", "lived_from", "lived_to"]

    def clean(self):
        data = super().clean()
        lived_from, lived_to = data.get("lived_from"), data.get("lived_to")
        if lived_from and lived_to and lived_to < lived_from:
            self.add_error(
                "lived_to", "The date they left must be the same as or after the date they moved in"
            )
        return data


# --- Plans ------------------------------------------------------------------------------------


class SupportGoalForm(VersionedModelForm):
    guarded_fields = ("goal",)

    class Meta:
        model = SupportGoal
        fields = ["need_domain", "goal", "status", "review_date"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3}), "status": forms.RadioSelect}
        labels = {"review_date": "Review date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


class DisruptionActionForm(VersionedModelForm):
    guarded_fields = ("description", "outcome")

    class Meta:
        model = DisruptionAction
        fields = ["lever", "agency", "description", "due_date", "status", "outcome"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }
        labels = {"due_date": "Due date", "description": "What will be done"}

    agency = PermittedModelChoiceField(
        "casework.agency", label="Agency responsible", empty_label="Choose an agency"
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]
        bind_choices(self, user, case=case)


# --- Sessions and notes -----------------------------------------------------------------------


class SessionForm(CaseFileModelForm):
    guarded_fields = ("notes",)

    class Meta:
        model = CaseSession
        fields = ["kind", "held_on", "duration_minutes", "attendance", "notes"]
        widgets = {
            "kind": forms.RadioSelect,
            "attendance": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"kind": "Type of session or contact"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs.update(
            {"class": "govuk-input--width-4", "inputmode": "numeric"}
        )

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the session must be today or in the past")
        return value


class NoteForm(CaseFileModelForm):
    guarded_fields = ("text",)

    class Meta:
        model = CaseNote
        fields = ["kind", "sensitivity", "text"]
        widgets = {
            "kind": forms.RadioSelect,
            "sensitivity": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"kind": "Type of note", "text": "Note"}


class NoteDeleteForm(GovukForm):
    reason = forms.CharField(
        label="Why is this note being deleted?",
        max_length=500,
        error_messages={"required": "Enter why the note is being deleted"},
        validators=[validate_no_contact_details],
    )


class NoteFilterForm(GovukForm):
    kind = forms.MultipleChoiceField(
        label="Type of note",
        choices=CaseNote.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


# --- Closure and outcomes ---------------------------------------------------------------------


def _behaviour_fields(form: forms.Form, *, required: bool, initial: dict[str, int] | None = None) -> None:
    for behaviour, label in BehaviourType.choices:
        form.fields[f"behaviour_{behaviour}"] = forms.TypedChoiceField(
            label=label,
            choices=OutcomeMeasure.Frequency.choices,
            coerce=int,
            widget=forms.RadioSelect,
            required=required,
            initial=(initial or {}).get(behaviour),
            error_messages={"required": f"Choose how often {label.lower()} is happening now"},
        )


def behaviour_ratings(cleaned_data: dict) -> dict[str, int | None]:
    return {behaviour: cleaned_data.get(f"behaviour_{behaviour}") for behaviour in BehaviourType.values}


class OutcomeForm(GovukForm):
    time_point = forms.ChoiceField(
        label="When is this measure for?",
        choices=[(k, v) for k, v in OutcomeMeasure.TimePoint.choices if k != OutcomeMeasure.TimePoint.EXIT],
        widget=forms.RadioSelect,
        help_text="Exit measures are recorded when closure is requested.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _behaviour_fields(self, required=True)


class ClosureRequestForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the case closing?", choices=ClosureReason.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Closing summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="The work done, what changed, and anything the next worker should know.",
        error_messages={"required": "Enter a closing summary"},
        validators=[validate_no_contact_details],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _behaviour_fields(self, required=True)


class ClosureDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve closure"), ("return", "Return to the case manager")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or return the closure"},
    )
    note = forms.CharField(
        label="Note to the case manager",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Required if you return the closure.",
        validators=[validate_no_contact_details],
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the closure is being returned")
        return data


class ReopenForm(GovukForm):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the case is being reopened"},
        validators=[validate_no_contact_details],
    )
