"""One self-contained HTML page per participant, written for a phone screen.

No script, no external file, no font download: inline CSS only, so the page opens
offline from WhatsApp or a USB stick. Pages go to
``feedback/<ID>/<NAME>/<NAME>.html`` — where nbgrader's ``release_feedback`` picks
feedback up on a hub (it matches the file to the notebook by name) — replacing
nbgrader's own page, which shows hidden tests; and a copy named after the
participant, ``umpan-balik/<NAME>/<NAME>-<ID>.html``, is the file a trainer sends,
so the wrong person's page is not sent by mistake.

The page encourages: first a short card — the total against the cut score, progress
since the pre-test (on the post-test page), two strengths and two things to learn
next with the module to revisit — then the domains; the item list comes only once
the key is released, wrong answers first and the correct ones folded away. Every text
a participant typed is escaped: it shows as text, never as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.defaults import DEFAULT_CUT
from kimtrain.feedback.data import ItemFeedback, ParticipantFeedback
from kimtrain.i18n import get_language, t
from kimtrain.items import answer_text

__all__ = ["render_page", "write_feedback"]

def format_points(value: float) -> str:
    """35.333 -> "35,33" in Indonesian (the one formatting module)."""
    from kimtrain.i18n.formats import points

    return points(value)


SEND_FOLDER = "umpan-balik"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f4f6f8;color:#1d2430;font-size:17px;line-height:1.5}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.card{background:#fff;border-radius:12px;padding:.9rem 1rem;margin:.6rem 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
.total{font-size:1.6rem;font-weight:700;margin:.3rem 0}.muted{color:#5b6573;font-size:.92rem}
.row{display:flex;justify-content:space-between;gap:.5rem}
.bar{height:.55rem;background:#e3e7ec;border-radius:4px;overflow:hidden;margin:.2rem 0 .6rem}
.bar span{display:block;height:100%;background:#1f7a4d}
.v{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85rem;
font-weight:600}
.correct{background:#dff3e7;color:#14643c}.partial{background:#fff3cd;color:#7a5a00}
.wrong{background:#fde2e1;color:#9b1c1c}.blank,.manual{background:#e8eaee;color:#3d4553}
.stem{margin:.4rem 0}.answer{margin:.3rem 0}.note{border-left:4px solid #1f7a4d;
padding:.2rem .7rem;background:#f1f8f4;margin:.5rem 0}
.pass{color:#14643c;font-weight:600}.notyet{color:#7a5a00;font-weight:600}
ul.list{margin:.3rem 0 .2rem;padding-left:1.2rem}ul.list li{margin:.25rem 0}
details{margin:.6rem 0}summary{cursor:pointer;font-weight:600;padding:.4rem 0}
.answer.written{white-space:pre-wrap}
"""


def _text(value: str) -> str:
    """Escape, then allow the bank's **bold** and line breaks."""
    escaped = html.escape(value.strip())
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return escaped.replace("\n", "<br>")  # a prompt keeps its line breaks


def _answer_text(item: ItemFeedback, value: Any) -> str:
    if value is None or value == [] or value == "":
        return t("feedback.no_answer")
    public = {"id": item.item, "type": item.type, "options": item.options,
              "labels": item.labels, **({"unit": item.unit} if item.unit else {})}
    return answer_text(public, value, get_language())


def _percent(got: float, total: float) -> int:
    return round(100 * got / total) if total else 0


def _bars(rows: dict[str, tuple[float, float]], label: Callable[[str], str]) -> str:
    parts = []
    for key, (got, total) in rows.items():
        if not total:
            continue
        pct = _percent(got, total)
        parts.append(f'<div class="row"><span>{html.escape(label(key))}</span>'
                     f"<span>{format_points(got)}/{format_points(total)} ({pct}%)</span></div>"
                     f'<div class="bar"><span style="width:{pct}%"></span></div>')
    return "".join(parts)


_ORDER = {"wrong": 0, "blank": 1, "partial": 2, "manual": 3, "correct": 4}


def _item(item: ItemFeedback, revealed: bool) -> str:
    points = ("–" if item.points is None else format_points(item.points))
    parts = [
        f'<div class="card" id="soal-{item.number}"><div class="row"><strong>'
        f"{html.escape(t('feedback.item', number=item.number))}</strong>"
        f'<span class="v {item.verdict}">{html.escape(t(f"feedback.verdict.{item.verdict}"))}'
        f"</span></div>",
        f'<div class="stem">{_text(item.stem)}</div>',
        f'<div class="answer{"" if item.autograded else " written"}">'
        f'<em>{html.escape(t("feedback.your_answer"))}:</em> '
        f"{html.escape(_answer_text(item, item.response))}</div>",
        f'<div class="muted">{html.escape(t("feedback.points", points=points, max=format_points(item.max_points)))}</div>',  # noqa: E501
    ]
    if item.verdict == "partial":
        parts.append(_partial_note(item))
    if revealed and item.key is not None:
        parts.append(f'<div class="answer"><em>{html.escape(t("feedback.key"))}:</em> '
                     f"{html.escape(_answer_text(item, item.key))}</div>")
    if revealed and item.option_feedback and item.verdict != "correct":
        parts.append(f'<div class="note">{_text(item.option_feedback)}</div>')
    if revealed and item.explanation:
        parts.append(f'<div class="note">{_text(item.explanation)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _partial_note(item: ItemFeedback) -> str:
    key = f"results.fb.partial.{item.type}"
    text = t(key)
    if text == key:
        text = t("results.fb.partial.other")
    return f'<div class="muted">{html.escape(text)}</div>'


def _module(code: str, lang: str) -> str:
    key = f"results.module.{code[:1]}"
    text = t(key, lang=lang)
    return "" if text == key else text


def _first_card(page: ParticipantFeedback, lang: str) -> str:
    """The short card a participant reads first."""
    from kimtrain.bank.model import competency_name
    from kimtrain.i18n.formats import number
    from kimtrain.i18n.formats import percent as pct_text

    got, total = page.total
    share = page.percent
    who = page.participant + (f" — {page.name}" if page.name else "")
    parts = [f'<div class="card"><div class="muted">{html.escape(t("feedback.heading"))}</div>'
             f"<h1>{html.escape(page.title)}</h1><div>{html.escape(who)}</div>"
             f'<div class="total">{html.escape(t("results.fb.total", got=format_points(got), max=format_points(total), percent=pct_text(share or 0)))}</div>']  # noqa: E501
    if share is not None:
        passed = share >= page.cut
        parts.append(f'<div class="{"pass" if passed else "notyet"}">' + html.escape(t(
            "results.fb.cut_reached" if passed else "results.fb.cut_not_yet",
            cut=pct_text(page.cut), gap=number(max(page.cut - share, 0), 0, lang))) + "</div>")
    if page.previous is not None and page.previous[1] and share is not None:
        before = 100 * page.previous[0] / page.previous[1]
        change = share - before
        from kimtrain.i18n.formats import signed

        key = "results.fb.progress_up" if change > 0.5 else (
            "results.fb.progress_down" if change < -0.5 else "results.fb.progress_same")
        parts.append(f'<div class="note">{html.escape(t(key, before=pct_text(before), after=pct_text(share), change=signed(change, 0), title=page.previous_title))}</div>')  # noqa: E501
    if page.pending:
        parts.append(f'<div class="muted">{html.escape(t("feedback.pending", count=page.pending))}</div>')  # noqa: E501
    ranked = page.ranked("competency")
    strong = [r for r in ranked if r[1] >= 0.5][:2]
    weak = [r for r in reversed(ranked) if r[1] < 1 and r not in strong][:2]
    if strong:
        items = "".join(f"<li>{html.escape(f'{c} · {competency_name(c, lang)}')} "
                        f"({pct_text(100 * v)})</li>" for c, v in strong)
        parts.append(f"<h2>{html.escape(t('results.fb.strengths'))}</h2>"
                     f'<ul class="list">{items}</ul>')
    if weak:
        rows = []
        for code, value in weak:
            module = _module(code, lang)
            hint = t("results.fb.revisit", module=module) if module else ""
            rows.append(f"<li>{html.escape(f'{code} · {competency_name(code, lang)}')} "
                        f"({pct_text(100 * value)}){html.escape(hint)}</li>")
        parts.append(f"<h2>{html.escape(t('results.fb.next'))}</h2>"
                     f'<ul class="list">{"".join(rows)}</ul>')
    if not page.revealed:
        parts.append(f'<div class="note">{html.escape(t("feedback.withheld"))} '
                     f'{html.escape(t("results.fb.items_later"))}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_page(page: ParticipantFeedback, lang: str = "id") -> str:
    """The whole HTML document for one participant."""
    from kimtrain.bank.model import competency_name, domain_name

    head = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(page.title)} — {html.escape(page.participant)}</title>"
            f"<style>{_CSS}</style></head><body><main>")
    domains = _bars(page.by("domain"), lambda d: domain_name(d, lang))
    competencies = _bars(page.by("competency"),
                         lambda c: f"{c} · {competency_name(c, lang)}")
    body = [
        _first_card(page, lang),
        f"<h2>{html.escape(t('feedback.by_domain'))}</h2><div class=\"card\">{domains}</div>",
        f"<details><summary>{html.escape(t('feedback.by_competency'))}</summary>"
        f'<div class="card">{competencies}</div></details>',
    ]
    if page.revealed:
        ordered = sorted(page.items, key=lambda i: (_ORDER.get(i.verdict, 5), i.number))
        todo = [i for i in ordered if i.verdict != "correct"]
        done = [i for i in ordered if i.verdict == "correct"]
        body.append(f"<h2>{html.escape(t('results.fb.to_learn', count=len(todo)))}</h2>")
        if any(i.verdict == "partial" for i in todo):
            body.append(f'<p class="muted">{html.escape(t("results.fb.partial_intro"))}</p>')
        body += [_item(item, True) for item in todo]
        if done:
            body.append(f"<details><summary>{html.escape(t('results.fb.correct', count=len(done)))}"
                        f"</summary>{''.join(_item(item, True) for item in done)}</details>")
    body.append(f'<p class="muted">{html.escape(t("feedback.footer"))}</p></main></body></html>')
    return head + "".join(body) + "\n"


def _previous_totals(course: Course, assessment: str) -> dict[str, tuple[float, float]]:
    """participant -> (points, max) on an earlier assessment, graded cells only."""
    from kimtrain.course.gradebook import cell_scores

    totals: dict[str, tuple[float, float]] = {}
    for cell in cell_scores(course, assessment):
        if cell.needs_manual or cell.score is None:
            continue
        got, top = totals.get(cell.participant, (0.0, 0.0))
        totals[cell.participant] = (got + cell.score, top + cell.max_points)
    return totals


def write_feedback(course: Course, assessment: str, *, reveal: bool = False,
                   lang: str = "id", cut: float = DEFAULT_CUT,
                   previous: str | None = None) -> list[Path]:
    """Write every participant's page; return the paths of the copies to send
    (``umpan-balik/<NAME>/<NAME>-<ID>.html``). ``previous`` names the pre-test whose
    total is shown as progress."""
    from kimtrain.answers.store import atomic_write
    from kimtrain.assessment.manifest import load_manifest
    from kimtrain.feedback.data import collect_feedback

    before: dict[str, tuple[float, float]] = {}
    before_title = ""
    if previous:
        before = _previous_totals(course, previous)
        before_title = str(load_manifest(course.source_dir(previous), previous)
                           .get("title") or previous)
    written = []
    for page in collect_feedback(course, assessment, reveal=reveal, lang=lang):
        page.cut = cut
        if page.participant in before:
            page.previous, page.previous_title = before[page.participant], before_title
        document = render_page(page, lang).encode("utf-8")
        path = course.feedback_dir(page.participant, assessment) / f"{assessment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, document)
        send = course.root / SEND_FOLDER / assessment / f"{assessment}-{page.participant}.html"
        send.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(send, document)
        written.append(send)
    return written
