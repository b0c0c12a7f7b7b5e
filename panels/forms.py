"""Forms for panels. Validation is server-side with GOV.UK messages; services make the changes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from accounts.choices import INVALID_CHOICE, PermittedModelChoiceField, bind_choices, permitted
from accounts.forms_govuk import GovukForm
from accounts.safe_text import validate_no_contact_details
from casework.models import Case, RiskLevel
from panels.models import (
    Action,
    AgendaItem,
    Attendance,
    MaracReferral,
    Panel,
)
from panels.sharing import prefix as sharing_prefix
from victims.forms_consent import without_consent_fields, without_consent_from
from victims.models import Victim, VictimLink


def _parse_time(value: str, label: str) -> datetime.time:
    value = (value or "").strip().replace(".", ":")
    for fmt in ("%H:%M", "%H%M"):
        try:
            return datetime.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    raise forms.ValidationError(f"{label} must be a time in 24-hour format, like 14:30")


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingForm(GovukForm):
    date = forms.DateField(label="Date of the meeting")
    time = forms.CharField(label="Start time", help_text="24-hour clock, for example 09:30", max_length=5)
    venue = forms.CharField(
        label="Meeting room or call name",
        required=False,
        max_length=200,
        help_text="Never a person's address.",
    )

    def clean_time(self):
        return _parse_time(self.cleaned_data["time"], "Start time")

    def clean(self):
        data = super().clean()
        if data.get("date") and isinstance(data.get("time"), datetime.time):
            when = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
            if when < timezone.now() - datetime.timedelta(days=1):
                self.add_error("date", "The date of the meeting must be today or in the future")
            data["scheduled_for"] = when
        return data


class AgendaItemAddForm(GovukForm):
    subject = forms.ChoiceField(label="Who is this item about?")
    reason = forms.ChoiceField(
        label="Reason for listing", choices=AgendaItem.Reason.choices, widget=forms.RadioSelect
    )
    risk_level = forms.ChoiceField(
        label="Risk level when listed",
        choices=RiskLevel.choices,
        initial=RiskLevel.HIGH,
        help_text="For victim items. Perpetrator items use the case's current risk level.",
    )
    slot_minutes = forms.TypedChoiceField(
        label="Time slot", choices=[(10, "10 minutes"), (15, "15 minutes")], coerce=int, initial=15
    )
    referral_reason = forms.ChoiceField(
        label="MARAC referral criterion",
        required=False,
        choices=[("", "The criterion the victim meets (worked out for you)"), *MaracReferral.Reason.choices],
        help_text="Listing a victim at MARAC records a MARAC referral, so repeats and the 12-month "
        "review are counted from it. Not recorded for reviews.",
    )

    def __init__(self, *args, panel, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.panel, self.user = panel, user
        self.fields["subject"].choices = [("", "Choose a case or victim"), *subject_choices(panel, user)]
        if panel.kind != Panel.Kind.MARAC:
            del self.fields["referral_reason"]
        else:
            # Listing a victim at MARAC shares them: consent, or the basis for sharing without it.
            self.fields.update(
                without_consent_fields(
                    hint="For a victim who has not consented to sharing at MARAC, or whom it was unsafe "
                    "to ask. Without consent on record or these answers, the victim is not listed."
                )
            )

    def without_consent(self):
        return without_consent_from(self.cleaned_data)

    def clean_subject(self) -> tuple[str, Case | Victim]:
        """("case", the case) or ("victim", the victim), from the same choice sets as the list."""
        kind, _, pk = self.cleaned_data["subject"].partition(":")
        choice_set = {"case": "panels.agenda_case", "victim": "panels.agenda_victim"}[kind]
        chosen = permitted(choice_set, self.user, panel=self.panel).filter(pk=int(pk)).first()
        if chosen is None:
            raise forms.ValidationError(INVALID_CHOICE)
        return kind, chosen


def subject_choices(panel, user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices: open cases (reference and name) and victims (reference and safe label) in the area."""
    cases = (
        permitted("panels.agenda_case", user, panel=panel)
        .select_related("perpetrator")
        .order_by("perpetrator__last_name", "pk")[:500]
    )
    links = {}
    for link in (
        VictimLink.objects.filter(victim__area=panel.area_id)
        .select_related("perpetrator")
        .order_by("-is_current", "pk")
    ):
        links.setdefault(link.victim_id, link)
    victims = permitted("panels.agenda_victim", user, panel=panel)
    victim_choices = []
    for victim in victims.order_by("pk")[:500]:
        link = links.get(victim.pk)
        label = f"{link.safe_label} of {link.perpetrator.full_name}" if link else "no linked perpetrator"
        victim_choices.append((f"victim:{victim.pk}", f"{victim.reference}: {label}"))
    return [
        (
            "Perpetrators (open cases)",
            [(f"case:{c.pk}", f"{c.reference}: {c.perpetrator.full_name}") for c in cases],
        ),
        ("Victims", victim_choices),
    ]


class AgendaItemEditForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Reason for listing", choices=AgendaItem.Reason.choices, widget=forms.RadioSelect
    )
    order = forms.IntegerField(label="Position on the agenda", min_value=1, max_value=99)
    slot_start = forms.CharField(
        label="Time slot starts", max_length=5, help_text="24-hour clock, for example 10:15"
    )
    slot_minutes = forms.TypedChoiceField(
        label="Time slot", choices=[(10, "10 minutes"), (15, "15 minutes")], coerce=int
    )
    risk_level = forms.ChoiceField(label="Risk level when listed", choices=RiskLevel.choices)
    shared_with_agencies = forms.BooleanField(
        label="Show this item to member agencies on the published agenda", required=False
    )
    shared_fields = forms.MultipleChoiceField(
        label="What member agencies may see",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only safe details can be shared. A victim's location and contact details are never shared.",
    )

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_fields"].choices = item.shareable
        if item.victim_id and item.meeting.published_at is not None:
            # Showing a victim item on a published agenda shares it with every member agency.
            self.fields.update(
                without_consent_fields(
                    hint="Needed to show this item to agencies when the victim has not consented to "
                    "sharing with this panel, or it was unsafe to ask."
                )
            )

    def without_consent(self):
        return without_consent_from(self.cleaned_data)


class PublishForm(GovukForm):
    """Publishing shares each victim item with the member agencies: for each one without consent
    on record, the basis for sharing without it."""

    def __init__(self, *args, items_needing: list[tuple[AgendaItem, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.items_needing = items_needing
        for item, title in items_needing:
            self.fields.update(
                without_consent_fields(
                    prefix=sharing_prefix(item),
                    about=f"Item {item.order} ({title})",
                    hint="This victim has not consented to sharing with this panel's agencies, or it was "
                    "unsafe to ask. Without these answers the agenda is not published.",
                )
            )

    def without_consent(self) -> dict[int, object]:
        found = {}
        for item, _ in self.items_needing:
            entered = without_consent_from(self.cleaned_data, prefix=sharing_prefix(item))
            if entered is not None:
                found[item.pk] = entered
        return found

    def clean_slot_start(self):
        return _parse_time(self.cleaned_data["slot_start"], "Time slot starts")


class ResearchForm(VersionedForm):
    holds_information = forms.TypedChoiceField(
        label="Does your agency hold information on this case?",
        choices=[("yes", "Yes"), ("no", "No, nothing held")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="What your agency holds",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="Relevant facts for the panel. Do not include a victim's address or contact details.",
    )
    # services.research_submit refuses location and contact details, on every panel.

    def clean(self):
        data = super().clean()
        if data.get("holds_information") and not (data.get("summary") or "").strip():
            self.add_error("summary", "Enter what your agency holds on this case")
        return data


class AttendanceForm(GovukForm):
    """One status and attendee field per member agency, built at run time."""

    def __init__(self, *args, agencies, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        for org in agencies:
            row = current.get(org.pk)
            self.fields[f"status_{org.pk}"] = forms.ChoiceField(
                label=f"{org.name}: attendance",
                choices=[("", "Choose"), *Attendance.Status.choices],
                initial=row.status if row else "",
            )
            self.fields[f"name_{org.pk}"] = forms.CharField(
                label=f"{org.name}: who attended or sent information",
                required=False,
                max_length=200,
                initial=row.attendee_name if row else "",
            )
        for field in self.fields.values():
            field.error_messages["required"] = "Choose an attendance status for each agency"

    def entries(self) -> dict[int, tuple[str, str]]:
        return {
            org.pk: (self.cleaned_data[f"status_{org.pk}"], self.cleaned_data.get(f"name_{org.pk}", ""))
            for org in self.agencies
        }


class ObserverForm(GovukForm):
    name = forms.CharField(label="Observer's name", max_length=200)
    role = forms.CharField(label="Role and organisation", max_length=200)
    confidentiality_signed_on = forms.DateField(label="Date the confidentiality statement was signed")

    def clean_confidentiality_signed_on(self):
        value = self.cleaned_data["confidentiality_signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date signed must be today or in the past")
        return value


class MinutesForm(VersionedForm):
    discussion_summary = forms.CharField(
        label="Discussion summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        validators=[validate_no_contact_details],
        help_text="Approved minutes reach every member agency. Never record an address or contact details.",
    )
    agreed_risk_level = forms.ChoiceField(label="Agreed risk level", choices=RiskLevel.choices)
    decisions = forms.CharField(
        label="Decisions",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
        validators=[validate_no_contact_details],
    )


class ActionAddForm(GovukForm):
    organisation = PermittedModelChoiceField(
        "panels.member_agency", label="Agency that owns the action", empty_label="Choose an agency"
    )
    owner = PermittedModelChoiceField(
        "panels.action_owner", label="Person responsible", required=False, empty_label="Not named yet"
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[validate_no_contact_details],
    )
    due_on = forms.DateField(label="Due date")

    def __init__(self, *args, panel, user, people, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, panel=panel)
        # Each representative with the agency they sit for (people: selectors.agency_people).
        seats = {person.pk: org for person, org in people}
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u} ({seats[u.pk]})" if u.pk in seats else str(u)
        )

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return value


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices, widget=forms.RadioSelect)
    update_note = forms.CharField(
        label="Update",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[validate_no_contact_details],
        help_text="Required when the action was not possible or not actioned.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in (Action.Status.NOT_POSSIBLE, Action.Status.NOT_ACTIONED)
            and not (data.get("update_note") or "").strip()
        ):
            self.add_error("update_note", "Explain why the action was not completed")
        return data


class TrackerFilterForm(GovukForm):
    organisation = forms.ChoiceField(label="Agency", required=False)
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "All agencies"), *[(o.pk, o.name) for o in agencies]]


class PartnerNominationForm(GovukForm):
    """A member agency nominates a perpetrator. They name the person; they are not shown records."""

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth (if known)", required=False, help_text="For example, 27/3/1984"
    )
    reason = forms.CharField(
        label="Why your agency nominates this person",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        validators=[validate_no_contact_details],
        help_text="What your agency holds that makes this person a priority: recent incidents, "
        "escalation, breaches, new partners. Never a victim's address or contact details.",
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and value >= timezone.localdate():
            raise forms.ValidationError("The date of birth must be in the past")
        return value


class PartnerDecisionForm(GovukForm):
    """The coordinator accepts a partner nomination onto an agenda, or declines it with a reason."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept and list on an agenda"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    case = forms.ChoiceField(label="Which record is the nominated person?", required=False)
    meeting = PermittedModelChoiceField(
        "panels.upcoming_meeting", label="Meeting", required=False, empty_label="Choose a meeting"
    )
    decision_reason = forms.CharField(
        label="Reason for declining",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[validate_no_contact_details],
        help_text="The nominating agency sees this reason.",
    )

    def __init__(self, *args, matches, panel, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_choices(self, user, panel=panel)
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{timezone.localtime(m.scheduled_for):%-d %B %Y %H:%M}"
        )
        self.fields["case"].choices = [
            ("", "Choose a record"),
            *[
                (
                    m.open_case.pk,
                    f"{m.open_case.reference}: {m.perpetrator.full_name}"
                    + (
                        f", born {m.perpetrator.date_of_birth:%-d %B %Y}"
                        if m.perpetrator.date_of_birth
                        else ""
                    ),
                )
                for m in matches
                if m.open_case is not None
            ],
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "accept":
            if not data.get("case"):
                self.add_error("case", "Choose the record of the nominated person (they need an open case)")
            if not data.get("meeting") and "meeting" not in self.errors:
                self.add_error("meeting", "Choose the meeting to list the person at")
        elif data.get("decision") == "decline" and not (data.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "Give the reason for declining the nomination")
        return data
