"""Report pages, CSV/Excel exports and the commissioner's PDF. Thin: parse the filter, build, show.

Suppression: analysts always see "<5" for small numbers. Supervisors see exact figures on
screen (their own teams, for management), but every export and print is suppressed because
it leaves the system.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from accounts import audit
from accounts.models import AuditEvent
from reports import disclosure, pdf, registry
from reports.access import REPORT_ROLES, ReportScope, scope_for, suppression_threshold
from reports.charts import bar_chart
from reports.cohorts import ReportFilter
from reports.disclosure import Suppression
from reports.exports import heading_lines, to_csv, to_xlsx
from reports.forms import ReportFilterForm
from reports.registry import REPORTS, Report
from reports.tables import Table

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def present(table: Table, suppression: Suppression) -> dict:
    """A table as the templates show it: cells as text, and its chart as SVG."""
    chart = None
    if table.chart is not None and table.rows:
        chart = bar_chart(table.chart_points(suppression), title=table.title, unit=table.chart.unit)
    return {
        "key": table.key,
        "title": table.title,
        "columns": table.columns,
        "rows": table.cells(suppression),
        "note": table.note,
        "chart": chart,
        "numeric": table.numeric,
    }


def _scope_label(f: ReportFilter) -> str:
    from accounts.models import Area, Team

    areas = ", ".join(
        Area.objects.filter(pk__in=f.scope.area_ids).order_by("name").values_list("name", flat=True)
    )
    teams = list(Team.objects.filter(pk__in=f.scope.team_ids).order_by("name").values_list("name", flat=True))
    label = areas or "No area"
    if len(teams) == 1:
        label += f": {teams[0]}"
    if f.intervention_type:
        from casework.models import Case

        label += f"; {Case.InterventionType(f.intervention_type).label}"
    return label


def _filtered(request, report: Report) -> tuple[ReportScope, ReportFilterForm, ReportFilter | None]:
    scope = scope_for(request.user, report=report.key)
    form = report.form_class(request.GET, scope=scope)
    return scope, form, (form.report_filter() if form.is_valid() else None)


def report_page(request, report_key: str):
    report = REPORTS[report_key]
    scope, form, report_filter = _filtered(request, report)
    threshold = suppression_threshold() if scope.aggregate_only else None
    tables = []
    if report_filter is not None:
        built = report.builder(report_filter, form.cleaned_data)
        suppression = report.suppression(report_filter, built, threshold=threshold)
        tables = [present(t, suppression) for t in built]
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "reports": registry.allowed_for(request.user),
            "form": form,
            "tables": tables,
            "filter": report_filter,
            "scope_label": _scope_label(report_filter) if report_filter else "",
            "suppressed": threshold is not None,
            "threshold": suppression_threshold(),
            "suppression_note": disclosure.note(suppression_threshold()),
            "query": request.GET.urlencode(),
            "show_pdf": report.key in ("outcomes", "equality", "marac-return")
            and request.user.has_role(*REPORT_ROLES),
        },
        status=200 if report_filter is not None or not request.GET else 400,
    )


def _invalid(request, report: Report, form: ReportFilterForm):
    """A download asked for with a bad filter: the report page with the errors, nothing exported."""
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "reports": registry.allowed_for(request.user),
            "form": form,
            "tables": [],
            "query": "",
        },
        status=400,
    )


def dashboard(request):
    return report_page(request, "dashboard")


def outcomes(request):
    return report_page(request, "outcomes")


def equality(request):
    return report_page(request, "equality")


def marac_return(request):
    return report_page(request, "marac-return")


def export(request, report_key: str, fmt: str):
    report = registry.get(report_key)
    if report is None or fmt not in EXPORT_TYPES:
        raise Http404("No such export.")
    if not report.allowed(request.user):
        raise PermissionDenied("Your role does not include this report.")
    _, form, report_filter = _filtered(request, report)
    if report_filter is None:
        return _invalid(request, report, form)
    threshold = suppression_threshold()
    tables = report.builder(report_filter, form.cleaned_data)
    content_type, writer = EXPORT_TYPES[fmt]
    heading = heading_lines(
        title=report.title,
        period=report_filter.period,
        scope_label=_scope_label(report_filter),
        threshold=threshold,
    )
    content = writer(tables, report.suppression(report_filter, tables, threshold=threshold), heading=heading)
    audit.record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=f"reports.{report.key}",
        object_id=report_filter.period.key,
        purpose=f"{report.title} exported as {fmt.upper()}: {_scope_label(report_filter)}",
    )
    response = HttpResponse(content, content_type=content_type)
    filename = f"tideline-{slugify(report.key)}-{report_filter.period.key}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def commissioner_pdf(request):
    """The commissioner's report: outcomes, cost avoidance, equality and the MARAC return."""
    report = REPORTS["outcomes"]
    _, form, report_filter = _filtered(request, report)
    if report_filter is None:
        return _invalid(request, report, form)
    threshold = suppression_threshold()
    sections = []
    for key in ("outcomes", "equality", "marac-return"):
        part = REPORTS[key]
        tables = part.builder(report_filter, {})
        suppression = part.suppression(report_filter, tables, threshold=threshold)
        sections.append({"report": part, "tables": [present(t, suppression) for t in tables]})
    content, pages = pdf.render(
        {
            "marking": settings.TIDELINE_PROTECTIVE_MARKING,
            "filter": report_filter,
            "scope_label": _scope_label(report_filter),
            "sections": sections,
            "threshold": threshold,
            "suppression_note": disclosure.note(threshold),
            "generated_at": timezone.localtime(),
            "prepared_by": request.user,
        }
    )
    audit.record(
        request,
        AuditEvent.Action.PRINT,
        object_type="reports.commissioner",
        object_id=report_filter.period.key,
        purpose=f"Commissioner's report PDF ({pages} pages): {_scope_label(report_filter)}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="tideline-commissioner-{report_filter.period.key}.pdf"'
    )
    return response
