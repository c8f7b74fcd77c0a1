"""Builders of the report's tables from the analysed forms and groups."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kimtrain.i18n import t
from kimtrain.reports.analysis import FormAnalysis
from kimtrain.reports.context import ILD, ILD_PILLARS
from kimtrain.reports.groups import LEVELS, GroupStats, role_cut, rollup
from kimtrain.reports.privacy import MIN_GROUP, Pseudonyms
from kimtrain.reports.tables import Column, Table, join_reasons

__all__ = ["context_table", "discernment_table", "group_tables", "item_tables",
           "participant_table", "reliability_tables", "rollup_tables", "summary_table"]


_LEVEL_KEY = {"cohort": "semua", "kim": "kim", "desa": "desa", "kecamatan": "kecamatan"}


def _col(cid: str, kind: str = "text", lang: str | None = None, **params: Any) -> Column:
    return Column(cid, t(f"report.col.{cid}", lang=lang, **params), kind)


def _form_label(role: str, form: FormAnalysis, lang: str | None) -> str:
    return t(f"report.role.{role}", lang=lang, name=form.name)


def summary_table(cohort: GroupStats, forms: dict[str, FormAnalysis],
                  cut: float | dict[str, float], lang: str | None) -> Table:
    """The cohort's statistics as label/value rows, each with what it means. With two
    tests the means, SDs and mastery rates are over the pairs, like the change."""
    from kimtrain.reports.meaning import stat_meaning

    rows: list[dict[str, Any]] = []
    paired = len(forms) == 2
    ci = (cohort.paired.ci_low, cohort.paired.ci_high) if cohort.paired else (None, None)

    def add(key: str, value: Any, kind: str, **params: Any) -> None:
        rows.append({"measure": t(f"report.sum.{key}", lang=lang, **params),
                     "value": value, "kind": kind, "key": key,
                     "meaning": stat_meaning(key, value, lang or "id", low=ci[0], high=ci[1])})

    add("enrolled", cohort.enrolled, "int")
    for role in forms:
        add(f"n_{role}", getattr(cohort, f"n_{role}"), "int")
    if paired:
        add("n_pairs", cohort.n_pairs, "int")
        if cohort.enrolled:
            add("completion", cohort.n_pairs / cohort.enrolled, "share")
    prefix = "pair_" if paired else ""
    for role in forms:
        add(f"mean_{role}", getattr(cohort, f"{prefix}{role}_mean"), "pct")
        add(f"sd_{role}", getattr(cohort, f"{prefix}{role}_sd"), "pct")
        add(f"mastery_{role}", getattr(cohort, f"{prefix}mastery_{role}"), "share",
            cut=f"{role_cut(cut, role):g}")
    if cohort.paired is not None:
        p = cohort.paired
        add("diff", p.mean_diff, "pp")
        add("ci_low", p.ci_low, "pp")
        add("ci_high", p.ci_high, "pp")
        add("t", p.t, "num2")
        add("p", p.p, "p")
        add("d_z", p.d_z, "num2")
        add("g", cohort.g, "num2")
        add("band", t(f"report.band.{cohort.g_band}", lang=lang) if cohort.g_band else None,
            "text")
        add("c", cohort.c_mean, "num2")
    frame = pd.DataFrame(rows, columns=["measure", "value", "meaning", "kind", "key"])
    note = join_reasons(cohort.reasons, lang)
    if paired:
        note = (note + " " if note else "") + t("results.note.pairs", lang=lang)
    return Table("ringkasan", t("report.table.summary", lang=lang),
                 [_col("measure", lang=lang), _col("value", "mixed", lang=lang),
                  Column("meaning", t("results.col.meaning", lang=lang))], frame, note=note)


def _group_row(g: GroupStats, lang: str | None, paired: bool = False) -> dict[str, Any]:
    label = t("report.cohort", lang=lang) if g.level == "cohort" else (
        g.group or t("report.unlisted", lang=lang))
    row: dict[str, Any] = {"group": label,
                           "enrolled": g.enrolled, "n_pre": g.n_pre, "n_post": g.n_post,
                           "n_pairs": g.n_pairs}
    if not g.suppressed:
        row.update(pre_mean=g.pre_mean, pre_sd=g.pre_sd, post_mean=g.post_mean,
                   post_sd=g.post_sd, g=g.g, c=g.c_mean, mastery_pre=g.mastery_pre,
                   mastery_post=g.mastery_post,
                   band=t(f"report.band.{g.g_band}", lang=lang) if g.g_band else None)
        if paired:  # both tests: the means and rates compare the same people (the pairs)
            row.update(pre_mean=g.pair_pre_mean, post_mean=g.pair_post_mean,
                       pre_sd=g.pair_pre_sd, post_sd=g.pair_post_sd,
                       mastery_pre=g.pair_mastery_pre, mastery_post=g.pair_mastery_post)
        if g.paired is not None:
            row.update(diff=g.paired.mean_diff, ci_low=g.paired.ci_low,
                       ci_high=g.paired.ci_high, d_z=g.paired.d_z)
    else:
        row.update(n_pre=None, n_post=None, n_pairs=None)
    row["note"] = join_reasons(g.reasons, lang)
    p = g.paired
    if p is not None and p.ci_low is not None and p.ci_high is not None \
            and p.ci_low <= 0 <= p.ci_high:  # say it where the interval is shown
        row["note"] = "; ".join(x for x in (row["note"], t("results.note.ci_zero", lang=lang))
                                if x)
    return row


def group_tables(groups: list[GroupStats], roles: list[str], cut: float | dict[str, float],
                 lang: str | None) -> list[Table]:
    columns = [_col("group", lang=lang), _col("enrolled", "int", lang=lang)]
    for role in roles:
        columns.append(_col(f"n_{role}", "int", lang=lang))
    if len(roles) == 2:
        columns.append(_col("n_pairs", "int", lang=lang))
    for role in roles:
        columns += [_col(f"{role}_mean", "pct", lang=lang), _col(f"{role}_sd", "pct", lang=lang)]
    if len(roles) == 2:
        columns += [_col("diff", "pp", lang=lang), _col("ci_low", "pp", lang=lang),
                    _col("ci_high", "pp", lang=lang), _col("d_z", "num2", lang=lang),
                    _col("g", "num2", lang=lang), _col("band", lang=lang),
                    _col("c", "num2", lang=lang)]
    for role in roles:
        columns.append(_col(f"mastery_{role}", "share", lang=lang,
                            cut=f"{role_cut(cut, role):g}"))
    columns.append(_col("note", lang=lang))
    tables = []
    for level in ("cohort", *LEVELS):
        rows = [_group_row(g, lang, len(roles) == 2) for g in groups if g.level == level]
        tables.append(Table.build(
            f"kelompok_{_LEVEL_KEY[level]}", t(f"report.table.group.{level}", lang=lang),
            columns, rows,
            note=t("report.note.suppressed", lang=lang, n=MIN_GROUP) + (
                " " + t("results.note.pairs", lang=lang) if len(roles) == 2 else "")))
    return tables


def rollup_tables(frame: pd.DataFrame, forms: dict[str, FormAnalysis],
                  lang: str | None) -> list[Table]:
    """Domain means for the cohort, KIM groups and kecamatan; competency means for the
    cohort and per kecamatan (the heat-map's numbers)."""
    domains = list(dict.fromkeys(d for f in forms.values() for d in f.domains))
    competencies = sorted({c for f in forms.values() for c in f.competencies})
    roles = list(forms)
    tables = []
    for prefix, codes, levels in (("dom", domains, ("cohort", "kim", "kecamatan")),
                                  ("comp", competencies, ("cohort", "kecamatan"))):
        kind = "domain" if prefix == "dom" else "competency"
        for level in levels:
            data = rollup(frame, prefix, codes, level)
            columns = [] if level == "cohort" else [_col("group", lang=lang)]
            columns.append(_col(kind, lang=lang))
            for role in roles:
                columns += [_col(f"n_{role}", "int", lang=lang), _col(role, "pct", lang=lang)]
            if len(roles) == 2:
                columns += [_col("n_pairs", "int", lang=lang), _col("diff", "pp", lang=lang)]
            if not data.empty:
                data[kind] = [t(f"{kind}.{code}", lang=lang) if kind == "domain"
                              else f"{code} {t(f'competency.{code}', lang=lang)}"
                              for code in data["code"]]
            key = f"{'domain' if kind == 'domain' else 'kompetensi'}_{_LEVEL_KEY[level]}"
            table = Table(key, t(f"report.table.{kind}.{level}", lang=lang),
                          columns, data.reindex(columns=[c.id for c in columns]),
                          note=t("report.note.rollup", lang=lang, n=MIN_GROUP))
            table.extra["codes"] = list(data["code"]) if not data.empty else []
            tables.append(table)
    return tables


def participant_table(frame: pd.DataFrame, forms: dict[str, FormAnalysis],
                      pseudonym: Pseudonyms,
                      cut: float | dict[str, float], lang: str | None,
                      names: dict[str, str] | None, internal: bool = False) -> Table:
    """One row per participant under a pseudonym; group labels only for groups of at
    least the minimum size (all of them in the coordinator's ``internal`` copy);
    subscores only where their α ≥ .60."""
    roles = list(forms)
    took = frame[roles].notna().any(axis=1)
    sizes = {level: took.groupby(frame[level]).sum() for level in LEVELS}
    columns = [_col("pseudonym", lang=lang)]
    if names is not None:
        columns += [_col("participant_id", lang=lang), _col("name", lang=lang)]
    columns += [_col(level, lang=lang) for level in LEVELS]
    columns += [Column(role, _form_label(role, forms[role], lang), "pct") for role in roles]
    if len(roles) == 2:
        columns += [_col("gain", "pp", lang=lang), _col("c_person", "num2", lang=lang)]
    columns += [_col(f"mastered_{role}", "bool", lang=lang, cut=f"{role_cut(cut, role):g}")
                for role in roles]
    for role, form in forms.items():
        for kind, prefix, values in (("domain", "dom", form.domains),
                                     ("competency", "comp", form.competencies)):
            for code in values:
                if form.subscore_shown(kind, code):
                    label = t(f"domain.short.{code}", lang=lang) if kind == "domain" else code
                    columns.append(Column(f"{role}_{prefix}_{code}",
                                          f"{label} ({t(f'report.role.short.{role}', lang=lang)})",
                                          "pct"))
    columns.append(_col("note", lang=lang))
    has_result = frame[roles].notna().any(axis=1)
    part = frame[has_result]
    out = pd.DataFrame(index=part.index)
    out["pseudonym"] = [pseudonym(pid) for pid in part.index]
    if names is not None:
        out["participant_id"] = part.index
        out["name"] = [names.get(pid, "") for pid in part.index]
    for level in LEVELS:
        size = sizes[level]
        out[level] = [g if g and (internal or size.get(g, 0) >= MIN_GROUP) else None
                      for g in part[level]]
    for column in columns:
        if column.id in part and column.id not in out:
            out[column.id] = part[column.id]
    if len(roles) == 2:
        out["gain"] = part["post"] - part["pre"]
        from kimtrain.reports.stats import normalized_change

        out["c_person"] = normalized_change(part["pre"].to_numpy(), part["post"].to_numpy())
    for role in roles:
        out[f"mastered_{role}"] = [None if v != v else bool(v >= role_cut(cut, role))
                                   for v in part[role]]
    out["note"] = _participant_notes(part, roles, lang)
    out = out.sort_values("pseudonym").reset_index(drop=True)
    return Table("peserta", t("report.table.participants", lang=lang), columns,
                 out.reindex(columns=[c.id for c in columns]),
                 note=t("report.note.participants", lang=lang, n=MIN_GROUP), in_html=False)


def _participant_notes(part: pd.DataFrame, roles: list[str], lang: str | None) -> list[str]:
    reasons: list[tuple[np.ndarray, str]] = []
    for role in roles:
        other = "post" if role == "pre" else "pre"
        missing = part[role].isna().to_numpy()
        reasons.append((missing, t(f"report.reason.only_{other}", lang=lang)))
        pending = part[f"{role}_pending"].fillna(0).to_numpy() > 0
        reasons.append((~missing & pending, t("report.reason.pending_items", lang=lang)))
    if len(roles) == 2:
        reasons.append(((part["pre"] == 100).to_numpy(),
                        t("report.reason.pre_full_person", lang=lang)))
    reasons.append((~part["on_roster"].to_numpy(dtype=bool),
                    t("report.reason.not_on_roster", lang=lang)))
    notes = []
    for i in range(len(part)):
        notes.append("; ".join(dict.fromkeys(text for mask, text in reasons if mask[i])))
    return notes


def reliability_tables(forms: dict[str, FormAnalysis], lang: str | None) -> list[Table]:
    rows, subs = [], []
    for role, form in forms.items():
        r = form.reliability
        rows.append({"form": _form_label(role, form, lang), "n": r.n, "k": r.k, "mean": r.mean,
                     "sd": r.sd, "alpha": r.alpha.alpha, "ci_low": r.alpha.ci_low,
                     "ci_high": r.alpha.ci_high, "kr20": r.kr20, "sem": r.sem,
                     "note": join_reasons([r.alpha.reason or "", r.kr20_reason or ""]
                                          + (["report.reason.left_out"] if r.left_out else []),
                                          lang)
                     + (f": {', '.join(r.left_out)}" if r.left_out else "")})
        for s in form.subscores:
            name = (t(f"domain.{s.code}", lang=lang) if s.kind == "domain"
                    else f"{s.code} {t(f'competency.{s.code}', lang=lang)}")
            subs.append({"form": _form_label(role, form, lang), "kind": t(
                f"report.kind.{s.kind}", lang=lang), "code": name, "k": s.k,
                "alpha": s.alpha.alpha, "ci_low": s.alpha.ci_low, "ci_high": s.alpha.ci_high,
                "shown": s.shown,
                "note": join_reasons([s.alpha.reason or ""] + (
                    [] if s.shown or s.alpha.reason else ["report.reason.low_alpha"]), lang)})
    main = Table.build("reliabilitas", t("report.table.reliability", lang=lang), [
        _col("form", lang=lang), _col("n", "int", lang=lang), _col("k", "int", lang=lang),
        _col("mean", "pct", lang=lang), _col("sd", "pct", lang=lang),
        _col("alpha", "num2", lang=lang), _col("ci_low", "num2", lang=lang),
        _col("ci_high", "num2", lang=lang), _col("kr20", "num2", lang=lang),
        _col("sem", "pct", lang=lang), _col("note", lang=lang)], rows,
        note=t("report.note.reliability", lang=lang))
    sub = Table.build("subskor", t("report.table.subscores", lang=lang), [
        _col("form", lang=lang), _col("kind", lang=lang), _col("code", lang=lang),
        _col("k", "int", lang=lang), _col("alpha", "num2", lang=lang),
        _col("ci_low", "num2", lang=lang), _col("ci_high", "num2", lang=lang),
        _col("shown", "bool", lang=lang), _col("note", lang=lang)], subs,
        note=t("report.note.subscores", lang=lang))
    return [main, sub]


def item_tables(role: str, form: FormAnalysis, lang: str | None) -> list[Table]:
    rows, options = [], []
    for row in form.items:
        s = row.stats
        item = row.info
        rows.append({
            "item": item.id, "type": t(f"type.{item.type}", lang=lang) if item.type else "",
            "domain": t(f"domain.short.{item.domain}", lang=lang) if item.domain else "",
            "competency": item.competency, "graded": row.graded,
            "facility": s.facility if s else None, "item_sd": s.sd if s else None,
            "discrimination": s.discrimination if s else None,
            "efficiency": s.efficiency if s else None,
            "point_biserial": s.point_biserial if s else None,
            "upper_lower": s.upper_lower if s else None,
            "alpha_if_deleted": s.alpha_if_deleted if s else None,
            "blank": row.statuses.get("blank", 0),
            "note": join_reasons(row.flags + ([s.reason] if s and s.reason else []), lang)})
        for o in row.options:
            options.append({"item": item.id, "option": o.option, "label": o.label,
                             "count": o.count, "share": o.share, "mean_total": o.mean_total,
                             "is_key": o.is_key})
    label = _form_label(role, form, lang)
    items = Table.build(f"butir_{role}", t("report.table.items", lang=lang, form=label), [
        _col("item", lang=lang), _col("type", lang=lang), _col("domain", lang=lang),
        _col("competency", lang=lang), _col("graded", "int", lang=lang),
        _col("facility", "num2", lang=lang), _col("item_sd", "num2", lang=lang),
        _col("discrimination", "num1", lang=lang), _col("efficiency", "num1", lang=lang),
        _col("point_biserial", "num2", lang=lang), _col("upper_lower", "num2", lang=lang),
        _col("alpha_if_deleted", "num2", lang=lang), _col("blank", "int", lang=lang),
        _col("note", lang=lang)], rows, note=t("report.note.items", lang=lang))
    choice = Table.build(f"opsi_{role}", t("report.table.options", lang=lang, form=label), [
        _col("item", lang=lang), _col("option", lang=lang), _col("label", lang=lang),
        _col("count", "int", lang=lang), _col("share", "share", lang=lang),
        _col("mean_total", "pct", lang=lang), _col("is_key", "bool", lang=lang)], options,
        note=t("report.note.options", lang=lang))
    return [items, choice]


def discernment_table(forms: dict[str, FormAnalysis], lang: str | None) -> Table:
    rows = []
    for role, form in forms.items():
        for d in form.discernment:
            rows.append({"form": _form_label(role, form, lang), "set": d.set,
                         "n_true": d.n_true, "n_false": d.n_false, "n": d.n, "hit": d.hit,
                         "false_alarm": d.false_alarm, "discernment": d.discernment,
                         "note": join_reasons([d.reason or ""], lang)})
    return Table.build("diskriminasi", t("report.table.discernment", lang=lang), [
        _col("form", lang=lang), _col("set", lang=lang), _col("n_true", "int", lang=lang),
        _col("n_false", "int", lang=lang), _col("n", "int", lang=lang),
        _col("hit", "share", lang=lang), _col("false_alarm", "share", lang=lang),
        _col("discernment", "num2", lang=lang), _col("note", lang=lang)], rows,
        note=t("report.note.discernment", lang=lang))


def context_table(lang: str | None) -> Table:
    rows = []
    for year, (overall, *pillars) in ILD.items():
        row: dict[str, Any] = {"year": str(year), "overall": overall}
        row.update({p: v for p, v in zip(ILD_PILLARS, pillars, strict=True)})
        row["note"] = t("report.reason.not_published", lang=lang) if None in pillars else ""
        rows.append(row)
    return Table.build("konteks_ild", t("report.table.context", lang=lang), [
        _col("year", lang=lang), _col("overall", "num2", lang=lang),
        *(Column(p, t(f"domain.{p}", lang=lang), "num2") for p in ILD_PILLARS),
        _col("note", lang=lang)], rows, note=t("report.note.context", lang=lang))


def follow_up(table: Table, frame: pd.DataFrame, pseudonym: Pseudonyms,
              forms: dict[str, FormAnalysis],
              cut: float | dict[str, float], lang: str | None) -> Table:
    """Participants who need a follow-up — below the cut on the latest test they took, or
    missing the post-test — lowest first, with the reason (pseudonyms only)."""
    from kimtrain.reports.summary import follow_up_frame

    roles = list(forms)
    need = follow_up_frame(frame, roles, cut)
    people = table.frame.set_index("pseudonym", drop=False)
    codes = [pseudonym(pid) for pid in need.index]
    rows = people.reindex(codes)
    rows["reason"] = [t(key, lang=lang) for key in need["reason"]]
    keep = ["pseudonym", *LEVELS, *roles]  # names stay on the participant sheet only
    columns = [c for c in table.columns if c.id in keep]
    columns.insert(1, Column("reason", t("results.col.reason", lang=lang)))
    columns.append(_col("note", lang=lang))
    latest = role_cut(cut, "post" if "post" in forms else "pre")
    return Table("tindak_lanjut", t("results.table.follow_up", lang=lang, cut=f"{latest:g}"),
                 columns, rows.reindex(columns=[c.id for c in columns]).reset_index(drop=True),
                 note=t("report.note.follow_up", lang=lang), html_limit=200)
