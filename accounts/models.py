"""Who works in Tideline: areas, agencies (organisations), teams, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", "Case manager"
    SUPERVISOR = "supervisor", "Case management supervisor"
    IDVA = "idva", "IDVA / partner-support worker"
    PANEL_COORDINATOR = "panel_coordinator", "Panel coordinator"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    AGENCY_REP = "agency_rep", "Agency representative"
    ANALYST = "analyst", "Analyst / commissioner"
    DPO = "dpo", "Data protection officer"
    ADMIN = "admin", "Administrator"


class Area(models.Model):
    """A police force or local authority area: the unit panels and reports are organised by."""

    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force area"
        LOCAL_AUTHORITY = "local_authority", "Local authority area"

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POLICE_FORCE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An agency: a police force, probation region, council service, IDVA service and so on."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        HOUSING = "housing", "Housing"
        HEALTH = "health", "Health"
        MENTAL_HEALTH = "mental_health", "Mental health"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
        IDVA_SERVICE = "idva_service", "IDVA service"
        PERPETRATOR_SERVICE = "perpetrator_service", "Perpetrator service"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="organisations")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        CASE_MANAGEMENT = "case_management", "Perpetrator case management"
        PARTNER_SUPPORT = "partner_support", "Partner support (IDVA)"
        PANEL_COORDINATION = "panel_coordination", "Panel coordination"
        AGENCY_REPRESENTATION = "agency_representation", "Agency representation"
        ANALYSIS = "analysis", "Analysis"
        ADMINISTRATION = "administration", "Administration"

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField(max_length=40, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


def normalise_email(value: str | None) -> str:
    """An email as Tideline stores and looks it up: surrounding spaces removed, lower case.

    Every path that stores or finds a user by email goes through this (the user manager, the
    model's save, sign-in, admin forms, the sign-in lockout), so letter case and stray spaces
    never make two accounts, or two lockout counts, out of one address.
    """
    return (value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not normalise_email(email):
            raise ValueError("An email address is required")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{self.model.USERNAME_FIELD: normalise_email(username)})


class User(AbstractBaseUser, PermissionsMixin):
    """A practitioner. Signs in with email; what they can reach comes from memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False,
        help_text="Can use Django admin. Opens no casework or victim record by itself.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # Stored normalised (normalise_email), so the unique constraint on email is also
            # case-insensitive and every lookup can match exactly.
            models.CheckConstraint(
                condition=Q(email=Lower(Trim("email"))),
                name="user_email_normalised",
                violation_error_message="Enter the email address in lower case without spaces.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def active_memberships(self) -> list[Membership]:
        """Active memberships with team, organisation and area loaded (cached per instance)."""
        cached = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = list(
                self.memberships.filter(active=True).select_related("team__organisation", "team__area")
            )
            self._active_memberships = cached
        return cached

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def team_ids(self, *roles: str) -> set[int]:
        """Ids of teams the user actively belongs to, optionally only in the given roles."""
        return {m.team_id for m in self.active_memberships() if not roles or m.role in roles}

    def area_ids(self, *roles: str, team_kind: str | None = None) -> set[int]:
        """Ids of the areas the user actively works in, optionally only in the given roles and in
        teams of `team_kind` (`user.area_ids(Role.DPO)`: the areas they are DPO for)."""
        return {
            m.team.area_id
            for m in self.active_memberships()
            if (not roles or m.role in roles) and (team_kind is None or m.team.kind == team_kind)
        }

    @property
    def primary_membership(self) -> Membership | None:
        memberships = self.active_memberships()
        return memberships[0] if memberships else None


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=Q(active=True),
                name="membership_one_active_role_per_team",
            )
        ]
        indexes = [
            models.Index(fields=["team", "role"], condition=Q(active=True), name="membership_active_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.team}"


class AuditEvent(models.Model):
    """Append-only record of who did or saw what. Never updated, never deleted.

    The user's organisation and role are copied at the time, so the trail stays true after
    people move teams. On PostgreSQL a trigger rejects UPDATE and DELETE on this table.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        SEARCH = "search", "Searched"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        MFA_ENROLLED = "mfa_enrolled", "Set up two-factor authentication"
        BREAK_GLASS = "break_glass", "Break-glass access"
        GRANT = "grant", "Access granted"
        REVOKE = "revoke", "Access removed"
        DENIED = "denied", "Access refused"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    user_email = models.CharField(max_length=254, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_object_idx"),
            models.Index(fields=["user", "-occurred_at"], name="audit_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object):  # type: ignore[override]
        raise ValueError("Audit events are append-only")


from accounts.models_api import ApiToken  # noqa: E402,F401
