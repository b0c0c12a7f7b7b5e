"""Meeting packs: HTML templates rendered to PDF with WeasyPrint, one pack per recipient.

- The chair's full pack shows every item with every safe fact, all research and actions.
- Each agency's pack shows only the items shared with agencies, only the shared fields,
  and only that agency's own research and actions.
- No pack contains victim-restricted data: the presentation goes through
  panels.selectors.item_view, which never reads it. A victim's name and date of birth appear
  in an agency's pack only on a MARAC agenda item where the coordinator shared them, and never
  in a perpetrator service's pack.
- The renderer may load only the project's own static files (`StaticOnlyFetcher`).
- Layout is blocks, not tables (DESIGN.md §5: tables cost 4x per page in WeasyPrint).
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from panels import selectors
from panels.models import Attendance, MeetingPack

logger = logging.getLogger(__name__)

# Relative URLs in pack templates resolve against this made-up origin; the fetcher maps it to
# staticfiles and refuses everything else. ".invalid" can never resolve on a network.
PACK_BASE_URL = "https://tideline-pack.invalid/"
_PACK_HOST = urlsplit(PACK_BASE_URL).netloc


def packs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "packs"


class RefusedURL(ValueError):
    """The pack tried to load something other than the project's own static files."""


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `/static/...` from staticfiles finders and data: URLs; refuses file:// and the network."""

        def __init__(self):
            super().__init__(timeout=2, allowed_protocols=("https", "data"), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            static_prefix = (
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            )
            if (
                parts.scheme == "https"
                and parts.netloc == _PACK_HOST
                and parts.path.startswith(static_prefix)
            ):
                relative = unquote(parts.path[len(static_prefix) :])
                try:
                    found = finders.find(relative) if relative and ".." not in relative.split("/") else None
                except SuspiciousFileOperation:
                    found = None
                if found:
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})
            raise RefusedURL(
                f"Meeting packs may only load the project's own static files; refused {url[:120]}"
            )

    return StaticOnlyFetcher


def static_only_fetcher():
    return _url_fetcher_class()()


def pack_context(pack: MeetingPack) -> dict:
    """Everything the pack template shows, already redacted for the pack's recipient."""
    meeting = pack.meeting
    panel = meeting.panel
    viewer = selectors.Viewer(
        manager=pack.is_full,
        chair=pack.is_full,
        organisation_ids=set() if pack.is_full else {pack.organisation_id},
        perpetrator_service=not pack.is_full
        and pack.organisation.kind == pack.organisation.Kind.PERPETRATOR_SERVICE,
    )
    items = selectors.agenda_for(meeting, viewer)
    research = selectors.research_for(items, viewer)
    actions = selectors.actions_for_items(items, viewer)
    attendance = {row.organisation_id: row for row in Attendance.objects.filter(meeting=meeting)}
    members = selectors.member_agencies(panel)
    return {
        "pack": pack,
        "meeting": meeting,
        "panel": panel,
        "marking": panel.protective_marking,
        "recipient": pack.recipient,
        "full": pack.is_full,
        "agenda": [
            {
                "view": selectors.item_view(
                    item, full=pack.is_full, perpetrator_side=viewer.perpetrator_service
                ),
                "research": research.get(item.pk, []),
                "actions": actions.get(item.pk, []),
                "show_minutes": pack.is_full or meeting.minutes_locked,
            }
            for item in items
        ],
        "attendance": [(org, attendance.get(org.pk)) for org in members],
        "observers": list(meeting.observers.all()),
        "carried": selectors.carried_actions(meeting, viewer),
    }


def render_pdf(html: str, target: str) -> int:
    """Write the PDF for `html` to `target`; returns the page count."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=static_only_fetcher()).render()
    document.write_pdf(target)
    return len(document.pages)


def pack_generate(*, pack_id: int) -> MeetingPack | None:
    """Render one pack. Idempotent: only a PENDING (or FAILED) pack is claimed, so a re-run is harmless.

    The PDF is written to a temporary file beside its final place and moved in atomically.
    Failures are recorded on the pack (status FAILED, last_error) rather than raised.
    """
    claimed = MeetingPack.objects.filter(
        pk=pack_id, status__in=[MeetingPack.Status.PENDING, MeetingPack.Status.FAILED]
    ).update(status=MeetingPack.Status.PROCESSING, last_error="")
    if not claimed:
        return None
    pack = MeetingPack.objects.select_related("meeting__panel", "organisation", "requested_by").get(
        pk=pack_id
    )
    pack.generated_at = timezone.now()
    directory = packs_dir()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = None
    try:
        html = render_to_string("panels/pack/pack.html", pack_context(pack))
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".pack-", suffix=".part")
        os.close(handle)
        pages = render_pdf(html, temporary)
        file_name = f"{pack.uid}.pdf"
        os.replace(temporary, directory / file_name)
        temporary = None
    except Exception as exc:  # noqa: BLE001 (any rendering failure is recorded on the pack)
        logger.exception("Meeting pack %s failed", pack_id)
        MeetingPack.objects.filter(pk=pack_id).update(
            status=MeetingPack.Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        pack.refresh_from_db()
        return pack
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    with transaction.atomic():
        MeetingPack.objects.filter(pk=pack_id).update(
            status=MeetingPack.Status.READY,
            file_name=file_name,
            page_count=pages,
            generated_at=pack.generated_at,
        )
        audit.record(
            None,
            AuditEvent.Action.PRINT,
            pack,
            user=pack.requested_by,
            purpose=f"pack generated for {pack.recipient}",
        )
    pack.refresh_from_db()
    return pack


def pack_path(pack: MeetingPack) -> Path | None:
    if pack.status != MeetingPack.Status.READY or not pack.file_name:
        return None
    path = packs_dir() / pack.file_name
    return path if path.is_file() else None
