"""One tidy long table for pivoting: participant × test × (total, domain, competency) × score.

A coordinator drops it into an Excel pivot table (rows: KIM or kecamatan; columns:
test; values: mean of score) and answers their own questions. Participants are named
by pseudonym (and by id and name only with ``--names``); the group columns are filled
in the coordinator's internal copy and left empty for groups under the minimum size
in what is shared.
"""

from __future__ import annotations

import pandas as pd

from kimtrain.i18n import t
from kimtrain.reports.analysis import FormAnalysis
from kimtrain.reports.groups import LEVELS
from kimtrain.reports.privacy import MIN_GROUP, Pseudonyms
from kimtrain.reports.tables import Column, Table

__all__ = ["long_table", "shown_groups"]


def shown_groups(frame: pd.DataFrame, roles: list[str], internal: bool) -> pd.DataFrame:
    """The KIM/desa/kecamatan labels to print: all of them internally, else only groups
    with at least :data:`MIN_GROUP` participants with a result."""
    took = frame[roles].notna().any(axis=1)
    out = pd.DataFrame(index=frame.index)
    for level in LEVELS:
        if internal:
            out[level] = frame[level].where(frame[level] != "", None)
            continue
        size = took.groupby(frame[level]).sum()
        out[level] = [g if g and size.get(g, 0) >= MIN_GROUP else None for g in frame[level]]
    return out


def long_table(frame: pd.DataFrame, forms: dict[str, FormAnalysis], pseudonym: Pseudonyms,
               lang: str | None, names: dict[str, str] | None, internal: bool) -> Table:
    roles = list(forms)
    people = frame[frame[roles].notna().any(axis=1)]
    groups = shown_groups(people, roles, internal)
    base = pd.DataFrame({"pseudonym": [pseudonym(pid) for pid in people.index]},
                        index=people.index)
    if names is not None:
        base["participant_id"] = people.index
        base["name"] = [names.get(pid, "") for pid in people.index]
    for level in LEVELS:
        base[level] = groups[level]
    base["paired"] = (people[roles].notna().all(axis=1).astype(object) if len(roles) == 2
                      else None)
    # one block of rows per score column (whole columns at once: 5,000 participants ×
    # 2 tests × 15 scores is 150,000 rows), then each participant's rows together in
    # the order pre total, pre domains, pre competencies, post …
    position = pd.Series(range(len(people)), index=people.index)
    blocks: list[pd.DataFrame] = []
    total = t("results.long.total", lang=lang)
    for role, form in forms.items():
        label = t(f"report.role.short.{role}", lang=lang)
        parts = [(total, "", total, role)]
        parts += [(t("report.kind.domain", lang=lang), c, t(f"domain.{c}", lang=lang),
                   f"{role}_dom_{c}") for c in form.domains]
        parts += [(t("report.kind.competency", lang=lang), c,
                   t(f"competency.{c}", lang=lang), f"{role}_comp_{c}")
                  for c in form.competencies]
        for kind, code, title, column in parts:
            if column not in people:
                continue
            values = people[column]
            taken = values.notna()
            block = base[taken].assign(test=label, form=form.name, kind=kind, code=code,
                                       label=title, score=values[taken].astype(float),
                                       _who=position[taken], _part=len(blocks))
            blocks.append(block)
    columns = [Column("pseudonym", t("report.col.pseudonym", lang=lang))]
    if names is not None:
        columns += [Column("participant_id", t("report.col.participant_id", lang=lang)),
                    Column("name", t("report.col.name", lang=lang))]
    columns += [Column(level, t(f"report.col.{level}", lang=lang)) for level in LEVELS]
    columns += [Column("test", t("results.long.test", lang=lang)),
                Column("form", t("results.long.form", lang=lang)),
                Column("kind", t("results.long.kind", lang=lang)),
                Column("code", t("results.long.code", lang=lang)),
                Column("label", t("results.long.label", lang=lang)),
                Column("score", t("results.long.score", lang=lang), "pct")]
    if len(roles) == 2:
        columns.append(Column("paired", t("results.long.paired", lang=lang), "bool"))
    ids = [c.id for c in columns]
    data = (pd.concat(blocks).sort_values(["_who", "_part"], kind="stable")[ids]
            .reset_index(drop=True) if blocks else pd.DataFrame(columns=ids))
    note = t("results.long.note_internal" if internal else "results.long.note_shared",
             lang=lang, n=MIN_GROUP)
    return Table("data_panjang", t("results.long.title", lang=lang), columns, data,
                 note=note, in_html=False)
