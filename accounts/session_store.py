"""Sessions kept in the database, with a short-lived copy in the cache.

Django's `cached_db` engine, with two changes:

- Every cache call is guarded. With Redis down, sessions are read from and written to the
  database as before (Django's own engine fails sign-in then: its `exists` and the cache write
  after a database read are unguarded).
- The cached copy lives at most `TIDELINE_SESSION_CACHE_SECONDS` (60 s). Ending a session deletes
  it from both places (`accounts.sessions.sessions_end_for`); if Redis is unreachable at that
  moment, a copy it still holds expires within that minute.

Most signed-in requests then read no session row; an active session is still written at most once
a minute (accounts.middleware.SessionLifetimeMiddleware).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "tideline.session."

    def _cache_seconds(self, expiry=None) -> int:
        return max(0, min(self.get_expiry_age(expiry=expiry), settings.TIDELINE_SESSION_CACHE_SECONDS))

    def _cache_set(self, data, expiry=None) -> None:
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry))
        except Exception:  # noqa: BLE001 (the database copy stands; the cache is an optimisation)
            logger.warning("session cache unavailable on write")

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable on read")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_set(data, expiry=stored.expire_date)
        return data

    def exists(self, session_key):
        return DBStore.exists(self, session_key)  # the database is the authority on which keys exist

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache_set(self._session)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable on delete; its copy expires within a minute")
