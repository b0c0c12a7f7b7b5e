"""The agenda page as the coordinator reads it."""

from __future__ import annotations

import pytest

from panels.models import AgendaItem

pytestmark = pytest.mark.django_db


def test_the_agenda_says_in_words_what_each_item_shares(client_for, published):
    item = AgendaItem.objects.filter(meeting=published.meeting, case__isnull=False).first()
    AgendaItem.objects.filter(pk=item.pk).update(
        shared_with_agencies=True, shared_fields=["name", "date_of_birth"]
    )
    body = (
        client_for("coordinator", "north").get(f"/panels/meetings/{published.meeting.pk}/").content.decode()
    )
    assert "Yes: name, date of birth" in body
    assert "date_of_birth" not in body
