"""One self-contained HTML page per participant, written for a phone screen.

No script, no external file, no font download: inline CSS only, so the page opens
offline from WhatsApp or a USB stick. Pages go to
``feedback/<ID>/<NAME>/<NAME>.html`` — where nbgrader's ``release_feedback`` picks
feedback up on a hub — replacing nbgrader's own page, which shows hidden tests.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.feedback.data import ItemFeedback, ParticipantFeedback
from kimtrain.i18n import t

__all__ = ["render_page", "write_feedback"]

def format_points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f4f6f8;color:#1d2430;font-size:17px;line-height:1.5}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.card{background:#fff;border-radius:12px;padding:.9rem 1rem;margin:.6rem 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
.total{font-size:2rem;font-weight:700}.muted{color:#5b6573;font-size:.92rem}
.row{display:flex;justify-content:space-between;gap:.5rem}
.bar{height:.55rem;background:#e3e7ec;border-radius:4px;overflow:hidden;margin:.2rem 0 .6rem}
.bar span{display:block;height:100%;background:#1f7a4d}
.v{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85rem;
font-weight:600}
.correct{background:#dff3e7;color:#14643c}.partial{background:#fff3cd;color:#7a5a00}
.wrong{background:#fde2e1;color:#9b1c1c}.blank,.manual{background:#e8eaee;color:#3d4553}
.stem{margin:.4rem 0}.answer{margin:.3rem 0}.note{border-left:4px solid #1f7a4d;
padding:.2rem .7rem;background:#f1f8f4;margin:.5rem 0}
"""


def _text(value: str) -> str:
    """Escape, then allow the bank's **bold** and line breaks."""
    escaped = html.escape(value.strip())
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return escaped.replace("\n\n", "<br><br>").replace("\n", " ")


def _answer_text(item: ItemFeedback, value: Any) -> str:
    if value is None or value == [] or value == "":
        return t("feedback.no_answer")
    options = {k: v for k, v in item.options}
    if item.type in ("single", "multiple"):
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(f"{c}. {options.get(c, '?')}" for c in chosen)
    if item.type == "truefalse" and isinstance(value, bool) and len(item.labels) == 2:
        return item.labels[0 if value else 1]
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(value)


def _percent(got: float, total: float) -> int:
    return round(100 * got / total) if total else 0


def _bars(rows: dict[str, tuple[float, float]], label) -> str:
    parts = []
    for key, (got, total) in rows.items():
        if not total:
            continue
        pct = _percent(got, total)
        parts.append(f'<div class="row"><span>{html.escape(label(key))}</span>'
                     f"<span>{format_points(got)}/{format_points(total)} ({pct}%)</span></div>"
                     f'<div class="bar"><span style="width:{pct}%"></span></div>')
    return "".join(parts)


def _item(item: ItemFeedback, revealed: bool) -> str:
    points = ("–" if item.points is None else format_points(item.points))
    parts = [
        f'<div class="card" id="soal-{item.number}"><div class="row"><strong>'
        f"{html.escape(t('feedback.item', number=item.number))}</strong>"
        f'<span class="v {item.verdict}">{html.escape(t(f"feedback.verdict.{item.verdict}"))}'
        f"</span></div>",
        f'<div class="stem">{_text(item.stem)}</div>',
        f'<div class="answer"><em>{html.escape(t("feedback.your_answer"))}:</em> '
        f"{html.escape(_answer_text(item, item.response))}</div>",
        f'<div class="muted">{html.escape(t("feedback.points", points=points, max=format_points(item.max_points)))}</div>',  # noqa: E501
    ]
    if revealed and item.type != "written" and item.key is not None:
        parts.append(f'<div class="answer"><em>{html.escape(t("feedback.key"))}:</em> '
                     f"{html.escape(_answer_text(item, item.key))}</div>")
    if revealed and item.option_feedback and item.verdict != "correct":
        parts.append(f'<div class="note">{_text(item.option_feedback)}</div>')
    if revealed and item.explanation:
        parts.append(f'<div class="note">{_text(item.explanation)}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_page(page: ParticipantFeedback, lang: str = "id") -> str:
    """The whole HTML document for one participant."""
    from kimtrain.bank.model import competency_name, domain_name

    got, total = page.total
    who = page.participant + (f" — {page.name}" if page.name else "")
    head = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(page.title)} — {html.escape(page.participant)}</title>"
            f"<style>{_CSS}</style></head><body><main>")
    summary = [f'<div class="card"><div class="muted">{html.escape(t("feedback.heading"))}</div>'
               f"<h1>{html.escape(page.title)}</h1><div>{html.escape(who)}</div>"
               f'<div class="total">{format_points(got)}/{format_points(total)} '
               f"({_percent(got, total)}%)</div>"]
    if page.pending:
        summary.append(f'<div class="muted">{html.escape(t("feedback.pending", count=page.pending))}</div>')  # noqa: E501
    if not page.revealed:
        summary.append(f'<div class="note">{html.escape(t("feedback.withheld"))}</div>')
    summary.append("</div>")
    domains = _bars(page.by("domain"), lambda d: domain_name(d, lang))
    competencies = _bars(page.by("competency"),
                         lambda c: f"{c} · {competency_name(c, lang)}")
    body = [
        *summary,
        f"<h2>{html.escape(t('feedback.by_domain'))}</h2><div class=\"card\">{domains}</div>",
        f"<h2>{html.escape(t('feedback.by_competency'))}</h2>"
        f'<div class="card">{competencies}</div>',
        f"<h2>{html.escape(t('feedback.items'))}</h2>",
        *(_item(item, page.revealed) for item in page.items),
        f'<p class="muted">{html.escape(t("feedback.footer"))}</p></main></body></html>',
    ]
    return head + "".join(body) + "\n"


def write_feedback(course: Course, assessment: str, *, reveal: bool = False,
                   lang: str = "id") -> list[Path]:
    """Write every participant's page; return the paths."""
    from kimtrain.answers.store import atomic_write
    from kimtrain.feedback.data import collect_feedback

    written = []
    for page in collect_feedback(course, assessment, reveal=reveal, lang=lang):
        path = course.folder("feedback", page.participant, assessment, f"{assessment}.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, render_page(page, lang).encode("utf-8"))
        written.append(path)
    return written
