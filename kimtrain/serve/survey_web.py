"""The reaction survey on the workshop server: ``/survei``.

One page: the Likert statements (five big choices each), the open questions, then
the code and PIN (so each participant answers once a day). The answer is stored by
:func:`kimtrain.evaluation.survey_store.save_answer`, apart from the code, and
nothing about it is written to the server's log. A wrong PIN or a missing choice
shows the form again with what was already chosen and typed (as text).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from kimtrain.course.roster import load_roster
from kimtrain.errors import KimtrainError
from kimtrain.evaluation.survey import Survey, load_survey, survey_path
from kimtrain.evaluation.survey_store import AlreadyAnswered, clean_answer, save_answer
from kimtrain.i18n import get_language, t
from kimtrain.serve.attendance_web import _Page, form_css, identity_fields, message
from kimtrain.serve.identity import IdentityRefused, check_code_pin
from kimtrain.serve.pages import _page

__all__ = ["SurveyHandler", "survey_form"]

_SURVEY_CSS = """<style>
fieldset.kt-item{border:1px solid #d0d7de;border-radius:12px;background:#fff;margin:14px 0;
padding:10px 12px}fieldset.kt-item legend{font-weight:600;padding:0 4px}
fieldset.kt-item.missing{border:2px solid #cf222e}
fieldset.kt-item.missing:has(input:checked){border:1px solid #d0d7de}
</style>"""


def survey_form(survey: Survey, lang: str, *, note: str = "", code: str = "",
                scores: dict[str, str] | None = None, texts: dict[str, str] | None = None,
                missing: frozenset[str] = frozenset()) -> str:
    """The survey page (``scores``/``texts``: what was already filled in)."""
    scores, texts = scores or {}, texts or {}
    scale = survey.scale_in(lang)
    title = survey.title_in(lang)
    parts = [form_css(), _SURVEY_CSS, f"<h1>{html.escape(title)}</h1>"]
    if survey.intro_in(lang):
        parts.append(f'<p class="muted" data-role="intro">{html.escape(survey.intro_in(lang))}</p>')
    parts.append(note)
    fields = []
    for number, item in enumerate(survey.items, 1):
        choices = "".join(
            f'<label class="kt-choice"><input type="radio" name="skor_{item.id}" '
            f'value="{value}"{" checked" if scores.get(item.id) == str(value) else ""}>'
            f"<span>{value} · {html.escape(label)}</span></label>"
            for value, label in sorted(scale.items()))
        css = "kt-item missing" if item.id in missing else "kt-item"
        fields.append(f'<fieldset class="{css}" data-item="{item.id}"><legend>{number}. '
                      f"{html.escape(item.shown(lang))}</legend>{choices}</fieldset>")
    for question in survey.open:
        fields.append(f'<label for="kt-{question.id}">{html.escape(question.shown(lang))}</label>'
                      f'<textarea id="kt-{question.id}" name="teks_{question.id}" '
                      f'maxlength="1000" data-question="{question.id}">'
                      f"{html.escape(texts.get(question.id, ''))}</textarea>")
    parts.append(
        '<form class="kt-form" method="post" action="/survei" data-form="survei">'
        + "".join(fields)
        + f'<p class="muted">{html.escape(t("survey.form.identity", lang=lang))}</p>'
        + identity_fields(lang, code)
        + f'<button type="submit">{html.escape(t("survey.form.submit", lang=lang))}</button>'
        "</form>"
        + f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _page(title, "".join(parts), lang=lang)


class SurveyHandler(_Page):
    """``/survei``: today's reaction survey."""

    def _survey(self) -> Survey | None:
        try:
            return load_survey(survey_path(self.server.workshop.course.root))
        except KimtrainError:
            return None

    def _broken(self) -> None:
        lang = get_language()
        title = t("survey.form.title", lang=lang)
        self.write(_page(title, f"<h1>{html.escape(title)}</h1>"
                         + message(t("survey.form.broken", lang=lang), False), lang=lang))

    def get(self) -> None:
        survey = self._survey()
        if survey is None:
            self._broken()
            return
        self.write(survey_form(survey, get_language()))

    def post(self) -> None:
        survey = self._survey()
        if survey is None:
            self._broken()
            return
        lang = get_language()
        code = self.get_body_argument("kode", "").strip()[:32]
        pin = self.get_body_argument("pin", "")[:64]
        scores = {i.id: self.get_body_argument(f"skor_{i.id}", "")[:2] for i in survey.items}
        texts = {q.id: self.get_body_argument(f"teks_{q.id}", "")[:2000] for q in survey.open}
        answer = clean_answer(survey, scores, texts)
        missing = frozenset(k for k, v in answer.scores.items() if v is None)

        def again(text: str) -> None:
            self.write(survey_form(survey, lang, note=message(text, False), code=code,
                                   scores=scores, texts=texts, missing=missing))

        if missing:
            again(t("survey.form.missing", lang=lang, count=len(missing)))
            return
        roster = load_roster(self.server.workshop.course)
        if not roster:
            again(t("attendance.form.no_roster", lang=lang))
            return
        root = self.server.workshop.course.root
        try:
            person: Any = check_code_pin(root, code, pin, client=self.request.remote_ip or "?",
                                         roster=roster)
            save_answer(root, date.today(), person.id, answer)
        except (IdentityRefused, AlreadyAnswered) as exc:
            again(str(exc))
            return
        # Nothing about this answer goes to the log: not the code, not the time.
        title = t("survey.form.title", lang=lang)
        body = (form_css() + f"<h1>{html.escape(title)}</h1>"
                + message(t("survey.form.thanks", lang=lang), True)
                + f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
        self.write(_page(title, body, lang=lang))
