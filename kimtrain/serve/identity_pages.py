"""The server's short pages about access: "wait a moment", errors, and PIN reset.

* :func:`notice_page`: what a participant sees instead of a stack trace: the
  server is full, a page is not found, something failed (Indonesian first).
* :func:`pin_reset_section` and :func:`pin_reset_result`: the trainer's PIN reset
  on ``/pelatih`` (a form posting to ``/pelatih/pin``), kept apart from the status
  tables so other views of ``/pelatih`` can be added beside it.
"""

from __future__ import annotations

import html
from typing import Any

from kimtrain.i18n import get_language, t
from kimtrain.serve.pages import _page

__all__ = ["notice_page", "pin_reset_result", "pin_reset_section", "write_notice"]


def notice_page(key: str, lang: str, *, retry: str | None = None) -> str:
    """A page with one message (``key``) and, where useful, a "try again" link."""
    title = t("serve.busy.title", lang=lang) if key.startswith("serve.busy") else \
        t("serve.page.title", lang=lang)
    body = [f"<h1>{html.escape(title)}</h1>",
            f'<p class="kt-notice" data-key="{html.escape(key)}">'
            f"{html.escape(t(key, lang=lang))}</p>"]
    if retry:
        body.append(f'<a class="kt-go" href="{html.escape(retry)}">'
                    f"{html.escape(t('serve.busy.retry', lang=lang))}</a>")
    body.append(f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _page(title, "".join(body), lang=lang)


def pin_reset_section(lang: str, *, xsrf_field: str, key: str = "") -> str:
    """The trainer's form to give one participant a new PIN (``POST /pelatih/pin``)."""
    query = f"?kunci={html.escape(key)}" if key else ""
    return (f'<section class="kt-pins"><h2>{html.escape(t("serve.pins.title", lang=lang))}</h2>'
            f'<p class="muted">{html.escape(t("serve.pins.intro", lang=lang))}</p>'
            f'<form method="post" action="/pelatih/pin{query}">{xsrf_field}'
            f'<label>{html.escape(t("serve.pins.code", lang=lang))} '
            '<input name="kode" autocomplete="off" required maxlength="32" '
            'style="font-size:18px;min-height:44px"></label> '
            f'<button type="submit" style="min-height:44px;font-size:17px">'
            f'{html.escape(t("serve.pins.reset", lang=lang))}</button></form></section>')


def pin_reset_result(message: str, lang: str, *, key: str = "") -> str:
    """After a reset: the new PIN, for the trainer to tell the participant in person."""
    back = "/pelatih" + (f"?kunci={html.escape(key)}" if key else "")
    body = (f"<h1>{html.escape(t('serve.pins.title', lang=lang))}</h1>"
            f'<p class="kt-url" data-result="pin">{html.escape(message)}</p>'
            f'<p><a href="{back}">{html.escape(t("serve.pins.back", lang=lang))}</a></p>')
    return _page(t("serve.pins.title", lang=lang), body, lang=lang)


def write_notice(handler: Any, status_code: int) -> None:
    """Any error of a tornado handler as a short page in the participant's language: no
    traceback, no path (every page of the workshop server uses this)."""
    key = "serve.not_found" if status_code in (403, 404, 405) else "serve.error"
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.finish(notice_page(key, get_language()))
