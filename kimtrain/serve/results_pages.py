"""The pages of "Hasil Anda" (``/hasil``): sign in with code + PIN, then one's own results.

Plain HTML with inline CSS, like the rest of the server's pages; every text through
:func:`kimtrain.i18n.t`, every value escaped. The handlers are in
:mod:`kimtrain.serve.results_handlers`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from kimtrain.evaluation.results import CertificateNote
from kimtrain.i18n import t
from kimtrain.serve.pages import _page

__all__ = ["feedback_bar", "followup_link", "results_link", "results_page", "sign_in_page",
           "trainer_results_section"]

_FORM_CSS = (
    "label{display:block;margin:10px 0 4px;font-weight:600}"
    "input[type=text],input[type=password],input[inputmode],textarea{width:100%;"
    "font-size:18px;min-height:48px;padding:8px 10px;border:1px solid #8c959f;"
    "border-radius:8px}"
    "button.kt-go,a.kt-go{width:100%;border:0;cursor:pointer;text-align:center}"
    ".kt-error{background:#fde2e1;color:#9b1c1c;border-radius:8px;padding:10px 12px}"
    ".kt-empty{background:#fff3cd;color:#7a5a00;border-radius:8px;padding:10px 12px}"
    ".kt-card{background:#fff;border:1px solid #c9d1d9;border-radius:12px;padding:12px;"
    "margin:12px 0}.kt-code{font-size:24px;font-weight:700;letter-spacing:1px}"
    "a.kt-save{background:#fff;color:#0b6e4f;border:2px solid #0b6e4f}"
    "button.kt-out{background:none;border:0;color:#0b6e4f;text-decoration:underline;"
    "font-size:16px;padding:8px 0;min-height:44px}"
)


def _styled(title: str, body: str, lang: str) -> str:
    page = _page(title, body, lang=lang)
    return page.replace("</style>", _FORM_CSS + "</style>", 1)


def sign_in_page(lang: str, *, xsrf: str, action: str = "/hasil", error: str = "",
                 code: str = "", intro_key: str = "evres.signin.intro") -> str:
    """The form: participant code and PIN (the PIN field shows digits on a phone)."""
    title = t("evres.title", lang=lang)
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>{html.escape(t(intro_key, lang=lang))}</p>"]
    if error:
        parts.append(f'<p class="kt-error" role="alert">{html.escape(error)}</p>')
    parts.append(
        f'<form method="post" action="{html.escape(action)}" class="kt-signin">{xsrf}'
        f'<label for="kode">{html.escape(t("evres.signin.code", lang=lang))}</label>'
        f'<input type="text" id="kode" name="kode" required maxlength="32" autocomplete="off"'
        f' autocapitalize="characters" value="{html.escape(code)}">'
        f'<label for="pin">{html.escape(t("evres.signin.pin", lang=lang))}</label>'
        '<input type="password" id="pin" name="pin" required maxlength="32" inputmode="numeric"'
        ' autocomplete="off">'
        f'<p><button type="submit" class="kt-go">{html.escape(t("evres.signin.go", lang=lang))}'
        "</button></p></form>")
    parts.append(f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _styled(title, "".join(parts), lang)


def results_page(lang: str, *, participant: str, name: str, pages: Sequence[tuple[str, str]],
                 certificates: Sequence[CertificateNote], xsrf: str) -> str:
    """A signed-in participant's own results: each released page (open, save) and the
    certificate's verification code. ``pages``: (assessment, title)."""
    title = t("evres.title", lang=lang)
    who = participant + (f" — {name}" if name else "")
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="kt-who" data-participant="{html.escape(participant)}">'
             f"{html.escape(who)}</p>"]
    if not pages:
        parts.append(f'<p class="kt-empty" data-state="not-released">'
                     f'{html.escape(t("evres.not_released", lang=lang))}</p>')
    for assessment, heading in pages:
        parts.append(
            f'<div class="kt-card" data-feedback="{html.escape(assessment)}">'
            f"<h2>{html.escape(heading)}</h2>"
            f'<a class="kt-go" href="/hasil/{html.escape(assessment)}">'
            f'{html.escape(t("evres.open", lang=lang))}</a>'
            f'<a class="kt-go kt-save" href="/hasil/{html.escape(assessment)}/unduh" download>'
            f'{html.escape(t("evres.save", lang=lang))}'
            f'<span>{html.escape(t("evres.save_hint", lang=lang))}</span></a></div>')
    if pages:
        for cert in certificates:
            parts.append(
                f'<div class="kt-card kt-cert" data-form="{html.escape(cert.form)}">'
                f"<h2>{html.escape(t('evres.cert.title', lang=lang))}</h2>"
                f"<p>{html.escape(t('evres.cert.intro', lang=lang))}</p>"
                f'<p class="kt-code">{html.escape(cert.code)}</p>'
                + (f'<a class="kt-go kt-save" href="/hasil/sertifikat/{html.escape(cert.form)}"'
                   f' download>{html.escape(t("evres.cert.save", lang=lang))}</a>'
                   if cert.file else "") + "</div>")
    out = html.escape(t("evres.sign_out", lang=lang))
    parts.append(f'<form method="post" action="/hasil/keluar">{xsrf}'
                 f'<button class="kt-out" type="submit">{out}</button></form>')
    parts.append(f'<p><a href="/">{html.escape(t("serve.page.back", lang=lang))}</a></p>')
    return _styled(title, "".join(parts), lang)


def feedback_bar(document: str, assessment: str, lang: str) -> str:
    """The feedback page as shown on the server: a bar on top to save it or go back.
    The saved file is the page without the bar (self-contained, works offline)."""
    bar = ('<nav class="kt-bar" style="position:sticky;top:0;background:#0b6e4f;padding:8px;'
           'display:flex;gap:8px;justify-content:space-between;z-index:2">'
           f'<a href="/hasil" style="color:#fff;font-weight:700;padding:10px">'
           f'{html.escape(t("evres.back", lang=lang))}</a>'
           f'<a class="kt-save" href="/hasil/{html.escape(assessment)}/unduh" download '
           'style="color:#0b6e4f;background:#fff;border-radius:8px;padding:10px 14px;'
           f'font-weight:700;text-decoration:none">{html.escape(t("evres.save", lang=lang))}'
           "</a></nav>")
    return document.replace("<body>", "<body>" + bar, 1)


def results_link(lang: str) -> str:
    """The start page's button to "Hasil Anda" (only while something is released)."""
    return (f"<h2>{html.escape(t('evres.title', lang=lang))}</h2>"
            f'<a class="kt-go kt-module" data-link="hasil" href="/hasil">'
            f'{html.escape(t("evres.landing", lang=lang))}</a>')


def followup_link(lang: str) -> str:
    """The start page's button to the follow-up hand-in form."""
    return (f"<h2>{html.escape(t('evfu.form.title', lang=lang))}</h2>"
            f'<a class="kt-go kt-module" data-link="tindak-lanjut" href="/tindak-lanjut">'
            f'{html.escape(t("evfu.landing", lang=lang))}</a>')


def trainer_results_section(lang: str, released: Sequence[str], generated: Sequence[str],
                            followup: tuple[int, int] | None) -> str:
    """On ``/pelatih``: which feedback phones can see, and follow-up hand-ins so far."""
    rows = []
    for name in generated:
        state = "released" if name in released else "generated"
        label = t(f"evres.trainer.{state}", lang=lang)
        rows.append(f'<tr data-feedback="{html.escape(name)}" data-state="{state}">'
                    f"<td>{html.escape(name)}</td><td>{html.escape(label)}</td></tr>")
    table = (f"<table><tbody>{''.join(rows)}</tbody></table>" if rows else
             f'<p class="muted">{html.escape(t("evres.trainer.none", lang=lang))}</p>')
    extra = ""
    if followup is not None:
        extra = (f'<p data-followup="{followup[0]}">'
                 f'{html.escape(t("evfu.trainer.count", lang=lang, count=followup[0], total=followup[1]))}'  # noqa: E501
                 "</p>")
    return (f'<section class="kt-results"><h2>{html.escape(t("evres.trainer.title", lang=lang))}'
            f'</h2><p class="muted">{html.escape(t("evres.trainer.intro", lang=lang))}</p>'
            f"{table}{extra}</section>")
