"""The team's referral queue, time targets, pathway mix and navigation."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.navigation import navigation_for
from referrals import services
from referrals.models import Referral, ReferralTargetRatio


def _working_days_ago(days):
    date = timezone.localdate()
    while days:
        date -= datetime.timedelta(days=1)
        if date.weekday() < 5:
            days -= 1
    return date


def test_queue_permission_sequence(client, client_for):
    url = reverse("referrals:queue")
    assert client.get(url).status_code == 302
    assert client_for("analyst", "north").get(url).status_code == 403
    assert client_for("casemanager", "north").get(url).status_code == 200
    assert client_for("coordinator", "north").get(url).status_code == 302  # → their own referrals


def test_only_the_receiving_team_sees_its_queue(client_for, make_referral):
    make_referral("north", first_name="Northern")
    make_referral("south", first_name="Southern")
    north = client_for("casemanager", "north").get(reverse("referrals:queue")).content.decode()
    assert "Northern Whitfield" in north and "Southern Whitfield" not in north


def test_overdue_uses_working_days_and_first_contact_clears_it(
    client_for, make_referral, service_setup, world
):
    late = make_referral(first_name="Late", received_on=_working_days_ago(8))
    on_time = make_referral(first_name="Recent", received_on=_working_days_ago(2))
    assert late.is_overdue() and not on_time.is_overdue()
    client = client_for("casemanager", "north")
    page = client.get(reverse("referrals:queue") + "?tab=overdue").content.decode()
    assert "Late Whitfield" in page and "Recent Whitfield" not in page
    services.referral_first_contact_record(
        referral=late, actor=world.user("casemanager", "north"), date=timezone.localdate()
    )
    page = client.get(reverse("referrals:queue") + "?tab=overdue").content.decode()
    assert "Late Whitfield" not in page


def test_the_due_date_skips_bank_holidays(make_referral, service_setup):
    # Received Thursday 24 December 2026; 5 working days skip 25 and 28 December and 1 January.
    referral = make_referral(received_on=datetime.date(2026, 12, 24), date_of_birth=None)
    assert referral.first_contact_due_on == datetime.date(2027, 1, 5)


def test_tabs_filters_and_sorting(client_for, make_referral, service_setup, world):
    make_referral(first_name="Alpha", last_name="Zed", pathway="police")
    make_referral(first_name="Beta", last_name="Able", pathway="gp")
    client = client_for("casemanager", "north")
    page = client.get(reverse("referrals:queue") + "?pathway=gp").content.decode()
    assert "Beta Able" in page and "Alpha Zed" not in page
    page = client.get(reverse("referrals:queue") + "?sort=name").content.decode()
    assert page.index("Beta Able") < page.index("Alpha Zed")
    assert "Alpha Zed" not in client.get(reverse("referrals:queue") + "?tab=allocation").content.decode()
    # Nonsense filter values do not break the page.
    assert client.get(reverse("referrals:queue") + "?sort=evil&pathway=x&tab=y&page=zz").status_code == 200


def test_queue_query_count_stays_flat_as_rows_grow(client_for, make_referral, django_assert_max_num_queries):
    client = client_for("casemanager", "north")
    url = reverse("referrals:queue")
    make_referral(first_name="One")
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)
    for n in range(12):
        make_referral(first_name=f"Person{n}")
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_my_referrals_query_count(client_for, make_referral, django_assert_max_num_queries):
    for n in range(8):
        make_referral(by="police", first_name=f"P{n}")
    client = client_for("police", "north")
    client.get(reverse("referrals:mine"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("referrals:mine")).status_code == 200


def test_pathway_mix_against_target_ratios(client_for, make_referral, world):
    team = world.team("case_management", "north")
    ReferralTargetRatio.objects.create(
        team=team, pathway="childrens_social_care", target_percent=Decimal("60")
    )
    ReferralTargetRatio.objects.create(team=team, pathway="self_referral", target_percent=Decimal("40"))
    for pathway in ["childrens_social_care", "self_referral", "self_referral", "police"]:
        make_referral(pathway=pathway)
    make_referral(pathway="police", submit=False)  # drafts do not count
    page = client_for("supervisor", "north").get(reverse("referrals:mix")).content.decode()
    assert "4 referrals received" in page
    assert "25.0%" in page and "50.0%" in page and "60.0%" in page
    assert "35.0 points below" in page and "10.0 points above" in page
    assert Referral.objects.filter(status="draft").count() == 1


def test_mix_is_for_case_management_teams(client_for):
    assert client_for("police", "north").get(reverse("referrals:mix")).status_code == 403
    assert client_for("supervisor", "north").get(reverse("referrals:mix")).status_code == 200


def test_navigation_offers_referrals_by_role(world):
    labels = lambda login: [i.label for i in navigation_for(world.user(login, "north"))]  # noqa: E731
    assert "Referrals" in labels("casemanager")
    assert "Referrals" in labels("coordinator")
    assert "My referrals" in labels("police")
    assert "Referrals" not in labels("idva") and "My referrals" not in labels("analyst")
