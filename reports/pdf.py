"""The commissioner's PDF report: WeasyPrint, block layout, charts as inline SVG.

Uses the panels app's static-only URL fetcher (panels.packs): the document may load the
project's own static files and nothing else (no file://, no network).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from panels.packs import PACK_BASE_URL, static_only_fetcher


def render(context: dict) -> tuple[bytes, int]:
    """(PDF bytes, page count) for the commissioner's report template."""
    from weasyprint import HTML

    html = render_to_string("reports/pdf/commissioner.html", context)
    document = HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=static_only_fetcher()).render()
    return document.write_pdf(), len(document.pages)
