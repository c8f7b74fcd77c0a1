"""``/hasil``: a participant's own feedback and certificate code on the workshop server.

Sign-in is the one code + PIN check of :mod:`kimtrain.serve.identity` (the same
wrong-PIN limits per code and per phone). A good pair sets a signed, HTTP-only cookie
(``kt_hasil``, two hours, this server's ``cookie_secret``) naming the roster code and
a fingerprint of the PIN, so a PIN reset signs the old card out. Every page is then
built from that code alone: the participant's own page of each *released* assessment
(:func:`kimtrain.evaluation.results.feedback_for`), saved with one tap as the same
self-contained HTML file, and the verification code of a certificate they earned.
Forms carry Tornado's XSRF token, checked explicitly (the server does not turn it on
globally, the trainer's forms use their own key).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any

import tornado.web

from kimtrain.evaluation.results import certificate_for, feedback_for, released
from kimtrain.i18n import get_language, t
from kimtrain.serve.identity import IdentityRefused, check_code_pin, load_pins
from kimtrain.serve.identity_pages import write_notice
from kimtrain.serve.results_pages import feedback_bar, results_page, sign_in_page

__all__ = ["landing_extra", "results_handlers", "trainer_extra"]

COOKIE = "kt_hasil"
# No script, nothing from elsewhere: the pages are inline CSS and forms to this server.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HOURS = 2
log = logging.getLogger("kimtrain.serve")


def _title(course: Any, assessment: str) -> str:
    from kimtrain.assessment.manifest import load_manifest

    try:
        manifest = load_manifest(course.source_dir(assessment), assessment)
    except Exception:  # no manifest: the name will do
        return assessment
    if get_language() == "en":
        return str(manifest.get("en", {}).get("title") or manifest.get("title") or assessment)
    return str(manifest.get("title") or assessment)


class _ResultsBase(tornado.web.RequestHandler):
    def initialize(self, server: Any) -> None:
        self.server = server

    @property
    def course(self) -> Any:
        return self.server.workshop.course

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("Referrer-Policy", "no-referrer")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)

    def _fingerprint(self, code: str, pin: str) -> str:
        secret = self.settings.get("cookie_secret") or b""
        key = secret if isinstance(secret, bytes) else str(secret).encode()
        return hmac.new(key, f"{code}|{pin}".encode(), hashlib.sha256).hexdigest()[:16]

    def signed_in(self) -> str | None:
        """The roster code of this phone's participant, or None."""
        raw = self.get_signed_cookie(COOKIE, max_age_days=HOURS / 24)
        if not raw:
            return None
        code, _, mark = raw.decode("utf-8", "replace").partition(":")
        pin = load_pins(self.course.root).get(code)
        if pin is None or not hmac.compare_digest(mark, self._fingerprint(code, pin)):
            return None
        return code

    def html(self, page: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


class ResultsHandler(_ResultsBase):
    """``GET /hasil``: the sign-in form, or one's own results; ``POST``: sign in."""

    def get(self) -> None:
        code = self.signed_in()
        lang = get_language()
        if code is None:
            intro = ("evres.signin.intro" if released(self.course)
                     else "evres.signin.intro_none")
            self.html(sign_in_page(lang, xsrf=self.xsrf_form_html(), intro_key=intro))
            return
        from kimtrain.course.roster import load_roster

        names = {p.id: p.nama for p in load_roster(self.course)}
        pages = [(name, _title(self.course, name)) for name in feedback_for(self.course, code)]
        self.html(results_page(lang, participant=code, name=names.get(code, ""), pages=pages,
                               certificates=certificate_for(self.course, code),
                               xsrf=self.xsrf_form_html()))

    def post(self) -> None:
        self.check_xsrf_cookie()
        lang = get_language()
        code = self.get_body_argument("kode", "")[:32]
        pin = self.get_body_argument("pin", "")[:64]
        try:
            person = check_code_pin(self.course.root, code, pin,
                                    client=self.request.remote_ip or "?")
        except IdentityRefused as refused:
            self.set_status(403 if refused.key == "identity.wrong" else 429)
            self.html(sign_in_page(lang, xsrf=self.xsrf_form_html(), error=str(refused),
                                   code=code.strip()))
            return
        if person is None:  # no roster: nobody can be told apart
            self.set_status(403)
            self.html(sign_in_page(lang, xsrf=self.xsrf_form_html(),
                                   error=t("evres.no_roster", lang=lang)))
            return
        pid = person.id.upper()
        pin_now = load_pins(self.course.root).get(pid, "")
        self.set_signed_cookie(COOKIE, f"{pid}:{self._fingerprint(pid, pin_now)}",
                               expires_days=None, httponly=True, samesite="Strict",
                               path="/hasil")
        log.info("results opened by %s", pid)
        self.redirect("/hasil", status=303)


class SignOutHandler(_ResultsBase):
    def post(self) -> None:
        self.check_xsrf_cookie()
        self.clear_cookie(COOKIE, path="/hasil")
        self.redirect("/hasil", status=303)


class FeedbackHandler(_ResultsBase):
    """``GET /hasil/NAME``: one's own page; ``/hasil/NAME/unduh``: the same, to keep."""

    def get(self, assessment: str, download: str | None = None) -> None:
        code = self.signed_in()
        if code is None:
            self.redirect("/hasil")
            return
        path = feedback_for(self.course, code).get(assessment)
        if path is None:
            raise tornado.web.HTTPError(404)
        document = path.read_text(encoding="utf-8")
        if download:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Content-Disposition",
                            f'attachment; filename="umpan-balik-{assessment}-{code}.html"')
            self.finish(document)
            return
        self.html(feedback_bar(document, assessment, get_language()))


class CertificateHandler(_ResultsBase):
    """``GET /hasil/sertifikat/FORM``: one's own certificate PDF."""

    def get(self, form: str) -> None:
        code = self.signed_in()
        if code is None:
            self.redirect("/hasil")
            return
        if not feedback_for(self.course, code):
            raise tornado.web.HTTPError(404)  # results not shared yet
        note = next((c for c in certificate_for(self.course, code) if c.form == form), None)
        if note is None or not note.file or not Path(note.file).is_file():
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition",
                        f'attachment; filename="sertifikat-{note.code}.pdf"')
        self.finish(Path(note.file).read_bytes())


def results_handlers(server: Any) -> list[tuple[str, type[tornado.web.RequestHandler],
                                                dict[str, Any]]]:
    """The routes of ``/hasil``, for :meth:`WorkshopServer.init_handlers`."""
    ours = {"server": server}
    name = r"([A-Za-z0-9][A-Za-z0-9_-]{0,63})"
    return [(r"/hasil", ResultsHandler, ours),
            (r"/hasil/keluar", SignOutHandler, ours),
            (rf"/hasil/sertifikat/{name}", CertificateHandler, ours),
            (rf"/hasil/{name}(/unduh)?", FeedbackHandler, ours)]


def landing_extra(course: Any) -> str:
    """The start page's links to "Hasil Anda" (once something is released) and to the
    follow-up form (when the course has a task set)."""
    from kimtrain.evaluation.followup import TASKSET_FILE
    from kimtrain.serve.results_pages import followup_link, results_link

    lang = get_language()
    parts = []
    if released(course):
        parts.append(results_link(lang))
    if (course.root / TASKSET_FILE).exists():
        parts.append(followup_link(lang))
    return "".join(parts)


def trainer_extra(course: Any, lang: str) -> str:
    """``/pelatih``: which feedback is generated, which released; follow-up hand-ins."""
    from kimtrain.course.roster import load_roster
    from kimtrain.evaluation.followup import TASKSET_FILE, load_handins
    from kimtrain.evaluation.results import SEND_FOLDER
    from kimtrain.serve.results_pages import trainer_results_section

    root = course.root / SEND_FOLDER
    generated = sorted(p.name for p in root.iterdir()
                       if p.is_dir() and any(p.glob("*.html"))) if root.is_dir() else []
    followup = None
    if (course.root / TASKSET_FILE).exists():
        followup = (len(load_handins(course)), len(load_roster(course)))
    return trainer_results_section(lang, [r.assessment for r in released(course)], generated,
                                   followup)
