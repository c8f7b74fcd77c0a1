"""Attendance on the workshop server: ``/hadir`` for phones, a section on ``/pelatih``.

A participant opens ``/hadir``, picks the session (the one running now is chosen
already), types the code and PIN from their card and taps *Saya hadir*; the check
is :func:`kimtrain.serve.identity.check_code_pin`, with its limits on wrong PINs.
The trainer sees who is present on ``/pelatih`` (refreshed every ten seconds) and
marks someone without a phone present by hand (``POST /pelatih/hadir``, with the
trainer's key like the PIN reset). Plain forms, no kernel, no cookie: nothing on
the phone remembers the PIN.
"""

from __future__ import annotations

import html
import logging
import secrets
from datetime import date, datetime
from typing import Any

import tornado.web

from kimtrain.course.roster import Participant, load_roster
from kimtrain.errors import KimtrainError
from kimtrain.evaluation.attendance import Plan, Session, load_plan, mark_present, read_day
from kimtrain.i18n import get_language, t
from kimtrain.serve.identity import IdentityRefused, check_code_pin
from kimtrain.serve.identity_pages import write_notice
from kimtrain.serve.pages import _page

__all__ = ["AttendanceHandler", "TrainerAttendanceHandler", "attendance_section",
           "current_session", "evaluation_links", "form_css", "identity_fields",
           "trainer_allowed"]

log = logging.getLogger("kimtrain.serve")
_LOOPBACK = {"127.0.0.1", "::1"}

FORM_CSS = """
form.kt-form label{display:block;margin:12px 0 4px;font-weight:600}
form.kt-form input[type=text],form.kt-form input[type=password],form.kt-form select,
form.kt-form textarea{width:100%;font-size:18px;min-height:48px;padding:8px 10px;
border:1px solid #8c959f;border-radius:8px;background:#fff;font-family:inherit}
form.kt-form textarea{min-height:96px}
form.kt-form button{display:block;width:100%;min-height:56px;margin:18px 0;border:0;
border-radius:12px;background:#0b6e4f;color:#fff;font-size:19px;font-weight:700}
form.kt-form label.kt-choice,.kt-choice{display:flex;align-items:center;gap:10px;
min-height:48px;margin:6px 0;padding:8px 12px;border:1px solid #c9d1d9;border-radius:10px;
background:#fff;font-weight:400}
form.kt-form label.kt-choice:has(input:checked){border:2px solid #0b6e4f;background:#eaf6f0}
.kt-choice input{width:24px;height:24px;flex:none}
.kt-msg{padding:10px 12px;border-radius:10px;margin:12px 0;font-weight:600}
.kt-msg.err{background:#ffebe9;color:#82071e;border:1px solid #ff8182}
.kt-msg.ok{background:#dafbe1;color:#0b6e4f;border:1px solid #4ac26b}
"""


def form_css() -> str:
    return f"<style>{FORM_CSS}</style>"


def identity_fields(lang: str, code: str = "") -> str:
    """The code and PIN inputs (the PIN never filled back in)."""
    return (f'<label for="kt-kode">{html.escape(t("attendance.form.code", lang=lang))}</label>'
            f'<input type="text" id="kt-kode" name="kode" value="{html.escape(code)}" '
            'autocomplete="off" autocapitalize="characters" required maxlength="32">'
            f'<label for="kt-pin">{html.escape(t("attendance.form.pin", lang=lang))}</label>'
            '<input type="password" id="kt-pin" name="pin" inputmode="numeric" '
            'autocomplete="off" required maxlength="32">')


def message(text: str, ok: bool) -> str:
    return (f'<p class="kt-msg {"ok" if ok else "err"}" role="status" '
            f'data-result="{"ok" if ok else "error"}">{html.escape(text)}</p>')


def trainer_allowed(handler: tornado.web.RequestHandler, trainer_key: str) -> bool:
    key = handler.get_query_argument("kunci", "")
    return (handler.request.remote_ip in _LOOPBACK
            or (bool(key) and secrets.compare_digest(key, trainer_key)))


def current_session(sessions: list[Session], now: datetime) -> Session | None:
    """The session running at ``now``, else the next one, else the last of the day."""
    clock = now.strftime("%H.%M")
    for session in sessions:
        if session.start and session.start <= clock < (session.end or "24.00"):
            return session
    later = [s for s in sessions if s.start and s.start > clock]
    return later[0] if later else (sessions[-1] if sessions else None)


def _plan(handler: Any) -> Plan:
    workshop = handler.server.workshop
    return load_plan(workshop.course.root, workshop.course.course_id)


def _roster(handler: Any) -> list[Participant]:
    return load_roster(handler.server.workshop.course)


class _Page(tornado.web.RequestHandler):
    def initialize(self, server: Any) -> None:
        self.server = server

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


class AttendanceHandler(_Page):
    """``/hadir``: a participant signs in for a session of today."""

    def _form(self, *, note: str = "", code: str = "", chosen: str | None = None) -> str:
        lang = get_language()
        title = t("attendance.form.title", lang=lang)
        try:
            plan = _plan(self)
        except KimtrainError as exc:  # a broken sesi.yaml: the trainer must fix it
            log.warning("sesi.yaml: %s", exc)
            return _page(title, f"<h1>{html.escape(title)}</h1>"
                         + message(t("attendance.form.plan_broken", lang=lang), False),
                         lang=lang)
        today = plan.day(date.today())
        parts = [form_css(), f"<h1>{html.escape(title)}</h1>",
                 f'<p class="muted">{html.escape(plan.activity)}</p>', note]
        if today is None or not today.sessions:
            parts.append(message(t("attendance.form.no_session", lang=lang), False))
            parts.append(f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
            return _page(title, "".join(parts), lang=lang)
        default = chosen or (s.key if (s := current_session(today.sessions, datetime.now()))
                             else "")
        choices = "".join(
            f'<label class="kt-choice"><input type="radio" name="sesi" '
            f'value="{html.escape(s.key)}"{" checked" if s.key == default else ""} required>'
            f"<span>{html.escape(s.label(lang))}</span></label>" for s in today.sessions)
        parts.append(
            f'<form class="kt-form" method="post" action="/hadir" data-form="hadir">'
            f'<p>{html.escape(t("attendance.form.intro", lang=lang))}</p>'
            f'<fieldset style="border:0;padding:0"><legend style="font-weight:600">'
            f'{html.escape(t("attendance.form.session", lang=lang))}</legend>{choices}'
            f"</fieldset>{identity_fields(lang, code)}"
            f'<button type="submit">{html.escape(t("attendance.form.submit", lang=lang))}'
            "</button></form>"
            f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
        return _page(title, "".join(parts), lang=lang)

    def get(self) -> None:
        self.write(self._form())

    def post(self) -> None:
        lang = get_language()
        code = self.get_body_argument("kode", "").strip()[:32]
        pin = self.get_body_argument("pin", "")[:64]
        key = self.get_body_argument("sesi", "")[:64]
        try:
            plan = _plan(self)
        except KimtrainError:
            self.write(self._form())
            return
        session = plan.session(key)
        if session is None or session.day != date.today():
            self.write(self._form(note=message(t("attendance.form.pick", lang=lang), False),
                                  code=code))
            return
        roster = _roster(self)
        if not roster:
            self.write(self._form(note=message(t("attendance.form.no_roster", lang=lang),
                                               False), code=code, chosen=key))
            return
        try:
            person = check_code_pin(self.server.workshop.course.root, code, pin,
                                    client=self.request.remote_ip or "?", roster=roster)
        except IdentityRefused as exc:
            self.write(self._form(note=message(str(exc), False), code=code, chosen=key))
            return
        mark, new = mark_present(self.server.workshop.course.root, session, person.id)
        log.info("attendance: %s present at %s", person.id, session.key)
        words = "attendance.form.done" if new else "attendance.form.already"
        text = t(words, lang=lang, nama=person.nama, session=session.label(lang),
                 time=mark.time[:5].replace(":", "."))
        title = t("attendance.form.title", lang=lang)
        body = (form_css() + f"<h1>{html.escape(title)}</h1>" + message(text, True)
                + f'<a class="kt-go" href="/survei">{html.escape(t("survey.link", lang=lang))}'
                "</a>"
                + f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
        self.write(_page(title, body, lang=lang))


def attendance_section(workshop: Any, lang: str, *, token: str, key: str = "") -> str:
    """The trainer's view of today: who is present at each session, and the form to
    mark someone present by hand."""
    title = t("attendance.trainer.title", lang=lang)
    try:
        plan = load_plan(workshop.course.root, workshop.course.course_id)
    except KimtrainError as exc:
        return (f'<section class="kt-hadir"><h2>{html.escape(title)}</h2>'
                f'<p class="kt-notice">{html.escape(str(exc))}</p></section>')
    today = plan.day(date.today())
    if today is None or not today.sessions:
        return (f'<section class="kt-hadir"><h2>{html.escape(title)}</h2><p>'
                f'{html.escape(t("attendance.form.no_session", lang=lang))}</p></section>')
    roster = load_roster(workshop.course)
    marks = {(m.session, m.participant): m for m in read_day(workshop.course.root, today.day)}
    counts = "".join(
        f'<div data-session="{html.escape(s.key)}"><b>'
        f'{sum(1 for p in roster if (s.key, p.id) in marks)}</b>'
        f"{html.escape(s.label(lang))}</div>" for s in today.sessions)
    from kimtrain.evaluation.survey_store import answered

    surveyed = len(answered(workshop.course.root, today.day))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in (
        t("serve.trainer.col.code", lang=lang), t("serve.trainer.col.name", lang=lang),
        t("serve.trainer.col.kim", lang=lang),
        *(s.label(lang) for s in today.sessions)))
    rows = []
    for person in roster:
        cells = [person.id, person.nama, person.kim]
        for s in today.sessions:
            m = marks.get((s.key, person.id))
            cells.append("" if m is None else
                         f"{m.time[:5].replace(':', '.')} "
                         f"{t(f'attendance.via.{m.via}', lang=lang)}")
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        rows.append(f'<tr data-hadir="{html.escape(person.id)}">{tds}</tr>')
    query = f"?kunci={html.escape(key)}" if key else ""
    options = "".join(f'<option value="{html.escape(s.key)}">{html.escape(s.label(lang))}'
                      "</option>" for s in today.sessions)
    current = current_session(today.sessions, datetime.now())
    if current is not None:
        options = options.replace(f'value="{html.escape(current.key)}"',
                                  f'value="{html.escape(current.key)}" selected', 1)
    form = (f'<form method="post" action="/pelatih/hadir{query}" data-form="hadir-manual">'
            f'<input type="hidden" name="token" value="{html.escape(token)}">'
            f'<label>{html.escape(t("serve.pins.code", lang=lang))} <input name="kode" '
            'autocomplete="off" required maxlength="32" style="font-size:18px;min-height:44px">'
            f'</label> <select name="sesi" style="font-size:17px;min-height:44px">{options}'
            f'</select> <button type="submit" style="min-height:44px;font-size:17px">'
            f'{html.escape(t("attendance.trainer.mark", lang=lang))}</button></form>')
    return (f'<section class="kt-hadir" data-date="{today.day.isoformat()}">'
            f"<h2>{html.escape(title)}</h2>"
            f'<p class="muted">{html.escape(t("attendance.trainer.intro", lang=lang))}</p>'
            f'<div class="kt-counts">{counts}<div data-survey="{surveyed}"><b>{surveyed}</b>'
            f'{html.escape(t("survey.trainer.count", lang=lang))}</div></div>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f'<p class="muted">{html.escape(t("attendance.trainer.manual", lang=lang))}</p>'
            f"{form}</section>")


class TrainerAttendanceHandler(_Page):
    """``POST /pelatih/hadir``: the trainer marks a participant present (no phone)."""

    def post(self) -> None:
        token = self.get_body_argument("token", "")
        if not (trainer_allowed(self, self.server.trainer_key)
                and secrets.compare_digest(token, self.server.trainer_key)):
            raise tornado.web.HTTPError(403)
        lang = get_language()
        code = self.get_body_argument("kode", "").strip().upper()[:32]
        key = self.get_body_argument("sesi", "")[:64]
        plan = _plan(self)
        session = plan.session(key)
        people = {p.id.upper(): p for p in _roster(self)}
        person = people.get(code)
        if session is None:
            text, ok = t("attendance.form.pick", lang=lang), False
        elif person is None:
            text, ok = t("serve.pins.unknown", lang=lang, code=code), False
        else:
            mark, new = mark_present(self.server.workshop.course.root, session, person.id,
                                     via="pelatih")
            log.info("attendance: %s marked present at %s by the trainer", person.id,
                     session.key)
            text = t("attendance.trainer.done" if new else "attendance.form.already",
                     lang=lang, nama=person.nama, session=session.label(lang),
                     time=mark.time[:5].replace(":", "."))
            ok = True
        back = "/pelatih" + (f"?kunci={html.escape(self.get_query_argument('kunci', ''))}"
                             if self.get_query_argument("kunci", "") else "")
        title = t("attendance.trainer.title", lang=lang)
        body = (form_css() + f"<h1>{html.escape(title)}</h1>" + message(text, ok)
                + f'<p><a href="{back}">{html.escape(t("serve.pins.back", lang=lang))}</a></p>')
        self.write(_page(title, body, lang=lang))


def evaluation_links(lang: str) -> str:
    """The start page's buttons to sign in for attendance and to answer the survey."""
    return ("<style>a.kt-go.kt-eval{background:#fff;color:#0b6e4f;border:2px solid #0b6e4f}"
            "</style>"
            f"<h2>{html.escape(t('attendance.links.title', lang=lang))}</h2>"
            f'<a class="kt-go kt-eval" href="/hadir" data-link="hadir">'
            f"{html.escape(t('attendance.links.hadir', lang=lang))}"
            f"<span>{html.escape(t('attendance.links.hadir_sub', lang=lang))}</span></a>"
            f'<a class="kt-go kt-eval" href="/survei" data-link="survei">'
            f"{html.escape(t('survey.link', lang=lang))}"
            f"<span>{html.escape(t('survey.link_sub', lang=lang))}</span></a>")
