"""The same-worker rule (Home Office perpetrator standards; DESIGN.md §3).

The same person can never be allocated both a perpetrator's case and the support record of
a victim linked to that perpetrator. Both allocation paths call one of these checks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q

from casework.models import Case
from victims.selectors import linked_victim_idva_ids

SAME_WORKER_MESSAGE = (
    "{user} cannot be allocated here: the same worker must not support a victim and work with "
    "the person who harmed them. Choose someone else."
)


def check_not_supporting_linked_victim(user, perpetrator) -> None:
    """Casework calls this before allocating `perpetrator`'s case to `user` (as case manager or supervisor)."""
    if user is not None and user.pk in linked_victim_idva_ids(perpetrator):
        raise ValidationError({"case_manager": SAME_WORKER_MESSAGE.format(user=user)})


def check_not_working_linked_case(user, victim) -> None:
    """Victims calls this before allocating `victim`'s support record to `user`."""
    if user is None:
        return
    clash = Case.objects.filter(
        Q(case_manager=user) | Q(supervisor=user),
        perpetrator__victim_links__victim=victim,
        perpetrator__victim_links__deleted_at__isnull=True,
    )
    if clash.exists():
        raise ValidationError({"idva": SAME_WORKER_MESSAGE.format(user=user)})


def check_link_keeps_workers_apart(victim, perpetrator) -> None:
    """A new link must not make the victim's IDVA the worker on the perpetrator's case."""
    if (
        victim.idva_id
        and Case.objects.filter(
            Q(case_manager_id=victim.idva_id) | Q(supervisor_id=victim.idva_id), perpetrator=perpetrator
        ).exists()
    ):
        raise ValidationError(
            "This victim's IDVA also works on this person's case. Allocate a different IDVA before linking them."
        )
