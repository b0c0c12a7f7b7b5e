"""Subject access: everything held about one person, gathered by walking the personal-data registry.

Each app registers its own collectors (`<app>/personal_data.py`, accounts.personal_data): what
it holds about a perpetrator or a victim-survivor, in plain words, and under which exemption an
item starts withheld. This module runs every collector for the subject's kind, in their order,
and turns what they found into unsaved `SarItem` rows for privacy.sar to store.

The one rule (DESIGN.md §3) holds in the collectors, where records are read, not at review or
export: a perpetrator's request never reads a victim's own record or anything restricted about
her, and a victim-survivor's request never reads the perpetrator's own records. What is not
gathered cannot be released by any review decision.
"""

from __future__ import annotations

from django.db import models

from accounts.personal_data import Gathering, collectors_for
from privacy.models import SarItem


def gather(subject_type: str, subject: models.Model) -> list[SarItem]:
    """The items held about `subject` (a perpetrator or a victim-survivor), unsaved, in order."""
    g = Gathering(kind=subject_type, subject=subject)
    for entry in collectors_for(subject_type):
        entry.function(g)
    return [
        SarItem(
            order=order,
            section=item.section,
            title=item.title,
            source_type=item.source_type,
            source_id=item.source_id,
            data=item.data,
            exemption=item.exemption,
            exemption_note=item.exemption_note,
        )
        for order, item in enumerate(g.items)
    ]
