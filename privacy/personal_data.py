"""privacy's entries in the personal-data registry (accounts.personal_data): its own records."""

from __future__ import annotations

from accounts import personal_data as registry
from privacy.models import RetentionPolicy, RetentionReview, SarItem, SubjectAccessRequest

registry.no_subject_data(RetentionPolicy, reason="how many years each kind of record is kept")
registry.no_subject_data(
    RetentionReview, reason="a record due for a decision: its type, number and a non-identifying reference"
)
registry.kept_outside(
    SubjectAccessRequest,
    SarItem,
    reason="a subject access request and the copy of what was gathered for it, kept as the record of "
    "what was disclosed; not gathered into a later request, and not yet on the retention schedule",
)
