"""``/tindak-lanjut``: participants hand in their follow-up tasks on the next visit's server.

One phone form: participant code and PIN (the one check of
:mod:`kimtrain.serve.identity`, with its wrong-PIN limits), then per task of the
course's task set (:mod:`kimtrain.evaluation.followup`) a text box and a screenshot
field. The server checks everything (identity, text length, image type from its
bytes, size) before anything is stored, and answers with what it received: the
texts and the screenshots' original names, escaped (shown as text, never markup).
The screenshots themselves are never served back.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

import tornado.web

from kimtrain.evaluation.followup import (
    MAX_IMAGE_BYTES,
    MAX_TEXT,
    HandIn,
    HandInRefused,
    TaskSet,
    load_taskset,
    store_handin,
)
from kimtrain.i18n import get_language, t
from kimtrain.serve.identity import IdentityRefused, check_code_pin
from kimtrain.serve.identity_pages import notice_page, write_notice
from kimtrain.serve.results_handlers import CSP
from kimtrain.serve.results_pages import _styled

__all__ = ["FollowUpHandler", "followup_form", "followup_received"]

log = logging.getLogger("kimtrain.serve")
_ACCEPT = "image/png,image/jpeg,image/webp"


def followup_form(taskset: TaskSet, lang: str, *, xsrf: str, error: str = "", code: str = "",
                  texts: Mapping[str, str] | None = None) -> str:
    """The hand-in form (multipart): code, PIN, then a text and a screenshot per task."""
    texts = texts or {}
    title = t("evfu.form.title", lang=lang)
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="muted">{html.escape(taskset.heading(lang))}</p>',
             f"<p>{html.escape(t('evfu.form.intro', lang=lang, days=taskset.days))}</p>"]
    if error:
        parts.append(f'<p class="kt-error" role="alert">{html.escape(error)}</p>')
    fields = [xsrf,
              f'<label for="kode">{html.escape(t("evres.signin.code", lang=lang))}</label>'
              f'<input type="text" id="kode" name="kode" required maxlength="32" '
              f'autocomplete="off" autocapitalize="characters" value="{html.escape(code)}">'
              f'<label for="pin">{html.escape(t("evres.signin.pin", lang=lang))}</label>'
              '<input type="password" id="pin" name="pin" required maxlength="32" '
              'inputmode="numeric" autocomplete="off">']
    limit = MAX_IMAGE_BYTES // (1024 * 1024)
    for task in taskset.tasks:
        tid = html.escape(task.id)
        fields.append(
            f'<div class="kt-card" data-task="{tid}">'
            f"<h2>{html.escape(task.text('skill', lang))}</h2>"
            f'<p style="white-space:pre-line">{html.escape(task.text("prompt", lang))}</p>'
            f'<label for="teks-{tid}">{html.escape(t("evfu.form.text", lang=lang))}</label>'
            f'<textarea id="teks-{tid}" name="teks-{tid}" rows="6" maxlength="{MAX_TEXT}">'
            f"{html.escape(texts.get(task.id, ''))}</textarea>"
            f'<label for="gambar-{tid}">{html.escape(t("evfu.form.image", lang=lang))}</label>'
            f'<input type="file" id="gambar-{tid}" name="gambar-{tid}" accept="{_ACCEPT}">'
            f'<p class="muted">{html.escape(t("evfu.form.image_hint", lang=lang, limit=limit))}'
            "</p></div>")
    fields.append(f'<p><button type="submit" class="kt-go">'
                  f'{html.escape(t("evfu.form.send", lang=lang))}</button></p>')
    parts.append('<form method="post" action="/tindak-lanjut" enctype="multipart/form-data" '
                 f'class="kt-followup">{"".join(fields)}</form>')
    parts.append(f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _styled(title, "".join(parts), lang)


def followup_received(taskset: TaskSet, handin: HandIn, lang: str, *, name: str = "") -> str:
    """What the server now keeps for this participant, every value as text."""
    title = t("evfu.done.title", lang=lang)
    who = handin.participant + (f" — {name}" if name else "")
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="kt-who">{html.escape(who)}</p>',
             f"<p>{html.escape(t('evfu.done.intro', lang=lang))}</p>"]
    for task in taskset.tasks:
        entry = handin.tasks.get(task.id)
        if entry is None:
            body = f'<p class="muted">{html.escape(t("evfu.done.nothing", lang=lang))}</p>'
        else:
            image = (t("evfu.done.image", lang=lang, name=entry.image_name)
                     if entry.image else t("evfu.done.no_image", lang=lang))
            body = (f'<p class="kt-text" style="white-space:pre-wrap">{html.escape(entry.text)}'
                    f'</p><p class="muted kt-image">{html.escape(image)}</p>')
        parts.append(f'<div class="kt-card" data-task="{html.escape(task.id)}">'
                     f"<h2>{html.escape(task.text('skill', lang))}</h2>{body}</div>")
    parts.append(f'<p><a class="kt-go" href="/tindak-lanjut">'
                 f'{html.escape(t("evfu.done.again", lang=lang))}</a></p>'
                 f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _styled(title, "".join(parts), lang)


class FollowUpHandler(tornado.web.RequestHandler):
    """``GET``: the form; ``POST``: check code + PIN and every file, then store."""

    def initialize(self, server: Any) -> None:
        self.server = server

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", CSP)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)

    def _taskset(self) -> TaskSet | None:
        try:
            return load_taskset(self.server.workshop.course)
        except Exception as exc:  # a broken file is the trainer's to fix, not a crash
            log.warning("follow-up task set unreadable: %s", exc)
            return None

    def _html(self, page: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)

    def get(self) -> None:
        taskset = self._taskset()
        if taskset is None:
            self._html(notice_page("evfu.form.none", get_language()))
            return
        self._html(followup_form(taskset, get_language(), xsrf=self.xsrf_form_html()))

    def post(self) -> None:
        self.check_xsrf_cookie()
        lang = get_language()
        taskset = self._taskset()
        if taskset is None:
            self._html(notice_page("evfu.form.none", lang))
            return
        code = self.get_body_argument("kode", "")[:32].strip()
        texts = {task.id: self.get_body_argument(f"teks-{task.id}", "")[:MAX_TEXT + 1]
                 for task in taskset.tasks}

        def again(message: str, status: int) -> None:
            self.set_status(status)
            self._html(followup_form(taskset, lang, xsrf=self.xsrf_form_html(), error=message,
                                     code=code, texts=texts))

        try:
            person = check_code_pin(self.server.workshop.course.root, code,
                                    self.get_body_argument("pin", "")[:64],
                                    client=self.request.remote_ip or "?")
        except IdentityRefused as refused:
            again(str(refused), 403 if refused.key == "identity.wrong" else 429)
            return
        if person is None:
            again(t("evres.no_roster", lang=lang), 403)
            return
        parts: dict[str, tuple[str, bytes | None, str]] = {}
        for task in taskset.tasks:
            files = self.request.files.get(f"gambar-{task.id}") or []
            upload = next((f for f in files if f.body), None)
            parts[task.id] = (texts[task.id], upload.body if upload else None,
                              upload.filename if upload else "")
        try:
            handin = store_handin(self.server.workshop.course, person.id, parts,
                                  channel="server", taskset=taskset)
        except HandInRefused as refused:
            again(str(refused), 400)
            return
        log.info("follow-up handed in by %s", person.id)
        self._html(followup_received(taskset, handin, lang, name=person.nama))
