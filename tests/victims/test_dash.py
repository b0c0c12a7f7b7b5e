"""DASH scoring, bands, the professional-judgement rule and the MARAC referral criteria."""

import pytest
from django.core.exceptions import ValidationError

from victims import selectors, services
from victims.models import DashAssessment, DashInstrument, dash_band


def answers(instrument, yes, dont_know=0):
    out = {}
    for i, q in enumerate(instrument.questions):
        answer = "yes" if i < yes else "dont_know" if i < yes + dont_know else "no"
        out[str(q["number"])] = {"answer": answer, "comment": ""}
    return out


@pytest.mark.parametrize(
    "score,band",
    [
        (0, "standard"),
        (1, "standard"),
        (9, "standard"),
        (10, "medium"),
        (13, "medium"),
        (14, "high"),
        (24, "high"),
    ],
)
def test_bands_follow_safelives_thresholds(score, band):
    assert dash_band(score) == band


@pytest.mark.django_db
def test_the_paraphrased_instrument_is_loaded_and_active():
    instrument = DashInstrument.current()
    assert instrument is not None and len(instrument.questions) == 24
    assert [q["number"] for q in instrument.questions] == list(range(1, 25))


@pytest.mark.django_db
def test_score_counts_only_yes_answers(world, victim):
    instrument = DashInstrument.current()
    dash = services.dash_complete(
        actor=world.user("idva", "north"), victim=victim, answers=answers(instrument, 11, 6)
    )
    assert dash.score == 11 and dash.band == "medium" and dash.level == "medium"
    assert dash.instrument == instrument


@pytest.mark.django_db
def test_every_question_must_be_answered(world, victim):
    instrument = DashInstrument.current()
    partial = answers(instrument, 3)
    del partial["24"]
    with pytest.raises(ValidationError):
        services.dash_complete(actor=world.user("idva", "north"), victim=victim, answers=partial)
    assert not DashAssessment.objects.exists()


@pytest.mark.django_db
def test_professional_judgement_may_raise_the_level(world, victim):
    instrument = DashInstrument.current()
    dash = services.dash_complete(
        actor=world.user("idva", "north"),
        victim=victim,
        answers=answers(instrument, 5),
        judgement_level="high",
        judgement_rationale="Disclosed strangulation after the checklist.",
    )
    assert dash.band == "standard" and dash.level == "high"
    assert selectors.latest_dash(victim).level == "high"


@pytest.mark.django_db
def test_professional_judgement_can_never_lower_the_level(world, victim):
    instrument = DashInstrument.current()
    with pytest.raises(ValidationError) as error:
        services.dash_complete(
            actor=world.user("idva", "north"),
            victim=victim,
            answers=answers(instrument, 15),
            judgement_level="medium",
            judgement_rationale="She seems fine.",
        )
    assert "judgement_level" in error.value.message_dict
    assert not DashAssessment.objects.exists()


@pytest.mark.django_db
def test_professional_judgement_needs_a_rationale(world, victim):
    instrument = DashInstrument.current()
    with pytest.raises(ValidationError) as error:
        services.dash_complete(
            actor=world.user("idva", "north"),
            victim=victim,
            answers=answers(instrument, 3),
            judgement_level="high",
        )
    assert "judgement_rationale" in error.value.message_dict


@pytest.mark.django_db
def test_marac_criteria_14_or_more(world, victim):
    services.dash_complete(
        actor=world.user("idva", "north"), victim=victim, answers=answers(DashInstrument.current(), 14)
    )
    (candidate,) = selectors.marac_candidates(area=victim.area)
    assert candidate.victim == victim and "14 or more" in candidate.reason


@pytest.mark.django_db
def test_marac_criteria_professional_judgement(world, victim):
    services.dash_complete(
        actor=world.user("idva", "north"),
        victim=victim,
        answers=answers(DashInstrument.current(), 4),
        judgement_level="high",
        judgement_rationale="Escalating threats.",
    )
    (candidate,) = selectors.marac_candidates(area=victim.area)
    assert "professional judgement" in candidate.reason


@pytest.mark.django_db
def test_marac_criteria_potential_escalation_uses_the_configured_count(world, victim):
    idva = world.user("idva", "north")
    services.dash_complete(
        actor=idva, victim=victim, answers=answers(DashInstrument.current(), 4), incidents_last_12_months=2
    )
    assert selectors.marac_candidates(area=victim.area) == []
    DashInstrument.objects.filter(active=True).update(escalation_incidents=2)
    (candidate,) = selectors.marac_candidates(area=victim.area)
    assert "potential escalation: 2 incidents" in candidate.reason


@pytest.mark.django_db
def test_below_every_criterion_is_not_a_marac_candidate(world, victim, make_victim):
    services.dash_complete(
        actor=world.user("idva", "north"), victim=victim, answers=answers(DashInstrument.current(), 13)
    )
    assert selectors.marac_candidates(area=victim.area) == []
    other_area = make_victim(area="south")
    services.dash_complete(
        actor=world.user("idva", "south"), victim=other_area, answers=answers(DashInstrument.current(), 20)
    )
    assert selectors.marac_candidates(area=victim.area) == []


@pytest.mark.django_db
def test_marac_candidate_carries_last_referral_date(world, victim):
    import datetime

    services.dash_complete(
        actor=world.user("idva", "north"), victim=victim, answers=answers(DashInstrument.current(), 16)
    )
    services.victim_record_marac_referral(
        actor=world.user("idva", "north"), victim=victim, referred_on=datetime.date(2026, 1, 5)
    )
    (candidate,) = selectors.marac_candidates(area=victim.area)
    assert candidate.last_marac_referral_on == datetime.date(2026, 1, 5)


@pytest.mark.django_db
def test_dash_form_refuses_lowering_with_a_clear_message(world, victim, client_for):
    client = client_for("idva", "north")
    instrument = DashInstrument.current()
    data = {f"q{n}": "yes" for n in range(1, 16)} | {f"q{n}": "no" for n in range(16, 25)}
    data |= {"judgement_level": "standard", "judgement_rationale": "Lower please"}
    response = client.post(f"/victims/{victim.pk}/dash/new/", data)
    assert response.status_code == 200
    assert "can raise the level but not lower it" in response.content.decode()
    assert not DashAssessment.objects.exists()
    data |= {"judgement_level": ""}
    response = client.post(f"/victims/{victim.pk}/dash/new/", data)
    assert response.status_code == 302
    assert DashAssessment.objects.get().score == 15
    assert instrument.assessments.count() == 1


@pytest.mark.django_db
def test_dash_history_shows_escalation(world, victim, client_for):
    idva = world.user("idva", "north")
    services.dash_complete(actor=idva, victim=victim, answers=answers(DashInstrument.current(), 8))
    services.dash_complete(actor=idva, victim=victim, answers=answers(DashInstrument.current(), 15))
    page = client_for("idva", "north").get(f"/victims/{victim.pk}/dash/").content.decode()
    assert "Up 7: escalating" in page
    assert "Meets MARAC referral criteria" in page
