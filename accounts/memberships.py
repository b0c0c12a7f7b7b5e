"""Changing who works where: memberships (team and role) and a user's account and admin flags.

Every path that changes them (Django admin today; imports or pages later) calls these services,
so the same rules hold everywhere:

- nobody changes their own memberships, account status or admin flags: an administrator who
  could give themselves an IDVA membership could read victims' contact details;
- every change is an audit event on the membership (GRANT when it starts or restarts, REVOKE when
  it ends, UPDATE when its team or role changes) or on the user (UPDATE), saying what changed;
- the supervisors of the team concerned are emailed that access changed (accounts.notify);
- a change that can take access away ends the person's sessions at once (accounts.sessions);
  their next request signs in again with what remains.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import audit, notify
from accounts.models import AuditEvent, Membership, User
from accounts.sessions import sessions_end_for

SELF_MESSAGE = (
    "You cannot add, change or end your own memberships, or change your own account or admin "
    "rights. Ask another administrator to do it."
)
USER_FLAGS = ("is_active", "is_staff", "is_superuser")
FLAG_LABELS = {"is_active": "account active", "is_staff": "Django admin access", "is_superuser": "superuser"}
SUBJECT = "Tideline: access to your team has changed"


def check_not_own(*, actor, user_ids) -> None:
    """Refuse when `actor` is one of the people whose access would change."""
    if actor is not None and actor.pk in {pk for pk in user_ids if pk is not None}:
        raise ValidationError(SELF_MESSAGE, code="own_access")


def _describe(membership: Membership) -> str:
    return f"{membership.user.email} as {membership.get_role_display()} in {membership.team}"


def _changes(before: Membership | None, after: Membership) -> tuple[str, str] | None:
    """The audit action and the sentence saying what changed; None when nothing did."""
    if before is None:
        if not after.active:
            return AuditEvent.Action.CREATE, f"Membership recorded, not active: {_describe(after)}"
        return AuditEvent.Action.GRANT, f"Membership added: {_describe(after)}"
    moved = [
        f"{label} {old} → {new}"
        for label, old, new in (
            ("person", before.user.email, after.user.email),
            ("team", before.team, after.team),
            ("role", before.get_role_display(), after.get_role_display()),
        )
        if old != new
    ]
    if before.active and not after.active:
        return AuditEvent.Action.REVOKE, f"Membership ended: {_describe(before)}" + (
            f" ({'; '.join(moved)})" if moved else ""
        )
    if after.active and not before.active:
        return AuditEvent.Action.GRANT, f"Membership restarted: {_describe(after)}" + (
            f" ({'; '.join(moved)})" if moved else ""
        )
    if moved:
        return AuditEvent.Action.UPDATE, f"Membership changed: {'; '.join(moved)} (now {_describe(after)})"
    return None


def _tell(teams, sentence: str, actor) -> None:
    body = (
        "Someone's access to your team in Tideline has changed:\n\n"
        f"{sentence}\n"
        f"Changed by: {actor.email if actor is not None else 'Tideline'}\n\n"
        "If you did not expect this, tell your data protection officer. "
        f"Sign in to Tideline to check who works in your team: {settings.TIDELINE_BASE_URL}\n"
    )
    notify.tell_supervisors(teams, subject=SUBJECT, body=body, exclude_user_ids=[getattr(actor, "pk", None)])


@transaction.atomic
def membership_save(*, membership: Membership, actor) -> Membership:
    """Create `membership`, or save the changes made to it (person, team, role, active).

    Refuses (ValidationError, nothing changed) a change to the actor's own memberships, and a
    second active membership in the same team and role. Audited, the team's supervisors told,
    and the person's sessions ended when access may have been taken away. Returns the membership.
    """
    before = None
    if membership.pk is not None:
        before = Membership.objects.select_for_update().select_related("user", "team").get(pk=membership.pk)
    check_not_own(actor=actor, user_ids=[membership.user_id, before.user_id if before else None])
    change = _changes(before, membership)
    if change is None:
        return membership
    membership.full_clean()
    membership.save()
    action, sentence = change
    audit.record(None, action, membership, user=actor, purpose=sentence)
    teams = {membership.team_id: membership.team}
    if before is not None:
        teams[before.team_id] = before.team
    _tell(teams.values(), sentence, actor)
    if before is not None and before.active:
        sessions_end_for(before.user)  # anything but a new or restarted membership may narrow access
    return membership


def membership_add(*, user: User, team, role: str, actor) -> Membership:
    """A new active membership of `user` in `team` with `role` (see membership_save)."""
    return membership_save(membership=Membership(user=user, team=team, role=role, active=True), actor=actor)


def membership_end(*, membership: Membership, actor) -> Membership:
    """End an active membership (kept as a record, no longer active): see membership_save."""
    if not membership.active:
        raise ValidationError("This membership has already ended.")
    membership.active = False
    return membership_save(membership=membership, actor=actor)


@transaction.atomic
def user_flags_change(*, user: User, actor, **flags: bool) -> User:
    """Change `user`'s account status or admin flags (`is_active`, `is_staff`, `is_superuser`).

    Refuses the actor's own account. Audited as UPDATE on the user, saying what changed; switching
    the account off or taking admin rights away ends their sessions.
    """
    unknown = set(flags) - set(USER_FLAGS)
    if unknown:
        raise ValueError(f"user_flags_change does not change {sorted(unknown)}")
    check_not_own(actor=actor, user_ids=[user.pk])
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = {
        name: bool(value) for name, value in flags.items() if bool(getattr(stored, name)) != bool(value)
    }
    if not changed:
        return user
    for name, value in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    sentence = "; ".join(
        f"{FLAG_LABELS[name]} {'off' if value else 'on'} → {'on' if value else 'off'}"
        for name, value in changed.items()
    )
    audit.record(
        None, AuditEvent.Action.UPDATE, user, user=actor, purpose=f"Account of {user.email}: {sentence}"
    )
    if any(not value for value in changed.values()):
        sessions_end_for(user)
    return user
