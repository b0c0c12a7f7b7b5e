"""Casework API: cases, orders, custody records, disruption actions, and the police incident feed.

Every view inherits `accounts.api_access.PolicyAPIMixin` (token or verified session, the
access policy as a filter backend and object permission, per-token throttling, audit).
Writes call the same services as the case pages; a stale `version` gets 409.
"""

from __future__ import annotations

import csv
import io

import django_filters
from django.apps import apps
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.api_access import PolicyAPIMixin, audit_purpose, errors, service_errors
from accounts.models import AuditEvent, Team
from accounts.models_api import Scope
from casework import services, services_legal
from casework.access import visible_case_ids
from casework.choices import importing_teams
from casework.imports import COLUMNS, incident_import_csv
from casework.models import Case, CustodyRecord, DisruptionAction, IncidentSource, Order, RiskLevel
from casework.serializers import (
    CaseSerializer,
    CaseUpdateSerializer,
    CustodyRecordSerializer,
    CustodyRecordUpdateSerializer,
    DisruptionActionSerializer,
    DisruptionActionUpdateSerializer,
    IncidentBatchSerializer,
    IncidentPushResultSerializer,
    IncidentPushSerializer,
    OrderSerializer,
    OrderUpdateSerializer,
    incident_row,
)

READ_ERRORS = errors(401, 403, 404, 429)
LIST_ERRORS = errors(400, 401, 403, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 429)


class _UpdateMixin:
    """PATCH: validate with `update_serializer_class`, call `perform_service`, answer with the record."""

    update_serializer_class: type[serializers.Serializer]

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        incoming = self.update_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        changes = dict(incoming.validated_data)
        version = changes.pop("version")
        with service_errors():
            self.perform_service(instance, version=version, changes=changes)
        instance.refresh_from_db()
        return Response(self.get_serializer(instance).data)


# --- Cases --------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Case.Phase.choices)
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="Open cases only")

    class Meta:
        model = Case
        fields = ["phase", "risk_level", "open"]


@extend_schema_view(
    list=extend_schema(
        summary="Cases the caller may see",
        description="Cases visible under the case rule: the owning team's case managers and supervisors, "
        "the allocated workers, direct grants and live break-glass access. Needs scope cases:read.",
        responses={200: CaseSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One case", responses={200: CaseSerializer, **READ_ERRORS}),
    partial_update=extend_schema(
        summary="Change a case's intervention, phase or review date",
        description="Needs scope cases:write and the edit right on the case (allocated worker or team supervisor). "
        "Risk level, team, workers and closure cannot be changed here: those fields are refused.",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **WRITE_ERRORS},
    ),
)
class CaseViewSet(
    PolicyAPIMixin,
    _UpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Case.objects.select_related("perpetrator", "team__organisation", "case_manager", "supervisor")
    serializer_class = CaseSerializer
    update_serializer_class = CaseUpdateSerializer
    filterset_class = CaseFilter
    ordering = ("-opened_on", "-id")
    required_scopes = {"read": Scope.CASES_READ, "write": Scope.CASES_WRITE}
    http_method_names = ["get", "patch", "head", "options"]

    def visible_pks(self, user):
        # What the case rule admits, by index per relation rather than a scan of every case.
        return visible_case_ids(user) if user.is_authenticated and user.is_active else Case.objects.none()

    def perform_service(self, case, *, version, changes):
        services.case_update(
            case=case,
            actor=self.request.user,
            expected_version=version,
            intervention_type=changes.get("intervention_type", case.intervention_type),
            phase=changes.get("phase", case.phase),
            next_review_date=changes.get("next_review_date", case.next_review_date),
        )


# --- Orders, custody, disruption actions (reached through their case) -----------------------


class CaseChildFilter(django_filters.FilterSet):
    case = django_filters.NumberFilter(field_name="case_id")


class OrderFilter(CaseChildFilter):
    class Meta:
        model = Order
        fields = ["case", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="Orders on cases the caller may see",
        description="Needs scope cases:read. Protected persons appear as safe labels only.",
        responses={200: OrderSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One order", responses={200: OrderSerializer, **READ_ERRORS}),
    partial_update=extend_schema(
        summary="Update an order's service, expiry, conditions or notification",
        description="Needs scope cases:write and the edit right on the order's case.",
        request=OrderUpdateSerializer,
        responses={200: OrderSerializer, **WRITE_ERRORS},
    ),
)
class OrderViewSet(
    PolicyAPIMixin,
    _UpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Order.objects.select_related("case").prefetch_related(
        # Only the safe-label fields of the link: the victim row is never joined.
        Prefetch(
            "protected_persons",
            queryset=apps.get_model("victims", "VictimLink").objects.only(
                "id", "perpetrator_id", "relationship", "label_number"
            ),
        )
    )
    serializer_class = OrderSerializer
    update_serializer_class = OrderUpdateSerializer
    filterset_class = OrderFilter
    ordering = ("-made_on", "-id")
    policy_via = "case"
    required_scopes = {"read": Scope.CASES_READ, "write": Scope.CASES_WRITE}
    http_method_names = ["get", "patch", "head", "options"]

    def perform_service(self, order, *, version, changes):
        services_legal.order_update(actor=self.request.user, order=order, expected_version=version, **changes)


class CustodyFilter(CaseChildFilter):
    class Meta:
        model = CustodyRecord
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(
        summary="Custody records on cases the caller may see",
        description="Needs scope cases:read.",
        responses={200: CustodyRecordSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One custody record", responses={200: CustodyRecordSerializer, **READ_ERRORS}
    ),
    partial_update=extend_schema(
        summary="Update a custody record's prison, sentence or expected dates",
        description="Needs scope cases:write and the edit right on the case. Release and recall are "
        "recorded as events on the case pages, not by editing dates here.",
        request=CustodyRecordUpdateSerializer,
        responses={200: CustodyRecordSerializer, **WRITE_ERRORS},
    ),
)
class CustodyRecordViewSet(
    PolicyAPIMixin,
    _UpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = CustodyRecord.objects.all()
    serializer_class = CustodyRecordSerializer
    update_serializer_class = CustodyRecordUpdateSerializer
    filterset_class = CustodyFilter
    ordering = ("-sentence_date", "-id")
    policy_via = "case"
    required_scopes = {"read": Scope.CASES_READ, "write": Scope.CASES_WRITE}
    http_method_names = ["get", "patch", "head", "options"]

    def perform_service(self, custody, *, version, changes):
        services_legal.custody_record_update(
            actor=self.request.user, custody=custody, expected_version=version, **changes
        )


class DisruptionActionFilter(CaseChildFilter):
    class Meta:
        model = DisruptionAction
        fields = ["case", "status", "lever"]


@extend_schema_view(
    list=extend_schema(
        summary="Disruption actions on cases the caller may see",
        description="Needs scope cases:read.",
        responses={200: DisruptionActionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One disruption action", responses={200: DisruptionActionSerializer, **READ_ERRORS}
    ),
    partial_update=extend_schema(
        summary="Update a disruption action's status, outcome or due date",
        description="Needs scope actions:write (or cases:write) and the edit right on the case.",
        request=DisruptionActionUpdateSerializer,
        responses={200: DisruptionActionSerializer, **WRITE_ERRORS},
    ),
)
class DisruptionActionViewSet(
    PolicyAPIMixin,
    _UpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = DisruptionAction.objects.select_related("agency")
    serializer_class = DisruptionActionSerializer
    update_serializer_class = DisruptionActionUpdateSerializer
    filterset_class = DisruptionActionFilter
    ordering = ("-created_at", "-id")
    policy_via = "case"
    required_scopes = {"read": Scope.CASES_READ, "write": Scope.ACTIONS_WRITE}
    http_method_names = ["get", "patch", "head", "options"]

    def perform_service(self, item, *, version, changes):
        services.plan_item_update(item=item, actor=self.request.user, expected_version=version, **changes)


# --- The police incident feed ----------------------------------------------------------------


def importing_team(user) -> Team | None:
    """The case-management team the caller imports for: the same rule as the CSV upload page.

    Police agency representatives cannot import (matching would tell them whom Tideline holds
    a case on), so the feed's token belongs to a service user in the receiving case-management team.
    """
    return importing_teams(user).select_related("area").order_by("pk").first()


def _rows_to_csv(rows: list[dict[str, str]]) -> io.StringIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[column.name for column in COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    return buffer


class IncidentPushView(PolicyAPIMixin, APIView):
    """Accepts one incident (`POST /api/incidents/`) or a batch (`POST /api/incidents/batch/`)."""

    required_scopes = {"write": Scope.INCIDENTS_WRITE}
    throttle_scope = "api_incidents"
    batch = False

    def get_serializer_class(self):
        return IncidentBatchSerializer if self.batch else IncidentPushSerializer

    @extend_schema(
        summary="Push police incidents",
        description="Same validation as the CSV import of a police extract, all or nothing: if any incident "
        "is rejected nothing is recorded and the 400 names each problem (for a batch, under `incidents`, "
        "by position). Idempotent on `police_reference` within the importing team's area (references are "
        "unique per police force; another area's are never consulted): an incident already recorded is counted in "
        "`already_present` and never created twice, so a resent batch is safe. People are matched in the "
        "importing team's area by perpetrator_id, then PNC number, then name and date of birth. Each new "
        "incident refreshes the person's RFG score and triggers the same risk jobs as one entered by hand. "
        "Needs scope incidents:write and a service user in a case-management team.",
        responses={
            201: IncidentPushResultSerializer,
            200: IncidentPushResultSerializer,
            **errors(400, 401, 403, 429),
        },
    )
    def post(self, request):
        team = importing_team(request.user)
        if team is None:
            raise PermissionDenied(
                "Incidents are pushed for a perpetrator case-management team: this account is not in one."
            )
        incoming = self.get_serializer_class()(data=request.data)
        incoming.is_valid(raise_exception=True)
        pushed = incoming.validated_data["incidents"] if self.batch else [incoming.validated_data]
        rows = [incident_row(data) for data in pushed]
        result = incident_import_csv(
            file=_rows_to_csv(rows), actor=request.user, team=team, source=IncidentSource.API
        )
        if not result.ok:
            raise serializers.ValidationError(self._errors(result))
        for incident_id in result.created_ids:
            audit_object_id(request, incident_id)
        body = IncidentPushResultSerializer(
            {
                "created": result.created,
                "already_present": result.already_present,
                "incident_ids": result.created_ids,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    def _errors(self, result) -> dict:
        if result.file_errors:
            return {"non_field_errors": result.file_errors}
        by_position: dict[int, dict[str, list[str]]] = {}
        for problem in result.rejected:
            position = max(problem.row - 2, 0)  # the import numbers rows as a spreadsheet does
            by_position.setdefault(position, {}).setdefault(problem.column or "non_field_errors", []).append(
                problem.reason
            )
        if not self.batch:
            return by_position.get(0, {"non_field_errors": ["The incident was refused."]})
        count = len(self.request.data.get("incidents", []))
        return {"incidents": [by_position.get(index, {}) for index in range(count)]}


def audit_object_id(request, incident_id: int) -> None:
    audit.record(
        request,
        AuditEvent.Action.CREATE,
        object_type="casework.incident",
        object_id=incident_id,
        purpose=audit_purpose(request) + ": police incident feed",
    )
