"""The server's own pages: the participants' start page and the trainer's page.

Plain HTML with inline CSS and inline SVG (the QR code): nothing is loaded from
anywhere, so the pages work in a room without internet. Every text goes through
:func:`kimtrain.i18n.t`.
"""

from __future__ import annotations

import html
from datetime import datetime

from kimtrain.i18n import t
from kimtrain.serve.network import qr_svg
from kimtrain.serve.status import AssessmentStatus
from kimtrain.serve.workshop import Workshop

__all__ = ["landing_page", "projector_page", "trainer_page"]

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,
sans-serif;font-size:17px;line-height:1.45;color:#1f2328;background:#f6f8fa}
main{max-width:760px;margin:0 auto;padding:16px}
main.wide{max-width:1200px}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:24px 0 8px}
p{margin:6px 0 12px}.muted{color:#57606a;font-size:15px}
a.kt-go{display:block;min-height:56px;margin:10px 0;padding:14px 16px;border-radius:12px;
background:#0b6e4f;color:#fff;text-decoration:none;font-weight:700;font-size:18px}
a.kt-go span{display:block;font-weight:400;font-size:15px;opacity:.9}
a.kt-go.kt-module{background:#fff;color:#0b6e4f;border:2px solid #0b6e4f}
.kt-qr{background:#fff;border:1px solid #c9d1d9;border-radius:12px;padding:12px;
text-align:center;margin-top:24px}.kt-qr svg{width:100%;max-width:260px;height:auto}
.kt-url{font-size:20px;font-weight:700;word-break:break-all}
.kt-counts{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0}
.kt-counts div{background:#fff;border:1px solid #c9d1d9;border-radius:10px;padding:8px 12px}
.kt-counts b{font-size:22px;display:block}
table{border-collapse:collapse;width:100%;background:#fff;font-size:15px}
th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}
tr[data-state=submitted] td.kt-state{color:#0b6e4f;font-weight:700}
tr[data-state=started] td.kt-state{color:#9a6700;font-weight:700}
tr[data-state=waiting] td.kt-state{color:#57606a}
.kt-top{display:grid;grid-template-columns:minmax(0,1fr) 280px;gap:16px;align-items:start}
@media (max-width:700px){.kt-top{grid-template-columns:1fr}}
"""


def _page(title: str, body: str, *, lang: str, refresh: int | None = None,
          wide: bool = False) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,">{meta}<title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>"
        f'<main class="{"wide" if wide else ""}">{body}</main></body></html>'
    )


def _qr_block(url: str, caption: str) -> str:
    return (f'<div class="kt-qr" data-url="{html.escape(url)}">{qr_svg(url)}'
            f'<p>{html.escape(caption)}</p><p class="kt-url">{html.escape(url)}</p></div>')


def landing_page(workshop: Workshop, own_url: str, lang: str, *,
                 links: dict[str, str] | None = None, extra: str = "") -> str:
    """The start page participants open: assessments and practice modules, big buttons.

    ``links``: the address of a test's page where it is not Voilà's (its light page);
    ``extra``: more sections before the QR code, such as attendance, the survey, "Hasil Anda"."""
    parts = [f"<h1>{html.escape(t('serve.page.title', lang=lang))}</h1>",
             f"<p>{html.escape(t('serve.page.intro', lang=lang))}</p>"]
    if workshop.assessments:
        parts.append(f"<h2>{html.escape(t('serve.page.assessments', lang=lang))}</h2>")
        for a in workshop.assessments:
            count = t("serve.page.items", lang=lang, count=a.items)
            parts.append(f'<a class="kt-go" data-assessment="{html.escape(a.name)}" '
                         f'href="{html.escape((links or {}).get(a.name, a.url))}">'
                         f"{html.escape(a.title)}"
                         f"<span>{html.escape(count)}</span></a>")
    if workshop.modules:
        parts.append(f"<h2>{html.escape(t('serve.page.modules', lang=lang))}</h2>")
        for m in workshop.modules:
            parts.append(f'<a class="kt-go kt-module" href="{html.escape(m.url)}">'
                         f"{html.escape(m.title)}</a>")
    parts.append(extra)
    parts.append(_qr_block(own_url, t("serve.page.share", lang=lang)))
    return _page(t("serve.page.title", lang=lang), "".join(parts), lang=lang)


def _clock(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H.%M")
    except ValueError:
        return iso


def _status_table(status: AssessmentStatus, lang: str) -> str:
    head = "".join(f"<th>{html.escape(t(f'serve.trainer.col.{c}', lang=lang))}</th>" for c in
                   ("code", "name", "kim", "state", "answered", "started", "submitted",
                    "nbgrader"))
    rows = []
    for r in status.rows:
        name = r.nama or t("serve.trainer.not_on_roster", lang=lang)
        cells = [r.participant, name, r.kim, t(f"serve.state.{r.state}", lang=lang),
                 f"{r.answered}/{r.total}", _clock(r.started_at), _clock(r.submitted_at),
                 "✓" if r.handed_in else ""]
        tds = "".join(f'<td class="{"kt-state" if i == 3 else ""}">{html.escape(str(c))}</td>'
                      for i, c in enumerate(cells))
        rows.append(f'<tr data-participant="{html.escape(r.participant)}" '
                    f'data-state="{r.state}">{tds}</tr>')
    counts = "".join(
        f"<div><b>{status.count(s)}</b>{html.escape(t(f'serve.state.{s}', lang=lang))}</div>"
        for s in ("waiting", "started", "submitted"))
    return (f'<section data-assessment="{html.escape(status.name)}">'
            f"<h2>{html.escape(status.title)}</h2>"
            f'<div class="kt-counts">{counts}</div>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "</section>")


def trainer_page(workshop: Workshop, statuses: list[AssessmentStatus], urls: list[str],
                 lang: str, *, extra: str = "") -> str:
    """The trainer's page: the address and QR code to project, who started, who submitted."""
    intro = (f"<h1>{html.escape(t('serve.trainer.title', lang=lang))}</h1>"
             f"<p>{html.escape(t('serve.trainer.intro', lang=lang))}</p>"
             f'<p class="muted">{html.escape(t("serve.trainer.refresh", lang=lang))}</p>')
    if not statuses:
        intro += f"<p>{html.escape(t('serve.trainer.no_assessments', lang=lang))}</p>"
    qr = _qr_block(urls[0], t("serve.trainer.scan", lang=lang)) if urls else ""
    others = "".join(f'<p class="kt-url">{html.escape(u)}</p>' for u in urls[1:])
    body = (f'<div class="kt-top"><div>{intro}</div><div>{qr}{others}</div></div>'
            + "".join(_status_table(s, lang) for s in statuses) + extra)
    return _page(t("serve.trainer.title", lang=lang), body, lang=lang, refresh=10, wide=True)


_SCREEN_CSS = """
main.kt-screen{max-width:none;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);
gap:32px;align-items:center;min-height:92vh}
.kt-screen h1{font-size:44px}.kt-screen .kt-qr svg{max-width:520px}
.kt-screen .kt-url{font-size:34px}.kt-screen .kt-counts div{padding:14px 20px}
.kt-screen .kt-counts b{font-size:52px}.kt-screen .kt-counts{font-size:22px}
.kt-screen h2{font-size:28px}
@media (max-width:900px){main.kt-screen{grid-template-columns:1fr}}
"""


def projector_page(workshop: Workshop, statuses: list[AssessmentStatus], urls: list[str],
                   lang: str) -> str:
    """What the trainer projects: the QR code, the address and the counts — no names,
    no participant codes, so nobody's progress is shown to the room."""
    qr = _qr_block(urls[0], t("serve.trainer.scan", lang=lang)) if urls else ""
    counts = []
    for status in statuses:
        boxes = "".join(
            f"<div><b>{status.count(s)}</b>{html.escape(t(f'serve.state.{s}', lang=lang))}"
            "</div>" for s in ("waiting", "started", "submitted"))
        counts.append(f'<section data-assessment="{html.escape(status.name)}">'
                      f"<h2>{html.escape(status.title)}</h2>"
                      f'<div class="kt-counts">{boxes}</div></section>')
    steps = "".join(f"<li>{html.escape(t(f'results.screen.step{i}', lang=lang))}</li>"
                    for i in (1, 2, 3))
    body = (f"<div>{qr}</div><div><h1>{html.escape(t('results.screen.title', lang=lang))}"
            f'</h1><ol class="kt-steps" style="font-size:24px">{steps}</ol>'
            + "".join(counts) + "</div>")
    page = _page(t("results.screen.title", lang=lang), body, lang=lang, refresh=10)
    return page.replace("<main class=\"\">", '<main class="kt-screen">', 1).replace(
        "</style>", _SCREEN_CSS + "</style>", 1)
