"""The backup drill: dump, restore into a scratch database, compare every table and the audit checksum."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import audit
from accounts.models import AuditEvent
from accounts.ops import backups

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_backup_restores_whole(world, tmp_path):
    for i in range(5):
        audit.record(
            None,
            AuditEvent.Action.VIEW,
            user=world.user("idva", "north"),
            object_type="victims.victim",
            object_id=i,
        )
    result = backups.backup_check(tmp_path / "tideline.dump")
    assert result.ok, result.mismatches
    assert result.tables_compared > 20
    assert result.audit_rows >= 5
    assert len(result.audit_checksum) == 32
    assert (tmp_path / "tideline.dump").stat().st_size > 0


def test_the_check_notices_a_restore_that_lost_rows(world, tmp_path, monkeypatch):
    real_restore = backups.restore

    def lossy_restore(dump, database):
        real_restore(dump, database)
        import psycopg2

        with (
            psycopg2.connect(host="127.0.0.1", user="postgres", dbname=database) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
            cursor.execute(
                "DELETE FROM accounts_auditevent WHERE id = (SELECT max(id) FROM accounts_auditevent)"
            )
        conn.close()

    audit.record(None, AuditEvent.Action.VIEW, user=world.user("idva", "north"))
    monkeypatch.setattr(backups, "restore", lossy_restore)
    result = backups.backup_check(tmp_path / "lossy.dump")
    assert not result.ok
    assert any("accounts_auditevent" in m for m in result.mismatches)
    assert "audit trail checksum differs after restore" in result.mismatches


def test_the_command_reports_success(world, tmp_path, capsys):
    call_command("backup", "--check", "--output", str(tmp_path / "cmd.dump"))
    assert "restored whole" in capsys.readouterr().out


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "missing.dump"))
