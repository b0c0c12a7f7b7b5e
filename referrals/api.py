"""Referrals API: partner systems submit referrals and read back the ones they may see.

A referral is submitted through `referrals.services.referral_save(submit=True)`, exactly as
the referral form does: the same completeness checks, duplicate detection and audit. Named
victims' contact details may be sent (write-only) and are stored in the restricted table;
they are never returned by this API.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api_access import PolicyAPIMixin, RejectUnknownFieldsMixin, audit_object, errors, service_errors
from accounts.choices import PermittedRelatedField
from accounts.models import AuditEvent
from accounts.models_api import Scope
from accounts.safe_text import validate_no_contact_details
from referrals.access import may_record_referrals
from referrals.models import Referral, ReferralVictim
from referrals.services import RESTRICTED_FIELDS, NamedVictimEntry, referral_save


class NamedVictimInSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    relationship = serializers.ChoiceField(choices=ReferralVictim.Relationship.choices)
    children_count = serializers.IntegerField(min_value=0, max_value=30, required=False, default=0)
    # Restricted: stored for the IDVA team only, never echoed back.
    address = serializers.CharField(required=False, allow_blank=True, max_length=1000, write_only=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10, write_only=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, write_only=True)
    email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    safe_contact = serializers.CharField(required=False, allow_blank=True, max_length=1000, write_only=True)
    children_details = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, write_only=True
    )


class ReferralSubmitSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """The referral form's fields. Status, owner, decisions and risk assessment are not settable."""

    team = PermittedRelatedField(
        "referrals.receiving_team",
        help_text="The id of the receiving perpetrator case-management team: one in the caller's own areas.",
    )
    named_victims = NamedVictimInSerializer(many=True, allow_empty=False, max_length=20)

    class Meta:
        model = Referral
        fields = [
            "team",
            "pathway",
            "received_on",
            "referrer_name",
            "referrer_organisation",
            "referrer_role",
            "referrer_phone",
            "referrer_email",
            "first_name",
            "last_name",
            "other_names",
            "date_of_birth",
            "gender",
            "ethnicity",
            "first_language",
            "interpreter_needed",
            "disability",
            "disability_details",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "police_reference",
            "pnc_number",
            "prison_number",
            "concerns",
            "stated_risk_level",
            "intervention_type",
            "legal_basis",
            "consent",
            "consent_notes",
            "named_victims",
        ]
        # Seen on the perpetrator's side: victims' contact details go in `named_victims` only.
        extra_kwargs = {
            "concerns": {"validators": [validate_no_contact_details]},
            "consent_notes": {"validators": [validate_no_contact_details]},
        }


class NamedVictimOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralVictim
        fields = ["relationship", "children_count", "pick_up_status"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name", read_only=True)
    named_victims = NamedVictimOutSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "status",
            "team",
            "pathway",
            "received_on",
            "submitted_at",
            "first_contact_due_on",
            "referrer_name",
            "referrer_organisation",
            "first_name",
            "last_name",
            "date_of_birth",
            "stated_risk_level",
            "intervention_type",
            "named_victims",
            "version",
        ]
        read_only_fields = fields


class ReferralFilter(django_filters.FilterSet):
    class Meta:
        model = Referral
        fields = ["status", "pathway"]


@extend_schema_view(
    list=extend_schema(
        summary="Referrals the caller may see",
        description="A referrer sees the referrals it submitted; the receiving team's case managers see "
        "their team's submitted referrals. Needs scope referrals:write.",
        responses={200: ReferralSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One referral", responses={200: ReferralSerializer, **errors(401, 403, 404, 429)}
    ),
    create=extend_schema(
        summary="Submit a referral",
        description="Submits the referral to the receiving team, with the same completeness checks as the "
        "referral form (each missing field is named in the 400). Named victims' contact details are "
        "stored for the IDVA team only and never returned. Needs scope referrals:write and a role that "
        "may record referrals (case manager, supervisor, panel coordinator or agency representative).",
        request=ReferralSubmitSerializer,
        responses={201: ReferralSerializer, **errors(400, 401, 403, 429)},
    ),
)
class ReferralViewSet(
    PolicyAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Referral.objects.select_related("team").prefetch_related("named_victims")
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    ordering = ("-created_at", "-id")
    required_scopes = {"read": Scope.REFERRALS_WRITE, "write": Scope.REFERRALS_WRITE}

    def create(self, request, *args, **kwargs):
        if not may_record_referrals(request.user):
            raise PermissionDenied("Your role cannot record referrals.")
        incoming = ReferralSubmitSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        team = data.pop("team")
        victims = [
            NamedVictimEntry(
                safe={k: v for k, v in entry.items() if k not in RESTRICTED_FIELDS},
                restricted={k: v for k, v in entry.items() if k in RESTRICTED_FIELDS},
            )
            for entry in data.pop("named_victims")
        ]
        with service_errors():
            referral = referral_save(actor=request.user, team=team, fields=data, victims=victims, submit=True)
        audit_object(request, AuditEvent.Action.CREATE, referral)
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)
