"""Ending a person's sessions when their access is taken away.

Sessions live in the database (Django's `db` session engine). A session row does not name its
user in a column, so `sessions_end_for` reads only the live rows (the indexed `expire_date`
filters out the rest; the 30-minute idle limit keeps live rows to the people signed in now),
decodes each and deletes the user's. Removing access is rare and each call touches a few
thousand small rows at national scale, so nothing is added to every request, and no column
has to be kept in step at sign-in.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

CHUNK = 2000


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_keys_for(user) -> list[str]:
    """Keys of the user's live sessions."""
    store_class = _store_class()
    model = store_class.get_model_class()
    decoder = store_class()
    wanted = str(user.pk)
    rows = (
        model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=CHUNK)
    )
    return [key for key, data in rows if str(decoder.decode(data).get(SESSION_KEY, "")) == wanted]


def sessions_end_for(user) -> int:
    """End every session `user` has; their next request goes to the sign-in page. Returns how many.

    Runs in the caller's transaction: if the change that removed access rolls back, the
    sessions stay. A request of theirs already in flight cannot save its session again
    (Django refuses to recreate a deleted session).
    """
    store_class = _store_class()
    keys = session_keys_for(user)
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)
