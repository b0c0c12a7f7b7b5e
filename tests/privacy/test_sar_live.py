"""Subject access refusals as production answers them: a live server, no test transaction.

Another area's DPO gets 404, anyone who is not a DPO gets 403, an anonymous visitor is sent to
sign in; none of them changes anything or gets a server error. The DPO's own decision and
download work over real HTTP too (a write inside its request transaction, a read without one).
"""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from privacy.models import SarItem
from tests.privacy.sar_support import build_people, decide_all, open_sar

pytestmark = pytest.mark.django_db(transaction=True)


def paths(request) -> tuple[list[str], str, SarItem]:
    item = request.items.exclude(exemption="").filter(decision="").first()
    reads = [
        f"/subject-access/{request.pk}/",
        f"/subject-access/{request.pk}/preview/",
        f"/subject-access/{request.pk}/export.pdf",
        f"/subject-access/{request.pk}/export.json",
    ]
    return reads, f"/subject-access/{request.pk}/items/{item.pk}/decide/", item


def decision(item: SarItem) -> dict:
    return {f"item{item.pk}-decision": "disclose", f"item{item.pk}-reason": "Released by a stranger"}


def test_refusals_over_real_http(live, world):
    people = build_people(world)
    request = open_sar(world, "perpetrator", people["case"].reference)
    reads, decide, item = paths(request)

    anonymous = live.anonymous()
    for path in reads:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/sign-in/" in response.headers["Location"], path

    south_dpo = live.signed_in(world.user("dpo", "south"))
    for path in reads:
        assert south_dpo.get(path).status_code == 404, path
    assert south_dpo.form_post(decide, decision(item), page="/subject-access/").status_code == 404

    for login in ("casemanager", "idva", "supervisor"):
        outsider = live.signed_in(world.user(login, "north"))
        for path in reads:
            assert outsider.get(path).status_code == 403, (login, path)
        assert outsider.form_post(decide, decision(item), page="/").status_code == 403, login

    item.refresh_from_db()
    assert item.decision == "" and not item.disclosed
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_dpo_decides_and_downloads_over_real_http(live, world):
    people = build_people(world)
    request = open_sar(world, "perpetrator", people["case"].reference)
    _, decide, item = paths(request)
    dpo = live.signed_in(world.user("dpo", "north"))
    not_ready = dpo.get(f"/subject-access/{request.pk}/export.json")
    assert not_ready.status_code == 302 and not_ready.headers["Location"].endswith(
        f"/subject-access/{request.pk}/"
    )
    response = dpo.form_post(decide, decision(item), page=f"/subject-access/{request.pk}/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "disclose" and item.decided_by == world.user("dpo", "north")
    decide_all(world, request, "withhold")
    download = dpo.get(f"/subject-access/{request.pk}/export.json")
    assert download.status_code == 200 and download.json()["our_reference"] == request.reference
    assert AuditEvent.objects.filter(action="export", object_id=str(request.pk)).count() == 1
