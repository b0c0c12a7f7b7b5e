"""THE canary test (DESIGN.md §3): victim-restricted data never reaches anyone outside the IDVA team.

A unique marker goes into EVERY victim-restricted field of a victim linked to a perpetrator
with a case. Then every non-IDVA persona requests every URL pattern in the resolver (walked
like tests/accounts/test_route_registry.py, so URLs other engineers add later are covered
automatically), with the case, victim, perpetrator and related ids substituted, plus the
Django admin. The marker must appear zero times in any response, email or log line. The
victim's own IDVA must see it, so the test can fail.

Text that crosses sides carries the marker too, inside a street address and a school name: a note
the IDVA shared and an agency's MARAC research, both seeded directly as they would have been
written before the text guard knew those kinds of detail. The guard refuses such text now
(`test_text_carrying_an_address_or_school_cannot_cross_sides`); what is already there is shown
masked, so the sweep passes only if every page that shows it masks it.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import re

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils.html import escape

from accounts.safe_text import ADDRESS, SCHOOL, contact_details_message
from tests.conftest import sign_in
from victims import services
from victims.models import (
    Child,
    DashInstrument,
    EncompassNotification,
    SafetyNote,
    SafetyPlan,
    SharedNote,
    Victim,
    VictimAddress,
    VictimContact,
    VictimSafeContact,
)

# Ten characters, so it fits even the postcode field; compared case-insensitively.
MARKER = "CANARY7f3a"
SHARED_OK = "SHAREDNOTE-OK-5521"
# Crossing text as it was written before the guard knew street addresses and schools.
CROSSING = f"Now at 14 {MARKER} Avenue; her son attends {MARKER} Primary School."

NON_IDVA_PERSONAS = [
    ("casemanager", "north"),
    ("casemanager2", "north"),
    ("supervisor", "north"),
    ("coordinator", "north"),
    ("chair", "north"),
    ("police", "north"),
    ("probation", "north"),
    ("socialcare", "north"),
    ("housing", "north"),
    ("health", "north"),
    ("analyst", "north"),
    ("dpo", "north"),
    ("admin", None),
    # IDVAs of another area's team are outside this victim's team too.
    ("idva", "south"),
    ("idvamanager", "south"),
]

RESTRICTED_MODELS = {Victim, VictimAddress, VictimContact, VictimSafeContact, SafetyPlan, SafetyNote, Child}


def walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == "admin/":
                continue  # Django admin is checked model by model below
            yield from walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete_urls(pattern: str, ids: dict[str, int], every_id: list[int]) -> list[str]:
    """The pattern with real ids in it: by parameter name where we can tell, otherwise every id we made."""
    params = PARAM.findall(pattern)
    choices = []
    for converter, name in params:
        converter = converter or "str"
        if converter == "int" or name.endswith(("pk", "_id")) or name == "id":
            key = name.removesuffix("_pk").removesuffix("_id")
            if key == "pk" or key not in ids:
                # victims/<pk>/ → the victim, cases/<x_pk>/ → the case; elsewhere every id we made.
                key = pattern.split("/", 1)[0] if key == "pk" else key
            choices.append([ids[key]] if key in ids else every_id)
        elif converter == "uuid":
            choices.append(["00000000-0000-0000-0000-000000000001"])
        elif name == "stage":
            choices.append(["intake", "exit"])
        else:
            choices.append(["x"])
    urls = []
    for combo in itertools.islice(itertools.product(*choices), 9):
        values = iter(combo)
        path = PARAM.sub(lambda _m, values=values: str(next(values)), pattern)
        urls.append("/" + path.lstrip("^").rstrip("$").replace("\\Z", ""))
    return urls


@pytest.fixture
def canary(world, case_north, make_victim):
    """A victim of a perpetrator with a case, with the marker in every restricted field."""
    from casework import demo as casework_demo

    casework_demo.seed(world)  # other apps' demo data, so their pages have rows to show
    idva = world.user("idva", "north")
    victim = make_victim(perpetrator=case_north.perpetrator, first_name="Canary", last_name="Victim")
    link = victim.links.get()
    services.victim_address_add(
        actor=idva,
        victim=victim,
        kind="refuge",
        line_1=f"{MARKER} Refuge House",
        line_2=f"Flat {MARKER}",
        town=f"{MARKER}town",
        postcode=MARKER,
        from_date=datetime.date(2026, 1, 1),
        is_current=True,
    )
    services.victim_address_add(
        actor=idva,
        victim=victim,
        kind="temporary",
        line_1=f"{MARKER} Temporary Lodge",
        town=f"{MARKER}ville",
        from_date=datetime.date(2025, 6, 1),
        to_date=datetime.date(2025, 12, 31),
        is_current=False,
    )
    services.victim_contact_add(
        actor=idva, victim=victim, kind="mobile", value=f"07700 {MARKER}", note=MARKER
    )
    services.victim_contact_add(actor=idva, victim=victim, kind="email", value=f"{MARKER}@example.org")
    services.victim_safe_contact_save(
        actor=idva,
        victim=victim,
        safe_contact_method=f"Text {MARKER}",
        safe_times=f"Mornings {MARKER}",
        safe_to_leave_message="no",
        housing_situation="refuge",
        housing_notes=f"Refuge {MARKER}",
    )
    services.safety_plan_save(
        actor=idva, victim=victim, plan=f"Plan {MARKER}", review_on=datetime.date(2026, 12, 1)
    )
    services.safety_note_add(actor=idva, victim=victim, text=f"Note {MARKER}")
    child = services.child_add(
        actor=idva,
        victim=victim,
        perpetrator_links=[link],
        first_name="Kid",
        school=f"{MARKER} Primary",
        address=f"{MARKER} Road",
    )
    services.encompass_record(
        actor=idva,
        child=child,
        incident_on=datetime.date(2026, 3, 1),
        notified_on=datetime.date(2026, 3, 2),
        before_next_school_day=True,
    )
    instrument = DashInstrument.current()
    dash = services.dash_complete(
        actor=idva,
        victim=victim,
        answers={str(q["number"]): {"answer": "yes", "comment": ""} for q in instrument.questions},
    )
    services.consent_decision_record(  # she agreed to notes going to his case manager
        actor=idva,
        victim=victim,
        purpose="perpetrator_programme",
        receiving_organisation=case_north.team.organisation,
        consent="given",
        legal_basis="consent",
    )
    services.shared_note_add(
        actor=idva, victim=victim, link=link, text=f"Please raise missed contact {SHARED_OK}"
    )
    notice = services.new_partner_notice_create(
        actor=world.user("casemanager", "north"), case=case_north, what_is_known="New partner mentioned"
    )
    SharedNote.objects.create(victim=victim, link=link, text=f"{CROSSING} {SHARED_OK}", shared_by=idva)
    item = _marac_research(world, victim, text=f"{CROSSING} Research returned.")
    for model in (VictimAddress, VictimContact, VictimSafeContact, SafetyPlan, SafetyNote, Child):
        assert model.objects.filter(victim=victim).exists(), f"the canary has no {model.__name__}"
    return {
        "victim": victim,
        "case": case_north,
        "link": link,
        "child": child,
        "dash": dash,
        "notice": notice,
        "encompass": EncompassNotification.objects.get(child=child),
        "item": item,
        # Panel pages are keyed by their own ids, which the walk cannot guess.
        "extra_urls": [
            reverse("panels:item_detail", args=[item.pk]),
            reverse("panels:meeting_detail", args=[item.meeting_id]),
        ],
    }


def _marac_research(world, victim, *, text: str):
    """The victim on a published MARAC agenda, with the IDVA service's research seeded directly."""
    from django.utils import timezone

    from panels import services as panel_services
    from panels.models import Panel, PanelMembership, Research

    panel = Panel.objects.create(
        name="Canary MARAC",
        kind=Panel.Kind.MARAC,
        area=world.areas["north"],
        coordinator_team=world.team("marac", "north"),
        chair=world.user("chair", "north"),
    )
    for key in ("idva", "police", "probation"):
        seat = PanelMembership.objects.create(panel=panel, organisation=world.team(key, "north").organisation)
        if key != "idva":
            seat.representatives.add(world.user(key, "north"))
    coordinator = world.user("coordinator", "north")
    meeting = panel_services.meeting_schedule(
        panel=panel, scheduled_for=timezone.now() + datetime.timedelta(days=7), actor=coordinator
    )
    services.consent_decision_record(  # she agreed to sharing at the MARAC
        actor=world.user("idva", "north"),
        victim=victim,
        purpose="marac",
        receiving_organisation=world.team("police", "north").organisation,
        consent="given",
        legal_basis="consent",
    )
    item = panel_services.agenda_item_add(meeting=meeting, victim=victim, reason="new", actor=coordinator)
    panel_services.agenda_publish(meeting=meeting, actor=coordinator)
    Research.objects.create(
        agenda_item=item,
        organisation=world.team("idva", "north").organisation,
        holds_information=True,
        summary=text,
        submitted_by=world.user("idva", "north"),
    )
    return item


def _ids(canary) -> dict[str, int]:
    case = canary["case"]
    return {
        "victims": canary["victim"].pk,
        "victim": canary["victim"].pk,
        "cases": case.pk,
        "case": case.pk,
        "perpetrator": case.perpetrator_id,
        "perpetrators": case.perpetrator_id,
        "people": case.perpetrator_id,
        "person": case.perpetrator_id,
        "link": canary["link"].pk,
        "child": canary["child"].pk,
        "dash": canary["dash"].pk,
        "notice": canary["notice"].pk,
    }


def _client(world, login, area):
    client = Client(raise_request_exception=False)
    user = world.users["admin"] if login == "admin" else world.user(login, area)
    return sign_in(client, user)


def _hits(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return MARKER.lower().encode() in body.lower()


def _sweep(world, canary) -> list[str]:
    ids = _ids(canary)
    every_id = sorted({ids["victim"], ids["case"], ids["perpetrator"]})
    urls = [url for pattern in walk(get_resolver()) for url in concrete_urls(pattern, ids, every_id)]
    urls += canary["extra_urls"]
    assert f"/victims/{canary['victim'].pk}/contact/" in urls, "the resolver walk missed the victim's pages"
    # Search boxes: look the victim up by name (searching for the marker itself would only echo it back).
    urls += [f"{url}?q=Canary" for url in urls if url.endswith("/") and not re.search(r"/\d+/", url)]
    leaks = []
    for login, area in NON_IDVA_PERSONAS:
        client = _client(world, login, area)
        for url in urls:
            response = client.get(url)
            if _hits(response):
                leaks.append(f"{login}.{area} GET {url} → {response.status_code}")
    return leaks


def _admin_sweep(world) -> list[str]:
    client = _client(world, "admin", None)
    assert client.get("/admin/").status_code == 200
    leaks = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls = [base, f"{base}?q=Canary"]
        urls += [
            f"{base}{pk}/change/"
            for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:2]
        ]
        for url in urls:
            response = client.get(url)
            if _hits(response):
                leaks.append(f"admin GET {url} → {response.status_code}")
    return leaks


@pytest.mark.django_db
def test_victim_restricted_data_reaches_no_one_outside_the_idva_team(world, canary, caplog):
    """One test, one set-up (the sweep is long): the control first, then every persona, admin, mail, logs."""
    caplog.set_level(logging.DEBUG)
    victim = canary["victim"]

    # The control: the victim's own IDVA sees every restricted field, so the sweep below can fail.
    idva = _client(world, "idva", "north")
    contact = idva.get(f"/victims/{victim.pk}/contact/").content.decode()
    for text in (
        f"{MARKER} Refuge House",
        f"07700 {MARKER}",
        f"{MARKER}@example.org",
        f"Text {MARKER}",
        f"Mornings {MARKER}",
        f"Refuge {MARKER}",
    ):
        assert text in contact, f"the IDVA cannot see {text!r}"
    safety = idva.get(f"/victims/{victim.pk}/safety/").content.decode()
    assert f"Plan {MARKER}" in safety and f"Note {MARKER}" in safety
    children = idva.get(f"/victims/{victim.pk}/children/").content.decode()
    assert f"{MARKER} Primary" in children and f"{MARKER} Road" in children

    # The case manager gets the safe view, with the note the IDVA chose to share.
    safe = _client(world, "casemanager", "north").get(f"/victims/cases/{canary['case'].pk}/").content.decode()
    assert SHARED_OK in safe and canary["link"].safe_label in safe and "Canary Victim" not in safe
    # The old crossing note and research are shown, with the details taken out.
    assert "Now at [address removed]; her son attends [school removed]." in safe
    item_page = _client(world, "coordinator", "north").get(canary["extra_urls"][0]).content.decode()
    assert "Research returned." in item_page and "[address removed]" in item_page

    leaks = _sweep(world, canary) + _admin_sweep(world)
    assert leaks == [], "Victim-restricted data leaked:\n" + "\n".join(leaks)
    assert not any(MARKER.lower() in (m.subject + m.body).lower() for m in mail.outbox), (
        "leaked into an email"
    )
    assert MARKER.lower() not in caplog.text.lower(), "victim-restricted data written to the logs"


@pytest.mark.django_db
def test_text_carrying_an_address_or_school_cannot_cross_sides(world, case_north, make_victim, client_for):
    """A shared note or MARAC research carrying the canary in an address or a school is refused,
    through the service and the page, so nothing new needs masking."""
    from panels import services as panel_services
    from panels.models import Research

    victim = make_victim(perpetrator=case_north.perpetrator, first_name="Canary", last_name="Victim")
    link = victim.links.get()
    idva = world.user("idva", "north")
    message = contact_details_message([ADDRESS, SCHOOL])
    with pytest.raises(ValidationError) as error:
        services.shared_note_add(actor=idva, victim=victim, link=link, text=CROSSING)
    assert error.value.message_dict == {"text": [message]}
    page = client_for("idva", "north").post(
        f"/victims/{victim.pk}/sharing/notes/new/", {"link": link.pk, "text": CROSSING, "confirm": "on"}
    )
    assert page.status_code == 200 and escape(message) in page.content.decode()
    item = _marac_research(world, victim, text="placeholder")
    Research.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        panel_services.research_submit(
            item=item,
            organisation=world.team("idva", "north").organisation,
            holds_information=True,
            summary=CROSSING,
            actor=idva,
        )
    assert error.value.message_dict == {"summary": [message]}
    assert not SharedNote.objects.exists() and not Research.objects.exists()


def test_no_victim_model_is_registered_in_django_admin():
    """Admin rights do not open victim records (DESIGN.md §1): none of them has an admin page."""
    registered = set(admin.site._registry)
    from victims import models as victim_models

    victim_model_classes = {
        m for m in vars(victim_models).values() if isinstance(m, type) and getattr(m, "_meta", None)
    }
    allowed = {victim_models.DashInstrument}
    assert (registered & victim_model_classes) - allowed == set()
    assert not registered & RESTRICTED_MODELS
    for model in registered:
        assert not (model._meta.app_label == "victims" and model.__name__.startswith("Historical"))
