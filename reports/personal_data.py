"""reports' entries in the personal-data registry (accounts.personal_data): reference figures only."""

from __future__ import annotations

from accounts import personal_data as registry
from reports.models import CostAssumption, PopulationShare

registry.no_subject_data(
    PopulationShare, CostAssumption, reason="population shares and unit costs for reports: no person's data"
)
