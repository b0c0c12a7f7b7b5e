"""Giving a named practitioner direct access to one case (the "explicit object grant" of DESIGN.md §4).

This is how a partner agency's practitioner (a probation officer, a police offender manager, a
children's social worker) reaches a case they work on with the perpetrator service, in pages and
through the API. A supervisor of the case gives it, with a reason; the access review
(privacy.access_review) lists it and takes it away. Grants are per person, never per agency, and
never to someone who supports a victim linked to the perpetrator (the same-worker rule).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts import audit, notify, policy
from accounts.models import AuditEvent, User
from accounts.safe_text import refuse_contact_details
from casework.access import GRANT
from casework.models import Case, CaseUserObjectPermission

VIEW = "view"
CHANGE = "change"
LEVELS = {
    VIEW: ("view_case",),
    CHANGE: ("view_case", "change_case"),
}


def get_case_for_grants(user, pk) -> Case:
    """404 when the case is not visible, 403 when the user may not give access to it."""
    return policy.get_for_user(
        user,
        Case,
        pk,
        action=GRANT,
        queryset=Case.objects.select_related("perpetrator", "team", "case_manager", "supervisor"),
    )


def grantee_by_email(email: str) -> User:
    """The active practitioner with this email address, or a ValidationError for the form."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.active_memberships():
        raise ValidationError({"email": "There is no active practitioner with that email address"})
    return user


@transaction.atomic
def case_access_grant(
    *, case: Case, user: User, level: str, reason: str, actor
) -> list[CaseUserObjectPermission]:
    """Give `user` view (or view and change) access to `case`. Idempotent: an existing grant is
    kept, a "view" grant is raised to "change" when asked. Refuses the same worker as a linked
    victim's IDVA, and people who already reach the case through its team. Audited as GRANT."""
    from victims.rules import check_not_supporting_linked_victim

    if level not in LEVELS:
        raise ValidationError({"level": "Choose what they may do"})
    refuse_contact_details(reason=reason)  # kept in the audit trail, read outside the case
    if user.pk == actor.pk:
        raise ValidationError({"email": "You cannot give access to yourself"})
    if user.pk in (case.case_manager_id, case.supervisor_id):
        raise ValidationError({"email": f"{user} is already allocated to this case"})
    try:
        check_not_supporting_linked_victim(user, case.perpetrator)
    except ValidationError:
        raise ValidationError(
            {
                "email": f"{user} supports a victim linked to {case.perpetrator.full_name}: the same "
                "worker must not work on both sides. Choose someone else."
            }
        ) from None
    made = []
    for codename in LEVELS[level]:
        permission = Permission.objects.get(content_type__app_label="casework", codename=codename)
        grant, _ = CaseUserObjectPermission.objects.get_or_create(
            user=user, permission=permission, content_object=case
        )
        made.append(grant)
    audit.record(
        None,
        AuditEvent.Action.GRANT,
        case,
        user=actor,
        purpose=f"{'view and change' if level == CHANGE else 'view'} access given to {user.email}: {reason}",
    )
    tell_case_team(case, f"{user.email} was given access to a case your team holds by {actor.email}.", actor)
    return made


def tell_case_team(case: Case, sentence: str, actor) -> None:
    """Email the case team's supervisors (not the actor) that access to one of its cases changed:
    who and by whom, and a link to the case's "who can reach" page, nothing about the person."""
    link = settings.TIDELINE_BASE_URL.rstrip("/") + reverse("privacy:case_reach", args=[case.pk])
    notify.tell_supervisors(
        [case.team],
        subject="Tideline: access to your team's record has changed",
        body=f"{sentence}\n\nSign in to Tideline to see who can reach the record and why: {link}\n",
        exclude_user_ids=[actor.pk],
    )
