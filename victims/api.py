"""Victims API: victim-survivor records for the IDVA team, and the safe view for a case's users.

- `/api/victims/`: victims the caller may open under the Victim rule (their IDVA team, the
  allocated IDVA, or a direct grant). The detail carries the victim-restricted data, read only
  through `victims.selectors.restricted_details` / `children_of`, which check the rule again.
  Lists carry no restricted field at all.
- `/api/cases/<id>/victims/`: the safe view (`victims.safe_view.safe_victim_links`): a label,
  relationship, dates, risk level, whether an IDVA is engaged and notes the IDVA shared.
  Nothing that could locate or contact a victim.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_access import PolicyAPIMixin, PolicyFilterBackend, audit_object, errors
from accounts.models import AuditEvent
from accounts.models_api import Scope
from casework.models import Case
from victims.models import Child, Victim, VictimAddress, VictimContact, VictimSafeContact
from victims.safe_view import safe_victim_links
from victims.selectors import children_of, restricted_details


class VictimSummarySerializer(serializers.ModelSerializer):
    """What a list shows: who and how they are supported. No location or contact detail."""

    reference = serializers.CharField(read_only=True)
    idva = serializers.CharField(source="idva.full_name", read_only=True, allow_null=True)

    class Meta:
        model = Victim
        fields = [
            "id",
            "reference",
            "first_name",
            "last_name",
            "known_as",
            "idva",
            "support_status",
            "version",
        ]
        read_only_fields = fields


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = VictimAddress
        fields = ["kind", "line_1", "line_2", "town", "postcode", "from_date", "to_date", "is_current"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = VictimContact
        fields = ["kind", "value", "safe_to_use", "note"]
        read_only_fields = fields


class SafeContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = VictimSafeContact
        fields = [
            "safe_contact_method",
            "safe_times",
            "safe_to_leave_message",
            "housing_situation",
            "housing_notes",
        ]
        read_only_fields = fields


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "lives_with_victim",
            "school",
            "address",
            "status",
        ]
        read_only_fields = fields


class SafetyPlanSerializer(serializers.Serializer):
    plan = serializers.CharField()
    review_on = serializers.DateField(allow_null=True)


class SafetyNoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class RestrictedSerializer(serializers.Serializer):
    addresses = AddressSerializer(many=True)
    contacts = ContactSerializer(many=True)
    safe_contact = SafeContactSerializer(allow_null=True)
    safety_plan = SafetyPlanSerializer(allow_null=True)
    safety_notes = SafetyNoteSerializer(many=True)
    children = ChildSerializer(many=True)


class VictimDetailSerializer(VictimSummarySerializer):
    restricted = serializers.SerializerMethodField(
        help_text="Victim-restricted data: present only for the victim's IDVA team and users granted access."
    )

    class Meta(VictimSummarySerializer.Meta):
        fields = [*VictimSummarySerializer.Meta.fields, "date_of_birth", "gender", "restricted"]
        read_only_fields = fields

    @extend_schema_field(RestrictedSerializer)
    def get_restricted(self, victim) -> dict:
        user = self.context["request"].user
        details = restricted_details(victim=victim, user=user)
        return RestrictedSerializer(
            {
                "addresses": details.addresses,
                "contacts": details.contacts,
                "safe_contact": details.safe_contact,
                "safety_plan": details.safety_plan,
                "safety_notes": details.safety_notes,
                "children": children_of(victim=victim, user=user),
            }
        ).data


class VictimFilter(django_filters.FilterSet):
    class Meta:
        model = Victim
        fields = ["support_status"]


@extend_schema_view(
    list=extend_schema(
        summary="Victim-survivors the caller supports",
        description="Only for the victim's IDVA team, the allocated IDVA and users granted access; "
        "everyone else gets an empty list. No restricted field is listed. Needs scope victims:read.",
        responses={200: VictimSummarySerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One victim-survivor, with restricted details",
        description="404 for anyone outside the victim's IDVA team (and grants).",
        responses={200: VictimDetailSerializer, **errors(401, 403, 404, 429)},
    ),
)
class VictimViewSet(
    PolicyAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Victim.objects.select_related("idva")
    serializer_class = VictimSummarySerializer
    filterset_class = VictimFilter
    ordering = ("last_name", "first_name", "id")
    required_scopes = {"read": Scope.VICTIMS_READ}

    def get_serializer_class(self):
        return VictimDetailSerializer if self.action == "retrieve" else VictimSummarySerializer


class SafeVictimSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="e.g. 'Ex-partner, victim 2': never a name")
    relationship = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    is_current = serializers.BooleanField()
    risk_level = serializers.CharField(allow_null=True)
    idva_engaged = serializers.BooleanField()
    shared_notes = serializers.ListField(
        child=serializers.DictField(), help_text="Notes the IDVA chose to share."
    )


class CaseVictimsView(PolicyAPIMixin, APIView):
    """The safe view of a case's linked victims. Not paginated: a case has few linked victims."""

    required_scopes = {"read": Scope.CASES_READ}
    queryset = Case.objects.all()

    @extend_schema(
        summary="Linked victims of a case (safe view)",
        description="What the case's users may know about the perpetrator's victims: label, relationship, dates, "
        "risk level, IDVA engagement and shared notes. Never an address, contact detail or name. "
        "Needs scope cases:read; 404 if the case is not visible.",
        responses={200: SafeVictimSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, pk: int):
        case = self.get_case(pk)
        views = safe_victim_links(case=case, user=request.user)
        audit_object(request, AuditEvent.Action.VIEW, case)
        data = [
            {
                "label": view.label,
                "relationship": view.relationship,
                "started_on": view.started_on,
                "ended_on": view.ended_on,
                "is_current": view.is_current,
                "risk_level": view.risk_level,
                "idva_engaged": view.idva_engaged,
                "shared_notes": [
                    {"text": note.text, "shared_at": note.shared_at.isoformat(), "shared_by": note.shared_by}
                    for note in view.shared_notes
                ],
            }
            for view in views
        ]
        return Response(SafeVictimSerializer(data, many=True).data)

    def get_case(self, pk) -> Case:
        case = (
            PolicyFilterBackend()
            .filter_queryset(self.request, Case.objects.all(), self)
            .filter(pk=pk)
            .first()
        )
        if case is None:
            raise NotFound()
        self.check_object_permissions(self.request, case)
        return case
