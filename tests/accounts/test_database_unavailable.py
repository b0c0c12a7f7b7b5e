import pytest
from django.db import OperationalError

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_lost_database_connection_shows_a_clear_503_and_saves_nothing(client_for, monkeypatch):
    client = client_for("casemanager", "north")
    before = AuditEvent.objects.count()

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(AuditEvent, "save", connection_lost)
    response = client.post("/sign-out/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.content.decode()
    monkeypatch.undo()
    assert AuditEvent.objects.count() == before
