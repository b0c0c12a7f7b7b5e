"""Upload a police incident extract (CSV): all rows imported, or none and a report of why.

Case managers and supervisors import for their own case-management team's area. Police agency
representatives do not: matching rows to people would tell them who Tideline holds a case on,
and they cannot see those cases. The police feed (API) reuses `casework.imports`.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.models import AuditEvent
from casework.choices import importing_teams
from casework.forms_legal import IncidentImportForm
from casework.imports import COLUMNS, incident_import_csv


@require_http_methods(["GET", "POST"])
def incident_import(request):
    teams = list(importing_teams(request.user).select_related("area"))
    form = IncidentImportForm(request.POST or None, request.FILES or None, teams=teams, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data.get("team") or teams[0]
        result = incident_import_csv(file=form.cleaned_data["file"], actor=request.user, team=team)
        if not result.ok:
            audit.record(
                request,
                AuditEvent.Action.DENIED,
                object_type="casework.incidentimport",
                purpose=f"Import refused: {len(result.file_errors)} file error(s), "
                f"{result.rejected_row_count} rejected row(s)",
            )
    return render(
        request,
        "casework/legal/incident_import.html",
        {"form": form, "result": result, "columns": COLUMNS, "teams": teams},
        status=200,
    )
