"""Every routed page refuses the wrong caller as production does: live HTTP, no test transaction.

The URL resolver is walked as in tests/accounts/test_route_registry.py, and each pattern's ids
are filled with real records of the demo world's Northshire area (`seed_demo`). Then, for each
kind of caller (a subtest each), every page is asked for (GET, and POST with a valid CSRF token)
over real HTTP to a live server (tests/live_support.py), where reads run without a transaction:

- anonymous → sent to sign-in (the API: 401/403); never a 2xx;
- signed in with a password, second factor not done → sent to the security-code page;
- a Northshire user without any role the page names → 403;
- the same persona in Southvale, for every page about one record → 404 (never confirming
  the record exists), and the Northshire persona itself reaches the record (not a 404): the
  ids are real.

No answer is ever a 5xx. A live test costs a flush of the database (and the demo takes a
while to seed), so one test seeds once and checks each kind of caller as its own subtest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import get_resolver, reverse

from accounts.demo import PEOPLE
from accounts.routing import DELEGATED, PASSWORD_ONLY, PUBLIC, STAFF
from tests.accounts.test_route_registry import walk

pytestmark = pytest.mark.django_db(transaction=True)

KWARG = re.compile(r"<(?:(\w+):)?(\w+)>")

# Personas tried, in order, for the pages of each part of the service: the first holding one of
# the page's roles reaches its records (supervisors see their team's cases, the IDVA team's
# supervisor its victims, coordinators their panels, the DPO their area's requests).
PERSONAS = {
    "cases": ["supervisor", "casemanager", "police"],
    "victims/cases": ["supervisor", "casemanager"],
    "victims": ["idvamanager", "idva"],
    "panels": ["coordinator", "chair", "police"],
    "referrals": ["supervisor", "casemanager", "police", "coordinator"],
    "retention": ["dpo", "supervisor", "coordinator"],
    "subject-access": ["dpo"],
    "audit": ["dpo"],
    "reports": ["analyst", "supervisor", "coordinator"],
    "api/victims": ["idvamanager"],
    "api/panels": ["coordinator"],
    "api": ["supervisor"],
    "": ["casemanager"],
}


@dataclass(frozen=True)
class Page:
    pattern: str
    access: object
    path: str  # with Northshire's ids
    about_a_record: bool

    @property
    def api(self) -> bool:
        """DRF answers refusals itself (401/403), with no redirect."""
        return self.access == DELEGATED and not self.admin

    @property
    def admin(self) -> bool:
        return self.pattern.startswith("admin/")

    def persona(self) -> str | None:
        """The Northshire persona who should reach this page's record."""
        for prefix, logins in PERSONAS.items():
            if self.pattern.startswith(prefix):
                for login in logins:
                    if self.access.kind != "roles" or PERSONA_ROLES[login] & self.access.roles:
                        return login
                return None
        return None


# Each demo persona's roles (accounts.demo.PEOPLE), the same in both areas.
PERSONA_ROLES = {login: {role for _, role in memberships} for login, (_, memberships) in PEOPLE.items()}
EVERY_PERSONA = list(PERSONA_ROLES)


def _records(world) -> dict:
    """One Northshire record of every kind a URL names, from the demo (see `_ids`)."""
    from casework.models import (
        Assessment,
        Case,
        CaseNote,
        CaseUserObjectPermission,
        CustodyRecord,
        DisruptionAction,
        FlagRecipient,
        Incident,
        Order,
        PerpetratorAlias,
        SupportGoal,
    )
    from panels.models import Action, AgendaItem, Meeting, MeetingPack, Panel, PartnerNomination
    from privacy.models import RetentionReview, SarItem, SubjectAccessRequest
    from referrals.models import PerpetratorMerge, Referral, ReferralVictim
    from victims.models import (
        Child,
        DashAssessment,
        NewPartnerNotice,
        Victim,
        VictimLink,
        VictimUserObjectPermission,
    )

    north = world.areas["north"]
    team = world.team("case_management", "north")
    idva_team = world.team("idva", "north")
    on_team = {"case__team": team, "case__restricted": False}
    found = {
        "case": Case.objects.filter(team=team, restricted=False, closed_on__isnull=True),
        "order": Order.objects.filter(**on_team),
        "custody": CustodyRecord.objects.filter(**on_team),
        "incident": Incident.objects.filter(**on_team),
        "assessment": Assessment.objects.filter(**on_team),
        "goal": SupportGoal.objects.filter(**on_team),
        "disruption": DisruptionAction.objects.filter(**on_team),
        "note": CaseNote.objects.filter(**on_team),
        "alias": PerpetratorAlias.objects.filter(
            perpetrator__cases__team=team, perpetrator__cases__restricted=False
        ),
        "case_grant": CaseUserObjectPermission.objects.filter(content_object__team=team),
        "flag_copy": FlagRecipient.objects.filter(user=world.user("supervisor", "north")),
        "victim": Victim.objects.filter(team=idva_team),
        "link": VictimLink.objects.filter(victim__team=idva_team),
        "dash": DashAssessment.objects.filter(victim__team=idva_team),
        "child": Child.objects.filter(victim__team=idva_team),
        "victim_grant": VictimUserObjectPermission.objects.filter(content_object__team=idva_team),
        "notice": NewPartnerNotice.objects.filter(idva_team=idva_team),
        "named_victim": ReferralVictim.objects.filter(idva_team=idva_team, pick_up_status="awaiting"),
        "panel": Panel.objects.filter(area=north, kind=Panel.Kind.MARAC),
        "nomination": PartnerNomination.objects.filter(panel__area=north),
        "meeting": Meeting.objects.filter(panel__area=north, panel__kind=Panel.Kind.MARAC),
        "item": AgendaItem.objects.filter(meeting__panel__area=north, meeting__panel__kind=Panel.Kind.MARAC),
        "action": Action.objects.filter(agenda_item__meeting__panel__area=north),
        "pack": MeetingPack.objects.filter(meeting__panel__area=north),
        "referral": Referral.objects.filter(team=team).exclude(status=Referral.Status.DRAFT),
        "merge": PerpetratorMerge.objects.filter(survivor__area=north),
        "review": RetentionReview.objects.filter(area=north),
        "sar": SubjectAccessRequest.objects.filter(area=north),
        "sar_item": SarItem.objects.filter(sar__area=north),
    }
    records, missing = {}, []
    for key, queryset in found.items():
        records[key] = queryset.order_by("pk").first()
        if records[key] is None:
            missing.append(key)
    assert missing == [], f"the demo has no Northshire record of these kinds: {missing}"
    return records


# How each pattern's ids are filled: the first rule whose regex matches the pattern wins. The
# innermost record decides its parents (an order's own case), so every URL names a real path.
def _ids(r: dict) -> list[tuple[str, Callable | None]]:
    return [
        (r"^retention/<int:pk>/", lambda: {"pk": r["review"].pk}),
        (
            r"^subject-access/<int:pk>/items/",
            lambda: {"pk": r["sar_item"].sar_id, "item_pk": r["sar_item"].pk},
        ),
        (r"^subject-access/<int:pk>/", lambda: {"pk": r["sar"].pk}),
        (r"^referrals/people/merges/", lambda: {"pk": r["merge"].pk}),
        (r"^referrals/<int:pk>/", lambda: {"pk": r["referral"].pk}),
        (r"who-can-reach/<int:user_pk>", None),  # filled below, per side
        (r"^cases/flags/<int:pk>/", lambda: {"pk": r["flag_copy"].pk}),
        (
            r"^cases/<int:pk>/person/<slug:kind>",
            lambda: {"pk": _case_of_person(r["alias"]), "kind": "alias", "item": r["alias"].pk},
        ),
        (
            r"^cases/<int:pk>/assessments/<int:",
            lambda: {"pk": r["assessment"].case_id, "assessment_pk": r["assessment"].pk},
        ),
        (r"^cases/<int:pk>/plans/goals/<int:", lambda: {"pk": r["goal"].case_id, "item_pk": r["goal"].pk}),
        (
            r"^cases/<int:pk>/plans/actions/<int:",
            lambda: {"pk": r["disruption"].case_id, "item_pk": r["disruption"].pk},
        ),
        (r"^cases/<int:pk>/notes/<int:", lambda: {"pk": r["note"].case_id, "note_pk": r["note"].pk}),
        (r"^cases/<int:pk>/orders/<int:", lambda: {"pk": r["order"].case_id, "order_pk": r["order"].pk}),
        (
            r"^cases/<int:pk>/custody/<int:",
            lambda: {"pk": r["custody"].case_id, "custody_pk": r["custody"].pk},
        ),
        (
            r"^cases/<int:pk>/incidents/<int:",
            lambda: {"pk": r["incident"].case_id, "incident_pk": r["incident"].pk},
        ),
        (r"^cases/<int:pk>/", lambda: {"pk": r["case"].pk}),
        (r"^victims/to-pick-up/named/", lambda: {"pk": r["named_victim"].pk}),
        (r"^victims/to-pick-up/<int:pk>/", lambda: {"pk": r["notice"].pk}),
        (r"^victims/cases/", lambda: {"case_pk": r["case"].pk}),
        (r"^victims/<int:pk>/links/", lambda: {"pk": r["link"].victim_id, "link_pk": r["link"].pk}),
        (r"^victims/<int:pk>/dash/<int:", lambda: {"pk": r["dash"].victim_id, "dash_pk": r["dash"].pk}),
        (
            r"^victims/<int:pk>/children/<int:",
            lambda: {"pk": r["child"].victim_id, "child_pk": r["child"].pk},
        ),
        (r"^victims/<int:pk>/outcomes/<str:", lambda: {"pk": r["victim"].pk, "stage": "intake"}),
        (r"^victims/<int:pk>/", lambda: {"pk": r["victim"].pk}),
        (r"^panels/partner-nominations/", lambda: {"pk": r["nomination"].pk}),
        (r"^panels/meetings/", lambda: {"pk": r["meeting"].pk}),
        (r"^panels/items/", lambda: {"pk": r["item"].pk}),
        (r"^panels/actions/<int:", lambda: {"pk": r["action"].pk}),
        (r"^panels/packs/", lambda: {"pk": r["pack"].pk}),
        (r"^panels/<int:pk>/", lambda: {"pk": r["panel"].pk}),
        (r"^reports/<slug:report_key>/export", lambda: {"report_key": "dashboard", "fmt": "csv"}),
        (r"^api/cases/<int:pk>/", lambda: {"pk": r["case"].pk}),
        (r"^api/referrals/<int:", lambda: {"pk": r["referral"].pk}),
        (r"^api/orders/<int:", lambda: {"pk": r["order"].pk}),
        (r"^api/custody-records/<int:", lambda: {"pk": r["custody"].pk}),
        (r"^api/disruption-actions/<int:", lambda: {"pk": r["disruption"].pk}),
        (r"^api/victims/<int:", lambda: {"pk": r["victim"].pk}),
        (r"^api/panels/meetings/<int:", lambda: {"pk": r["meeting"].pk}),
        (r"^api/panels/agenda-items/<int:", lambda: {"pk": r["item"].pk}),
        (r"^api/panels/actions/<int:", lambda: {"pk": r["action"].pk}),
    ]


def _case_of_person(alias) -> int:
    from casework.models import Case

    return (
        Case.objects.filter(perpetrator_id=alias.perpetrator_id, restricted=False).order_by("pk").first().pk
    )


def _grant_ids(pattern: str, r: dict) -> dict:
    grant = r["case_grant"] if pattern.startswith("cases/") else r["victim_grant"]
    return {"pk": grant.content_object_id, "user_pk": grant.user_id}


def _fill(pattern: str, r: dict) -> str:
    names = [name for _, name in KWARG.findall(pattern)]
    values: dict = {}
    if names:
        for regex, build in _ids(r):
            if re.search(regex, pattern):
                values = _grant_ids(pattern, r) if build is None else build()
                break
        assert set(names) <= set(values), f"no ids for {pattern}: add a rule to _ids"
    path = KWARG.sub(lambda m: str(values[m.group(2)]), pattern)
    return "/" + path


def _pages(world) -> list[Page]:
    records = _records(world)
    pages = []
    for pattern, entry, _ in walk(get_resolver()):
        access = entry.tideline_access
        if access == PUBLIC:
            continue
        about_a_record = any(
            converter in ("int", None) and name != "stage" for converter, name in KWARG.findall(pattern)
        )
        pages.append(Page(pattern, access, _fill(pattern, records), about_a_record))
    return pages


def _answers(client, page: Page):
    """GET and POST (with a CSRF token, so the access check is what answers)."""
    return {"GET": client.get(page.path), "POST": client.post(page.path, {})}


def _csrf_refused(response) -> bool:
    """Django's CSRF failure page: the request never reached the access check under test."""
    return response.status_code == 403 and "CSRF verification failed" in response.text


def anonymous_callers_are_sent_to_sign_in(live, world, pages) -> list[str]:
    client = live.anonymous().with_csrf()
    sign_in = reverse(settings.LOGIN_URL)
    problems = []
    for page in pages:
        for method, response in _answers(client, page).items():
            status, where = response.status_code, response.headers.get("Location", "")
            if page.api:
                ok = status in (401, 403)
            elif page.admin:
                ok = status == 302 and where.startswith((sign_in, "/admin/login/"))
            else:
                ok = status == 302 and where.startswith(sign_in)
            if not ok:
                problems.append(f"{method} {page.path} ({page.pattern}) answered {status} {where}")
    return problems


def sessions_without_the_second_factor_are_sent_to_the_security_code_page(live, world, pages) -> list[str]:
    client = live.signed_in(world.user("supervisor", "north"), verified=False).with_csrf()
    security_code, sign_in = reverse("accounts:mfa"), reverse(settings.LOGIN_URL)
    problems = []
    for page in pages:
        if page.access == PASSWORD_ONLY:
            continue  # the security-code page itself
        for method, response in _answers(client, page).items():
            status, where = response.status_code, response.headers.get("Location", "")
            if page.api:
                ok = status in (401, 403)
            elif page.admin:
                ok = status == 302 and where.startswith((sign_in, "/admin/login/"))
            else:
                ok = status == 302 and where.startswith(security_code)
            if not ok:
                problems.append(f"{method} {page.path} ({page.pattern}) answered {status} {where}")
    return problems


def users_without_the_pages_role_get_403(live, world, pages) -> list[str]:
    problems, clients = [], {}
    for page in pages:
        if page.access.kind != "roles":
            continue
        login = next(p for p in EVERY_PERSONA if not PERSONA_ROLES[p] & page.access.roles)
        if login not in clients:
            clients[login] = live.signed_in(world.user(login, "north")).with_csrf()
        for method, response in _answers(clients[login], page).items():
            if response.status_code != 403 or _csrf_refused(response):
                problems.append(f"{method} {page.path} as {login} answered {response.status_code}")
    return problems


def another_areas_user_gets_404_where_the_areas_own_user_reaches_the_record(live, world, pages) -> list[str]:
    problems, clients = [], {}

    def client(login: str, area: str):
        if (login, area) not in clients:
            clients[login, area] = live.signed_in(world.user(login, area)).with_csrf()
        return clients[login, area]

    for page in pages:
        if not page.about_a_record or page.access in (STAFF, PASSWORD_ONLY):
            continue
        login = page.persona()
        if login is None:
            problems.append(f"no persona reaches {page.pattern}: add one to PERSONAS")
            continue
        own = client(login, "north").get(page.path)
        post_only = own.status_code == 405
        if own.status_code == 404 or own.status_code >= 500:
            problems.append(f"GET {page.path} as {login}.north (own area) answered {own.status_code}")
        other = client(login, "south")
        response = other.post(page.path, {}) if post_only else other.get(page.path)
        if response.status_code != 404 or _csrf_refused(response):
            method = "POST" if post_only else "GET"
            problems.append(f"{method} {page.path} as {login}.south answered {response.status_code}")
    return problems


KINDS = [
    anonymous_callers_are_sent_to_sign_in,
    sessions_without_the_second_factor_are_sent_to_the_security_code_page,
    users_without_the_pages_role_get_403,
    another_areas_user_gets_404_where_the_areas_own_user_reaches_the_record,
]


def _add_what_the_demo_lacks(world) -> None:
    """A direct grant on a case and on a victim, a merge of two records, and one ready pack."""
    from django.contrib.auth.models import Permission

    from casework import services as casework_services
    from casework.grants import case_access_grant
    from casework.models import Case
    from panels.models import Meeting, MeetingPack, Panel
    from panels.packs import pack_generate
    from referrals.merging import perpetrator_merge
    from victims.models import Victim, VictimUserObjectPermission

    supervisor = world.user("supervisor", "north")
    case = Case.objects.filter(team=world.team("case_management", "north"), restricted=False).order_by("pk")[
        0
    ]
    case_access_grant(
        case=case, user=world.user("probation", "north"), level="view", reason="Joint work", actor=supervisor
    )
    VictimUserObjectPermission.objects.create(
        user=world.user("health", "north"),
        content_object=Victim.objects.filter(team=world.team("idva", "north")).order_by("pk")[0],
        permission=Permission.objects.get(codename="view_victim"),
    )
    duplicate = casework_services.perpetrator_create(
        actor=supervisor, area=world.areas["north"], first_name="Dup", last_name="Licate"
    )
    perpetrator_merge(survivor=case.perpetrator, merged=duplicate, actor=supervisor, reason="Same person")
    meeting = Meeting.objects.filter(
        panel__area=world.areas["north"], panel__kind=Panel.Kind.MARAC, items__isnull=False
    ).first()
    pack = MeetingPack.objects.create(
        meeting=meeting, organisation=None, requested_by=world.user("chair", "north")
    )
    pack_generate(pack_id=pack.pk)


def test_every_page_refuses_every_wrong_caller_over_live_http(live, subtests, settings, tmp_path):
    """One seeded world, four kinds of caller, each reported as its own subtest."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the meeting pack's PDF
    call_command("seed_demo", verbosity=0)
    from accounts.demo import seed_people

    world = seed_people()
    _add_what_the_demo_lacks(world)
    pages = _pages(world)
    assert len(pages) > 150, "the walk should reach every routed page"
    assert sum(page.about_a_record for page in pages) > 100, "and fill the ids of every record page"
    for kind in KINDS:
        with subtests.test(msg=kind.__name__):
            problems = kind(live, world, pages)
            assert problems == [], "\n".join(problems)
