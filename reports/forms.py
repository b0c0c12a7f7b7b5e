"""The report filter (GET): period, area, team, intervention type, and who for equality reports."""

from __future__ import annotations

from django import forms

from accounts.forms_govuk import GovukForm
from accounts.models import Team
from casework.models import Case
from reports import periods
from reports.access import ReportScope, areas_in, teams_in
from reports.cohorts import ReportFilter
from reports.equality import Subject


class ReportFilterForm(GovukForm):
    period = forms.ChoiceField(label="Period")
    area = forms.TypedChoiceField(label="Area", coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False, empty_value=None)
    intervention_type = forms.ChoiceField(
        label="Intervention type",
        required=False,
        choices=[("", "All intervention types"), *Case.InterventionType.choices],
    )

    def __init__(
        self, data, *, scope: ReportScope, team_kind: str | None = Team.Kind.CASE_MANAGEMENT, **kwargs
    ):
        # Start from the defaults so a page opened with no filters is a valid, bound form.
        data = {
            "period": periods.default().key,
            **{k: v for k, v in data.items() if v != "" or k != "period"},
        }
        super().__init__(data, **kwargs)
        self.scope = scope
        self.fields["period"].choices = [(p.key, p.label) for p in periods.available()]
        areas = list(areas_in(scope))
        self.fields["area"].choices = [("", "All your areas")] + [(a.pk, a.name) for a in areas]
        if len(areas) == 1:
            self.fields["area"].widget = forms.HiddenInput()
        teams = teams_in(scope, kind=team_kind)
        self.fields["team"].choices = [("", "All teams")] + [
            (t.pk, f"{t.name} ({t.area.name})") for t in teams
        ]

    def report_filter(self) -> ReportFilter:
        """The chosen filter; call only when the form is valid."""
        data = self.cleaned_data
        scope = self.scope.narrowed(area_id=data.get("area"), team_id=data.get("team"))
        return ReportFilter(
            period=periods.resolve(data["period"]),
            scope=scope,
            intervention_type=data.get("intervention_type") or "",
        )


class EqualityFilterForm(ReportFilterForm):
    subject = forms.ChoiceField(
        label="Who", choices=Subject.CHOICES, initial=Subject.PERPETRATORS, required=False
    )

    field_order = ["subject", "period", "area", "team", "intervention_type"]


class MaracReturnFilterForm(ReportFilterForm):
    """The MARAC return covers whole meetings, so team and intervention type do not apply."""

    def __init__(self, data, *, scope: ReportScope, **kwargs):
        super().__init__(data, scope=scope, **kwargs)
        del self.fields["team"]
        del self.fields["intervention_type"]
