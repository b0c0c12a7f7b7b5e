"""Django admin for casework.

Admin rights do not by themselves open casework records (DESIGN.md §1): every admin list of
personal data is narrowed by the same access policy the pages use, so a staff user sees only
rows on cases they could open anyway (normally none). Assessment instruments are reference
data and are fully editable.
"""

from importlib import import_module

from django.contrib import admin

from casework.access import on_visible_cases
from casework.models import (
    Assessment,
    AssessmentInstrument,
    Case,
    CaseClosure,
    CaseNote,
    CaseSession,
    DisruptionAction,
    OutcomeMeasure,
    Perpetrator,
    PerpetratorAddress,
    PerpetratorAlias,
    PerpetratorIdentifier,
    RiskLevelChange,
    SupportGoal,
)


class PolicyScopedAdmin(admin.ModelAdmin):
    """Shows only rows whose case (or person) the user may open through the access policy."""

    show_full_result_count = False  # one count per page, not two

    case_path = "case"  # how the model reaches Case, as an ORM lookup ("" for Case itself)

    def get_queryset(self, request):
        return on_visible_cases(super().get_queryset(request), request.user, self.case_path)


@admin.register(AssessmentInstrument)
class AssessmentInstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "active"]
    list_filter = ["active", "code"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A version already used by an assessment must not change under it: add a new version.
        if obj is not None and obj.assessments.exists():
            return ["code", "version", "structure"]
        return []


@admin.register(Perpetrator)
class PerpetratorAdmin(PolicyScopedAdmin):
    case_path = "cases"
    list_display = ["last_name", "first_name", "date_of_birth", "area"]
    list_select_related = ["area"]
    search_fields = ["last_name", "first_name", "known_as"]
    autocomplete_fields = ["area"]


@admin.register(Case)
class CaseAdmin(PolicyScopedAdmin):
    case_path = ""
    list_display = ["reference", "perpetrator", "team", "case_manager", "phase", "risk_level"]
    list_filter = ["phase", "risk_level", "intervention_type"]
    list_select_related = ["perpetrator", "team", "case_manager"]
    search_fields = ["perpetrator__last_name", "perpetrator__first_name"]
    autocomplete_fields = ["perpetrator", "team", "case_manager", "supervisor"]


class PerpetratorDetailAdmin(PolicyScopedAdmin):
    case_path = "perpetrator__cases"
    list_select_related = ["perpetrator"]
    autocomplete_fields = ["perpetrator"]
    search_fields = ["perpetrator__last_name"]


@admin.register(PerpetratorAlias)
class PerpetratorAliasAdmin(PerpetratorDetailAdmin):
    list_display = ["name", "perpetrator"]


@admin.register(PerpetratorIdentifier)
class PerpetratorIdentifierAdmin(PerpetratorDetailAdmin):
    list_display = ["kind", "value", "perpetrator"]
    list_filter = ["kind"]


@admin.register(PerpetratorAddress)
class PerpetratorAddressAdmin(PerpetratorDetailAdmin):
    list_display = ["line_1", "town", "postcode", "lived_from", "lived_to", "perpetrator"]


class CaseItemAdmin(PolicyScopedAdmin):
    list_select_related = ["case__perpetrator"]
    autocomplete_fields = ["case"]


@admin.register(RiskLevelChange)
class RiskLevelChangeAdmin(CaseItemAdmin):
    list_display = ["case", "from_level", "to_level", "changed_by", "changed_at"]
    autocomplete_fields = ["case", "changed_by"]


@admin.register(Assessment)
class AssessmentAdmin(CaseItemAdmin):
    list_display = ["case", "instrument", "status", "completed_at"]
    list_filter = ["status", "instrument__code"]
    list_select_related = ["case__perpetrator", "instrument"]
    autocomplete_fields = ["case", "started_by", "completed_by"]


@admin.register(SupportGoal)
class SupportGoalAdmin(CaseItemAdmin):
    list_display = ["case", "need_domain", "status", "review_date"]
    list_filter = ["need_domain", "status"]
    autocomplete_fields = ["case", "created_by"]


@admin.register(DisruptionAction)
class DisruptionActionAdmin(CaseItemAdmin):
    list_display = ["case", "lever", "agency", "status", "due_date"]
    list_filter = ["lever", "status"]
    list_select_related = ["case__perpetrator", "agency"]
    autocomplete_fields = ["case", "agency", "created_by"]


@admin.register(CaseSession)
class CaseSessionAdmin(CaseItemAdmin):
    list_display = ["case", "kind", "held_on", "attendance"]
    list_filter = ["kind", "attendance"]
    autocomplete_fields = ["case", "recorded_by"]


@admin.register(CaseNote)
class CaseNoteAdmin(CaseItemAdmin):
    list_display = ["case", "kind", "sensitivity", "author", "created_at"]
    list_filter = ["kind", "sensitivity"]
    autocomplete_fields = ["case", "author"]


@admin.register(CaseClosure)
class CaseClosureAdmin(CaseItemAdmin):
    list_display = ["case", "reason", "decision", "requested_at", "decided_at"]
    list_filter = ["reason", "decision"]
    autocomplete_fields = ["case", "requested_by", "decided_by", "reopened_by"]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(CaseItemAdmin):
    list_display = ["case", "behaviour", "time_point", "frequency"]
    list_filter = ["behaviour", "time_point"]
    autocomplete_fields = ["case", "recorded_by"]


try:  # orders, custody, incidents and scoring register their own admin
    import_module("casework.admin_legal")
except ModuleNotFoundError as exc:
    if exc.name != "casework.admin_legal":
        raise
