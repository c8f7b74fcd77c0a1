"""The report as one self-contained HTML file: styles inline, plots as data URIs,
laid out to print on A4 (portrait, tables repeat their header on every page).

Order: a one-page summary (sentences, key figures on the same people, the change per
group and the weakest competencies), the contents, then what a coordinator acts on
(follow-up list, groups, domains, competencies), each with an "Artinya" line, and
the statistics, item analysis, national context and method as appendices. The
summary is also written alone as ``ringkasan.html``."""

from __future__ import annotations

import base64
from html import escape
from typing import TYPE_CHECKING

from kimtrain.i18n import t
from kimtrain.reports.plots import changes_caption
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.tables import Table, cell_text

if TYPE_CHECKING:
    from kimtrain.reports.report import Report

__all__ = ["render_html"]

_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@page landscape { size: A4 landscape; margin: 12mm 12mm 14mm 12mm; }
section.landscape { page: landscape; }
@media print { section.landscape { max-width: none; } }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       color: #1d1d1d; max-width: 277mm; margin: 0 auto; padding: 8px; line-height: 1.35; }
section { max-width: 190mm; }
section.landscape { max-width: 277mm; }
h1 { font-size: 17pt; margin: 0 0 4px; color: #1f4e5f; }
h2 { font-size: 13pt; margin: 18px 0 6px; color: #1f4e5f; border-bottom: 2px solid #1f6f8b;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 12px 0 4px; break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0; }
.meta { color: #555; font-size: 9pt; }
.box { border: 1px solid #1f6f8b; background: #eef6f8; padding: 6px 8px; margin: 8px 0;
       font-size: 9pt; break-inside: avoid; }
.warn { border-color: #b36b00; background: #fff6e6; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 4px 0 2px; }
table.wide { font-size: 6.6pt; }
table.wide th, table.wide td { padding: 1px 2px; }
th, td { border: 1px solid #c9cfd4; padding: 2px 4px; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #e4edf1; text-align: left; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; overflow-wrap: normal;
       font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.note { color: #555; font-size: 8pt; margin: 2px 0 8px; }
figure { margin: 6px 0; break-inside: avoid; page-break-inside: avoid; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #555; }
ol.method li { margin: 2px 0; font-size: 9pt; }
section.summary { break-after: page; page-break-after: always; }
section.summary figure img { max-height: 50mm; width: auto; }
@media print { section.summary ol.say { font-size: 9.5pt; }
               section.summary table { font-size: 7.5pt; } }
ol.say { font-size: 11pt; line-height: 1.45; padding-left: 20px; margin: 6px 0 10px; }
ol.say li { margin: 3px 0; }
p.artinya { border-left: 4px solid #1f6f8b; background: #f3f8fa; padding: 3px 8px;
            margin: 6px 0; font-size: 9.5pt; }
nav.toc { break-after: page; page-break-after: always; }
nav.toc ul { font-size: 10.5pt; list-style: none; padding-left: 8px; }
h2.chapter { font-size: 15pt; border-bottom: 3px double #1f6f8b; }
h2.appendix { border: 0; font-size: 15pt; margin-top: 28px; break-before: page;
              page-break-before: always; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
"""

LANDSCAPE = ("groups", "lampiran_b")  # wide tables print on landscape pages
NUMERIC = ("int", "pct", "share", "num1", "num2", "num3", "pp", "p")


def _table(table: Table, lang: str) -> str:
    frame = table.frame
    kinds_all = frame["kind"].tolist() if "kind" in frame else None
    frame = frame.reindex(columns=[c.id for c in table.columns])
    if kinds_all is not None:
        frame["kind"] = kinds_all
    limit = table.html_limit
    shown = frame if limit is None else frame.head(limit)
    wide = " class=\"wide\"" if len(table.columns) > 11 else ""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in table.columns)
    body = []
    kinds = frame["kind"].tolist() if "kind" in frame else None
    for index, row in enumerate(shown.itertuples(index=False)):
        cells = []
        for column, value in zip(table.columns, row, strict=False):
            kind = kinds[index] if column.kind == "mixed" and kinds else column.kind
            css = ' class="n"' if kind in NUMERIC else ""
            cells.append(f"<td{css}>{escape(cell_text(value, kind, lang))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(table.columns)}">'
                    f'{escape(t("report.empty", lang=lang))}</td></tr>')
    html = [f"<h3>{escape(table.title)}</h3>",
            f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"]
    notes = [table.note] if table.note else []
    if limit is not None and len(frame) > limit:
        notes.append(t("report.note.truncated", lang=lang, shown=limit, total=len(frame)))
    html += [f'<p class="note">{escape(n)}</p>' for n in notes]
    return "\n".join(html)


def _figure(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _meaning(text: str) -> str:
    return f'<p class="artinya">{escape(text)}</p>' if text else ""


def summary_block(report: Report, plots: dict[str, bytes], *, page_link: bool = True) -> str:
    """The one-page summary: the sentences, the key figures and the change per group
    (it prints on one A4 page)."""
    lang = report.lang
    summary = report.summary
    sentences = "".join(f"<li>{escape(x)}</li>" for x in summary.sentences)
    parts = [f'<section id="ringkasan" class="summary">'
             f'<h2>{escape(t("results.section.summary", lang=lang))}</h2>',
             f'<ol class="say">{sentences}</ol>',
             _table(report.table("angka_utama"), lang)]
    if "perubahan" in plots:  # the weakest competencies are named in the sentences
        parts.append(_figure(plots["perubahan"], changes_caption(report)))
    if page_link:
        parts.append(f'<p class="note">{escape(t("results.summary_page", lang=lang))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _head(title: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n")


def _meta(report: Report) -> str:
    from kimtrain.i18n.formats import long_date

    lang = report.lang
    forms = ", ".join(t(f"report.role.{role}", lang=lang, name=form.name) + f" — {form.data.title}"
                      for role, form in report.forms.items())
    return t("report.meta", lang=lang, course=report.course.course_id,
             date=long_date(report.generated, lang), forms=forms,
             cut=f"{report.options.cut:g}")


def render_summary_page(report: Report, plots: dict[str, bytes]) -> str:
    """``ringkasan.html``: the summary alone, to print on one A4 page."""
    lang = report.lang
    title = t("report.title", lang=lang)
    return (_head(title, lang) + f"<h1>{escape(title)}</h1>"
            f'<p class="meta">{escape(_meta(report))}</p>'
            + summary_block(report, plots, page_link=False) + "\n</body></html>\n")


def _groups_meaning(report: Report) -> str:
    lang = report.lang
    changes = report.summary.changes
    if not changes:
        return t("results.mean.groups_none", lang=lang, n=MIN_GROUP)
    down = [c for c in changes if c.diff < 0]
    text = (t("results.mean.groups_down", lang=lang, count=len(down), total=len(changes))
            if down else t("results.mean.groups_up", lang=lang, total=len(changes)))
    return text + " " + t("results.mean.groups_small", lang=lang, n=MIN_GROUP)


def _domains_meaning(report: Report) -> str:
    lang = report.lang
    table = report.table("domain_semua")
    role = "post" if "post" in report.forms else "pre"
    frame = table.frame.assign(code=table.extra.get("codes", []))
    if role not in frame or frame[role].isna().all():
        return ""
    low = frame.sort_values(role).iloc[0]
    below = int((frame[role] < report.options.cut).sum())
    return t("results.mean.domains", lang=lang, domain=t(f"domain.{low['code']}", lang=lang),
             value=cell_text(low[role], "pct", lang), below=below, total=len(frame),
             cut=f"{report.options.cut:g}")


def _reliability_meaning(report: Report) -> str:
    from kimtrain.reports.meaning import alpha_meaning

    lang = report.lang
    return " ".join(f"{t(f'report.role.{role}', lang=lang, name=form.name)}: "
                    f"{alpha_meaning(form.reliability.alpha.alpha, lang)}"
                    for role, form in report.forms.items())


def _items_meaning(report: Report) -> str:
    lang = report.lang
    flagged = sum(1 for form in report.forms.values() for r in form.items if r.flags)
    total = sum(len(form.items) for form in report.forms.values())
    return t("results.mean.items", lang=lang, flagged=flagged, total=total)


def _equating(report: Report, tables: dict[str, Table], lang: str) -> list[str]:
    """The equated gain and the item calibration (issue 11), after the summary."""
    equated = report.equated
    if equated is None:
        return []
    linked = equated.linked and equated.method
    message = t("measure.box.linked" if linked else "measure.box.unlinked", lang=lang)
    if equated.linked and not equated.method:  # linked, but too few pairs for a gain
        message = t(equated.reason or "measure.reason.too_few_pairs", lang=lang)
    box = f'<div class="box{"" if linked else " warn"}">{escape(message)}</div>'
    parts = [box] + [_table(tables[key], lang) for key in (
        "kenaikan_setara", "kenaikan_setara_kelompok", "kalibrasi_butir")
                     if key in tables and (key == "kenaikan_setara" or len(tables[key].frame))]
    return [f'<section id="equating"><h2>{escape(t("measure.section", lang=lang))}</h2>'
            f'<p>{escape(t("measure.intro", lang=lang))}</p>' + "\n".join(parts) + "</section>"]


def render_html(report: Report, plots: dict[str, bytes]) -> str:
    """The whole report as one HTML document: the summary first, then the contents, the
    parts a coordinator acts on, and the statistics and item analysis as appendices."""
    from kimtrain.reports.attendance_section import attendance_html
    from kimtrain.reports.survey_section import survey_html

    lang = report.lang
    tables = {tb.key: tb for tb in report.tables}
    toc: list[tuple[str, str]] = []

    def section(key: str, *parts: str, title_key: str | None = None,
                meaning: str = "") -> str:
        css = ' class="landscape"' if key in LANDSCAPE else ""
        title = t(title_key or f"report.section.{key}", lang=lang)
        number = len(toc) + 1
        label = (f"{number}. {title}" if not key.startswith("lampiran")
                 else title)
        toc.append((key, label))
        intro = t(f"report.intro.{key}", lang=lang) if not title_key else ""
        return (f'<section id="{key}"{css}><h2>{escape(label)}</h2>'
                + (f"<p>{escape(intro)}</p>" if intro and intro != f"report.intro.{key}"
                   else "")
                + _meaning(meaning) + "\n".join(parts) + "</section>")

    def some(prefix: str) -> list[str]:
        return [_table(tb, lang) for key, tb in tables.items()
                if key.startswith(prefix) and tb.in_html]

    context_label = t("report.context_label", lang=lang)
    from kimtrain.reports.measurement import method_notes

    linking = method_notes(report.equated, lang, list(report.cuts.values()))
    method = "".join(f"<li>{escape(text)}</li>" for text in [
        *linking, *(t(f"report.method.{i}", lang=lang) for i in range(1, METHOD_NOTES + 1))])

    def listed(key: str, title: str, html: list[str]) -> str:
        """A section made elsewhere, numbered in the contents like the others."""
        if not html:
            return ""
        toc.append((key, f"{len(toc) + 1}. {title}"))
        return "\n".join(html)

    follow = tables["tindak_lanjut"]
    from kimtrain.reports.followup import application_section, learning_heading

    body = [
        learning_heading(lang),  # the evaluation's chapters (issue 15): learning, then follow-up
        section("follow_up", _table(follow, lang), title_key="results.section.follow_up",
                meaning=t("results.mean.follow_up", lang=lang, count=len(follow.frame))),
        section("groups", *([_figure(plots["perubahan"], changes_caption(report))]
                            if "perubahan" in plots else []), *some("kelompok_"),
                meaning=_groups_meaning(report)),
        listed("equating", t("measure.section", lang=lang), _equating(report, tables, lang)),
        section("domains", _figure(plots["domain"], t("report.plot.domains", lang=lang)),
                *some("domain_"), meaning=_domains_meaning(report)),
        section("competencies",
                _figure(plots["kompetensi"], t("results.caption.competencies", lang=lang)),
                *some("kompetensi_"), title_key="results.section.competencies",
                meaning=t("results.mean.competencies", lang=lang)),
        listed("attendance", t("attendance.report.section", lang=lang),
               attendance_html(tables, lang)),  # issue 15: evaluation chapters
        listed("survey", t("survey.report.section", lang=lang), survey_html(tables, lang)),
        listed("penerapan", t("evfu.chapter.application", lang=lang),
               application_section(tables, lang, _table)),
        f'<h2 class="appendix">{escape(t("results.appendix", lang=lang))}</h2>',
        section("lampiran_a", _table(tables["ringkasan"], lang),
                _figure(plots["distribusi"], t("report.plot.distribution", lang=lang)),
                _meaning(_reliability_meaning(report)), _table(tables["reliabilitas"], lang),
                _table(tables["subskor"], lang), title_key="results.section.appendix_a",
                meaning=t("results.mean.appendix_a", lang=lang)),
        section("lampiran_b", _figure(plots["butir"], t("report.plot.items", lang=lang)),
                *some("butir_"),
                f'<p class="note">{escape(t("results.note.options_in_xlsx", lang=lang))}</p>',
                f"<h3>{escape(t('report.section.discernment', lang=lang))}</h3>"
                f"<p>{escape(t('report.intro.discernment', lang=lang))}</p>",
                _table(tables["diskriminasi"], lang), title_key="results.section.appendix_b",
                meaning=_items_meaning(report)),
        section("lampiran_c", f'<div class="box warn">{escape(context_label)}</div>',
                _table(tables["konteks_ild"], lang),
                f"<h3>{escape(t('report.section.method', lang=lang))}</h3>",
                f'<ol class="method">{method}</ol>', title_key="results.section.appendix_c"),
    ]
    contents = "".join(f'<li><a href="#{key}">{escape(label)}</a></li>' for key, label in toc)
    title = t("report.title", lang=lang)
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_meta(report))}</p>',
        summary_block(report, plots),
        f'<nav class="toc"><h2>{escape(t("results.contents", lang=lang))}</h2>'
        f"<ul>{contents}</ul></nav>",
        f'<div class="box">{escape(t("report.privacy", lang=lang))}</div>',
        *body,
    ]
    return _head(title, lang) + "\n".join(parts) + "\n</body></html>\n"


METHOD_NOTES = 10
