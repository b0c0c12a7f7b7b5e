"""Panels API: published meetings, the agenda items shared with the caller's agency, and actions.

Agenda items are presented through `panels.selectors.item_view`, the same function the agenda
page uses: a member agency sees only the facts the coordinator shared; victims appear as a safe
label, never located. Actions: an agency updates the status of its own actions through
`panels.services.action_update`, as on the action tracker.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from accounts.api_access import PolicyAPIMixin, RejectUnknownFieldsMixin, errors, service_errors
from accounts.models_api import Scope
from accounts.safe_text import validate_no_contact_details
from panels import access
from panels.models import Action, AgendaItem, Meeting
from panels.selectors import item_view, viewer_for
from panels.services import action_update
from victims.models import VictimLink

READ_ERRORS = errors(401, 403, 404, 429)
LIST_ERRORS = errors(400, 401, 403, 429)


class MeetingSerializer(serializers.ModelSerializer):
    panel = serializers.CharField(source="panel.name", read_only=True)
    panel_kind = serializers.CharField(source="panel.kind", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "panel", "panel_kind", "scheduled_for", "venue", "status", "published_at"]
        read_only_fields = fields


class FactSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class AgendaItemSerializer(serializers.ModelSerializer):
    """An agenda item as this caller may see it (title and facts from `item_view`)."""

    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    subject_kind = serializers.CharField(read_only=True, help_text="perpetrator or victim")
    title = serializers.SerializerMethodField()
    facts = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "order",
            "subject_kind",
            "reason",
            "slot_start",
            "slot_minutes",
            "title",
            "facts",
        ]
        read_only_fields = fields

    def _view(self, item):
        user = self.context["request"].user
        cache = self.context.setdefault("viewers", {})
        panel = item.meeting.panel
        if panel.pk not in cache:
            cache[panel.pk] = viewer_for(user, panel)
        viewer = cache[panel.pk]
        return item_view(item, full=viewer.full, perpetrator_side=viewer.perpetrator_service)

    def get_title(self, item) -> str:
        return self._view(item).title

    @extend_schema_field(FactSerializer(many=True))
    def get_facts(self, item):
        return [{"label": label, "value": value} for label, value in self._view(item).facts]


class ActionSerializer(serializers.ModelSerializer):
    agenda_item = serializers.IntegerField(source="agenda_item_id", read_only=True)
    meeting = serializers.IntegerField(source="agenda_item.meeting_id", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "agenda_item",
            "meeting",
            "organisation",
            "description",
            "due_on",
            "status",
            "update_note",
            "closed_on",
            "version",
        ]
        read_only_fields = fields


class ActionUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you last read; a stale one gets 409."
    )
    status = serializers.ChoiceField(choices=Action.Status.choices)
    update_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        validators=[validate_no_contact_details],
        help_text="Required unless the status is open or done. Never an address, postcode, phone number "
        "or email address.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Panel meetings the caller may see",
        description="Coordinators and chairs see their panels' meetings; member agencies see published, "
        "not cancelled meetings. Needs scope panels:read.",
        responses={200: MeetingSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One meeting", responses={200: MeetingSerializer, **READ_ERRORS}),
)
class MeetingViewSet(
    PolicyAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Meeting.objects.select_related("panel")
    serializer_class = MeetingSerializer
    filterset_fields = ["status"]
    ordering = ("-scheduled_for", "-id")
    required_scopes = {"read": Scope.PANELS_READ}


class AgendaItemFilter(django_filters.FilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")

    class Meta:
        model = AgendaItem
        fields = ["meeting"]


@extend_schema_view(
    list=extend_schema(
        summary="Agenda items shared with the caller",
        description="Member agencies see items shared with agencies on published agendas, with only the "
        "shared facts. Needs scope panels:read.",
        responses={200: AgendaItemSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One agenda item", responses={200: AgendaItemSerializer, **READ_ERRORS}),
)
class AgendaItemViewSet(
    PolicyAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    # As the agenda page loads them: `item_view` reads the victim's first link from `panel_links`.
    queryset = AgendaItem.objects.select_related(
        "case__perpetrator", "victim", "meeting__panel"
    ).prefetch_related(
        Prefetch(
            "victim__links",
            queryset=VictimLink.objects.select_related("perpetrator").order_by("-is_current", "pk"),
            to_attr="panel_links",
        )
    )
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering = ("meeting_id", "order", "id")
    required_scopes = {"read": Scope.PANELS_READ}


class ActionFilter(django_filters.FilterSet):
    class Meta:
        model = Action
        fields = ["status", "organisation"]


@extend_schema_view(
    list=extend_schema(
        summary="Panel actions the caller may see",
        description="An agency sees its own actions; coordinators and chairs see every action on their "
        "panels. Needs scope panels:read.",
        responses={200: ActionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One action", responses={200: ActionSerializer, **READ_ERRORS}),
    partial_update=extend_schema(
        summary="Update an action's status",
        description="The owning agency (or the panel's coordinator or chair) records progress. A status of "
        "not possible or not actioned needs an update note. Needs scope actions:write.",
        request=ActionUpdateSerializer,
        responses={200: ActionSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
)
class ActionViewSet(
    PolicyAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Action.objects.select_related("organisation", "agenda_item__meeting__panel")
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    ordering = ("due_on", "id")
    policy_write_action = access.UPDATE
    required_scopes = {"read": Scope.PANELS_READ, "write": Scope.ACTIONS_WRITE}
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        action = self.get_object()
        incoming = ActionUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with service_errors():
            action_update(
                action=action,
                status=data["status"],
                update_note=data["update_note"],
                expected_version=data["version"],
                actor=request.user,
            )
        action.refresh_from_db()
        return Response(self.get_serializer(action).data)
