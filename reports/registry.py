"""The reports a user can open, export and print, in one place so every channel agrees.

Each report names its filter form and a builder that turns the chosen filter into tables.
Pages, CSV, Excel and the PDF all call the builder, then `Report.suppression()` once for all
of the report's tables (reports.disclosure), and draw every cell through that one decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from reports import dashboard, equality, marac, outcomes
from reports.access import MARAC_RETURN_ROLES, REPORT_ROLES
from reports.cohorts import ReportFilter
from reports.disclosure import Suppression, protect
from reports.forms import EqualityFilterForm, MaracReturnFilterForm, ReportFilterForm
from reports.tables import Table


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    url_name: str
    form_class: type[ReportFilterForm]
    builder: Callable[[ReportFilter, dict], list[Table]]
    summary: str
    roles: tuple[str, ...] = REPORT_ROLES  # who may open, export and print it
    # Tables of another report whose figures this one repeats: a figure hidden there to protect
    # another is hidden here too, so the two cannot be read side by side to undo it.
    repeats: Callable[[ReportFilter], list[Table]] | None = None

    def allowed(self, user) -> bool:
        return user.has_role(*self.roles)

    def suppression(self, f: ReportFilter, tables: list[Table], *, threshold: int | None) -> Suppression:
        if not threshold:
            return Suppression.none()
        hidden_there = protect(self.repeats(f), threshold=threshold).hidden_keys() if self.repeats else set()
        return protect(tables, threshold=threshold, also_hidden=hidden_there)


def _dashboard(f: ReportFilter, data: dict) -> list[Table]:
    return dashboard.tables(f, today=timezone.localdate())


def _outcomes(f: ReportFilter, data: dict) -> list[Table]:
    return outcomes.tables(f)


def _equality(f: ReportFilter, data: dict) -> list[Table]:
    return equality.tables(f, data.get("subject") or equality.Subject.PERPETRATORS)


def _marac(f: ReportFilter, data: dict) -> list[Table]:
    return [marac.return_table(f)]


REPORTS = {
    report.key: report
    for report in [
        Report(
            "dashboard",
            "Team and service dashboard",
            "reports:dashboard",
            ReportFilterForm,
            _dashboard,
            "Caseload, referrals against targets, first contact, engagement, completion, flags and reviews.",
        ),
        Report(
            "outcomes",
            "Outcome report",
            "reports:outcomes",
            ReportFilterForm,
            _outcomes,
            "Change in abusive behaviour, victim risk, RFG scores, repeat MARAC, needs and cost avoidance.",
            repeats=lambda f: [marac.return_table(f)],
        ),
        Report(
            "equality",
            "Equality monitoring",
            "reports:equality",
            EqualityFilterForm,
            _equality,
            "The caseload's ethnicity, age, gender, disability and sexuality against the area's population.",
        ),
        Report(
            "marac-return",
            "MARAC data return",
            "reports:marac_return",
            MaracReturnFilterForm,
            _marac,
            "Meeting-level quarterly return: cases, repeats, children, BME, disability, male, LGBT, under-18s, routes.",
            roles=MARAC_RETURN_ROLES,
        ),
    ]
}


def get(key: str) -> Report | None:
    return REPORTS.get(key)


def allowed_for(user) -> list[Report]:
    """The reports `user` may open, in menu order."""
    return [report for report in REPORTS.values() if report.allowed(user)]
