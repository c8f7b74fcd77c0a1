"""The report as one self-contained HTML file: styles inline, plots as data URIs,
laid out to print on A4 (portrait, tables repeat their header on every page)."""

from __future__ import annotations

import base64
from html import escape

from kimtrain.i18n import t
from kimtrain.reports.tables import Table, cell_text

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
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
"""

LANDSCAPE = ("groups", "items")  # wide tables print on landscape pages
NUMERIC = ("int", "pct", "share", "num1", "num2", "num3", "pp", "p")


def _table(table: Table, lang: str) -> str:
    frame = table.frame
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


def _equating(report, tables: dict[str, Table], lang: str) -> list[str]:
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


def render_html(report, plots: dict[str, bytes]) -> str:
    """The whole report as one HTML document."""
    lang = report.lang
    tables = {tb.key: tb for tb in report.tables}

    def section(key: str, *parts: str) -> str:
        css = ' class="landscape"' if key in LANDSCAPE else ""
        return (f'<section id="{key}"{css}>'
                f'<h2>{escape(t(f"report.section.{key}", lang=lang))}</h2>'
                f'<p>{escape(t(f"report.intro.{key}", lang=lang))}</p>' + "\n".join(parts)
                + "</section>")

    def some(prefix: str) -> list[str]:
        return [_table(tb, lang) for key, tb in tables.items()
                if key.startswith(prefix) and tb.in_html]

    forms = ", ".join(t(f"report.role.{role}", lang=lang, name=form.name) + f" — {form.data.title}"
                      for role, form in report.forms.items())
    meta = t("report.meta", lang=lang, course=report.course.course_id,
             date=report.generated.isoformat(), forms=forms, cut=f"{report.options.cut:g}")
    context_label = t("report.context_label", lang=lang)
    from kimtrain.reports.measurement import method_notes

    linking = method_notes(report.equated, lang, list(report.cuts.values()))
    method = "".join(f"<li>{escape(text)}</li>" for text in [
        *linking, *(t(f"report.method.{i}", lang=lang) for i in range(1, METHOD_NOTES + 1))])
    parts = [
        f"<h1>{escape(t('report.title', lang=lang))}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        f'<div class="box">{escape(t("report.privacy", lang=lang))}</div>',
        section("summary", _table(tables["ringkasan"], lang),
                _figure(plots["distribusi"], t("report.plot.distribution", lang=lang))),
        *_equating(report, tables, lang),
        section("groups", *some("kelompok_")),
        section("domains", _figure(plots["domain"], t("report.plot.domains", lang=lang)),
                *some("domain_")),
        section("competencies",
                _figure(plots["heatmap"], t("report.plot.heatmap_caption", lang=lang)),
                *some("kompetensi_")),
        section("reliability", _table(tables["reliabilitas"], lang),
                _table(tables["subskor"], lang)),
        section("items", _figure(plots["butir"], t("report.plot.items", lang=lang)),
                *some("butir_"), *some("opsi_")),
        section("discernment", _table(tables["diskriminasi"], lang)),
        section("follow_up", _table(tables["tindak_lanjut"], lang)),
        section("context", f'<div class="box warn">{escape(context_label)}</div>',
                _table(tables["konteks_ild"], lang)),
        section("method", f'<ol class="method">{method}</ol>'),
    ]
    title = escape(t("report.title", lang=lang))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


METHOD_NOTES = 10
