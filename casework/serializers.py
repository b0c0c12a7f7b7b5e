"""API representations of cases, orders, custody records, disruption actions and incidents.

Read serializers show what the case's users see on the case pages. Victims appear only as
safe labels ("Ex-partner, victim 2"); nothing here reads a victim row. Write serializers
accept exactly the fields the matching service changes, plus `version` for optimistic
concurrency, and refuse anything else by name (`RejectUnknownFieldsMixin`).

Free text typed by people is refused if it holds a postcode, phone number or email
(`validate_no_contact_details`); the police incident feed cannot be asked to correct its text, so
its summaries are masked by the import it shares with the CSV upload (`casework.imports`).
"""

from __future__ import annotations

from rest_framework import serializers

from accounts.api_access import RejectUnknownFieldsMixin
from accounts.safe_text import validate_no_contact_details
from casework.imports import ASCII_NUMBER, COLUMNS
from casework.models import (
    Case,
    CustodyRecord,
    DisruptionAction,
    IncidentType,
    Offence,
    Order,
    OrderCondition,
)

VERSION_HELP = "The record's version as you last read it. A stale version is refused with 409."


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    known_as = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="The case reference, e.g. TL-000123.")
    perpetrator = PersonSerializer(read_only=True)
    team = serializers.CharField(source="team.name", read_only=True)
    organisation = serializers.CharField(source="team.organisation.name", read_only=True)
    case_manager = serializers.CharField(source="case_manager.full_name", read_only=True, allow_null=True)
    supervisor = serializers.CharField(source="supervisor.full_name", read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "perpetrator",
            "team",
            "organisation",
            "case_manager",
            "supervisor",
            "intervention_type",
            "phase",
            "risk_level",
            "next_review_date",
            "opened_on",
            "closed_on",
            "version",
        ]
        read_only_fields = fields


class CaseUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """What a case's editors may change here (risk level and closure have their own pages)."""

    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    intervention_type = serializers.ChoiceField(choices=Case.InterventionType.choices, required=False)
    phase = serializers.ChoiceField(choices=Case.Phase.choices, required=False)
    next_review_date = serializers.DateField(required=False, allow_null=True)


class SafeLinkSerializer(serializers.Serializer):
    """A linked victim as the perpetrator's side may know them: a label, never a name."""

    label = serializers.CharField(source="safe_label", read_only=True)
    relationship = serializers.CharField(source="get_relationship_display", read_only=True)


class OrderSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    protected_persons = SafeLinkSerializer(many=True, read_only=True)
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=OrderCondition.choices), read_only=True
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "case",
            "kind",
            "made_on",
            "served_on",
            "expires_on",
            "until_further_order",
            "conditions",
            "conditions_detail",
            "protected_persons",
            "notified_on",
            "court_or_issuer",
            "version",
        ]
        read_only_fields = fields


class OrderUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    served_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    until_further_order = serializers.BooleanField(required=False)
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=OrderCondition.choices), required=False, max_length=20
    )
    conditions_detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        validators=[validate_no_contact_details],
        help_text="Describe any zone by reference to the order. No street names near a victim's home, "
        "addresses, postcodes, phone numbers or emails.",
    )
    notified_on = serializers.DateField(required=False, allow_null=True)
    court_or_issuer = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CustodyRecordSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    in_custody = serializers.BooleanField(read_only=True)

    class Meta:
        model = CustodyRecord
        fields = [
            "id",
            "case",
            "establishment",
            "sentence_date",
            "sentence_length",
            "expected_release_on",
            "expected_release_month",
            "parole_eligibility_on",
            "licence_ends_on",
            "released_on",
            "in_custody",
            "version",
        ]
        read_only_fields = fields


class CustodyRecordUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Release and recall are events with their own rules (pages), not edits to these dates."""

    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    establishment = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sentence_length = serializers.CharField(required=False, allow_blank=True, max_length=100)
    expected_release_on = serializers.DateField(required=False, allow_null=True)
    expected_release_month = serializers.DateField(required=False, allow_null=True)
    parole_eligibility_on = serializers.DateField(required=False, allow_null=True)
    licence_ends_on = serializers.DateField(required=False, allow_null=True)


class DisruptionActionSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = DisruptionAction
        fields = [
            "id",
            "case",
            "agency",
            "lever",
            "description",
            "due_date",
            "status",
            "outcome",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields


class DisruptionActionUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    status = serializers.ChoiceField(choices=DisruptionAction.Status.choices, required=False)
    outcome = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, validators=[validate_no_contact_details]
    )
    due_date = serializers.DateField(required=False, allow_null=True)


_HELP = {column.name: column.description for column in COLUMNS}


# DRF's own fields read Unicode digits as numbers ("٣" is 3 to int(), "２０２６" a year to
# strptime): the feed takes the digits 0-9 only, as the CSV import does.
class AsciiIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, str) and not ASCII_NUMBER.fullmatch(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)


class AsciiDateField(serializers.DateField):
    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class AsciiTimeField(serializers.TimeField):
    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="HH:MM")
        return super().to_internal_value(value)


class IncidentPushSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """One police incident, with the same fields and rules as a row of the CSV import."""

    police_reference = serializers.CharField(max_length=60, help_text=_HELP["police_reference"])
    occurred_on = AsciiDateField(help_text="Date of the incident (YYYY-MM-DD). Not in the future.")
    occurred_time = AsciiTimeField(
        required=False,
        allow_null=True,
        format="%H:%M",
        input_formats=["%H:%M"],
        help_text=_HELP["occurred_time"],
    )
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    offence = serializers.ChoiceField(choices=Offence.choices)
    is_domestic_abuse = serializers.BooleanField()
    children_present = serializers.BooleanField(required=False, default=False)
    children_count = AsciiIntegerField(
        required=False, allow_null=True, min_value=0, max_value=30, help_text=_HELP["children_count"]
    )
    perpetrator_id = AsciiIntegerField(
        required=False, allow_null=True, min_value=1, help_text=_HELP["perpetrator_id"]
    )
    pnc_number = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text=_HELP["pnc_number"]
    )
    last_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_HELP["last_name"]
    )
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = AsciiDateField(required=False, allow_null=True)
    victim_numbers = serializers.ListField(
        child=AsciiIntegerField(min_value=1, max_value=999),
        required=False,
        max_length=50,
        help_text="Tideline victim numbers linked to this person (e.g. [1, 2]). Never names.",
    )
    summary = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_HELP["summary"]
    )


class IncidentBatchSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    incidents = IncidentPushSerializer(many=True, allow_empty=False, max_length=500)


class IncidentPushResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Incidents recorded by this request.")
    already_present = serializers.IntegerField(
        help_text="Incidents whose police reference was already recorded: not created again."
    )
    incident_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the incidents created."
    )


def incident_row(data: dict) -> dict[str, str]:
    """A validated incident as a row of the CSV import (which then applies the business rules)."""

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    row = {column.name: "" for column in COLUMNS}
    for name, value in data.items():
        if name == "victim_numbers":
            row[name] = ";".join(str(number) for number in value)
        elif name == "occurred_time" and value is not None:
            row[name] = value.strftime("%H:%M")
        else:
            row[name] = text(value)
    return row
