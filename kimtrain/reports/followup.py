"""The report's follow-up chapter (Kirkpatrick level 3): who applied each skill afterwards.

From the course's follow-up task set, the hand-ins and their rubric scores
(:mod:`kimtrain.evaluation`): per skill, how many participants handed something in,
how many were scored and how many **applied** it (rubric total at least the task's
``applied`` points) — as a share of *all* participants of the course, since someone
who handed in nothing did not show they applied it. The same shares per KIM group and
per kecamatan; a group with fewer than :data:`~kimtrain.reports.privacy.MIN_GROUP`
participants is left out (the note says how many were), as everywhere in reports.
No participant is named or pseudonymised here: only counts and shares.
"""

from __future__ import annotations

from html import escape
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.i18n import t
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.tables import Column, Table

__all__ = ["APPLICATION_KEYS", "application_section", "followup_tables", "learning_heading"]

APPLICATION_KEYS = ("penerapan", "penerapan_kim", "penerapan_kecamatan")


def followup_tables(course: Course, lang: str | None = None) -> list[Table]:
    """The chapter's tables; none when the course has no follow-up task set."""
    from kimtrain.course.roster import load_roster
    from kimtrain.evaluation.followup import load_handins, load_taskset
    from kimtrain.evaluation.followup_scores import applied, load_scores

    taskset = load_taskset(course)
    if taskset is None:
        return []
    handins = load_handins(course)
    scores = load_scores(course)
    done = applied(taskset, scores)
    roster = load_roster(course)
    people = {p.id: p for p in roster}
    members = list(people) or sorted(handins)
    small = len(members) < MIN_GROUP
    rows = []
    for task in taskset.tasks:
        handed = sum(1 for p in members if p in handins and task.id in handins[p].tasks)
        scored = sum(1 for p in members if task.id in done.get(p, {}))
        yes = sum(1 for p in members if done.get(p, {}).get(task.id))
        rows.append({"skill": task.text("skill", lang or "id"), "task": task.id,
                     "n": len(members), "handed": None if small else handed,
                     "scored": None if small else scored, "applied": None if small else yes,
                     "share": None if small or not members else yes / len(members)})
    summary = Table.build("penerapan", t("evfu.table.summary", lang=lang), [
        Column("skill", t("evfu.col.skill", lang=lang)),
        Column("task", t("evfu.col.task", lang=lang)),
        Column("n", t("evfu.col.participants", lang=lang), "int"),
        Column("handed", t("evfu.col.handed", lang=lang), "int"),
        Column("scored", t("evfu.col.scored", lang=lang), "int"),
        Column("applied", t("evfu.col.applied", lang=lang), "int"),
        Column("share", t("evfu.col.share", lang=lang), "share"),
    ], rows, note=t("evfu.note.summary", lang=lang, n=MIN_GROUP, days=taskset.days))
    summary.extra["pending"] = sum(
        1 for p, h in handins.items() for task_id in h.tasks if task_id not in done.get(p, {}))
    tables = [summary]
    for level in ("kim", "kecamatan"):
        tables.append(_by_group(level, taskset, members, people, done, handins, lang))
    return tables


def _by_group(level: str, taskset: Any, members: list[str], people: dict[str, Any],
              done: dict[str, dict[str, bool]], handins: dict[str, Any],
              lang: str | None) -> Table:
    groups: dict[str, list[str]] = {}
    for pid in members:
        person = people.get(pid)
        label = getattr(person, level, "") if person else ""
        groups.setdefault(label or t("evfu.group.unknown", lang=lang), []).append(pid)
    rows, hidden = [], 0
    for label, pids in sorted(groups.items()):
        if len(pids) < MIN_GROUP:
            hidden += 1
            continue
        row: dict[str, Any] = {"group": label, "n": len(pids),
                               "handed": sum(1 for p in pids if p in handins)}
        for task in taskset.tasks:
            row[task.id] = sum(1 for p in pids if done.get(p, {}).get(task.id)) / len(pids)
        rows.append(row)
    columns = [Column("group", t(f"evfu.col.{level}", lang=lang)),
               Column("n", t("evfu.col.participants", lang=lang), "int"),
               Column("handed", t("evfu.col.handed_any", lang=lang), "int"),
               *[Column(task.id, task.text("skill", lang or "id"), "share")
                 for task in taskset.tasks]]
    note = t("evfu.note.groups", lang=lang, n=MIN_GROUP, hidden=hidden)
    return Table.build(f"penerapan_{level}", t(f"evfu.table.{level}", lang=lang), columns, rows,
                       note=note)


def _meaning(summary: Table, lang: str) -> str:
    frame = summary.frame
    if frame.empty or frame["share"].isna().all():
        return t("evfu.mean.none", lang=lang, n=MIN_GROUP)
    from kimtrain.reports.tables import cell_text

    parts = [t("evfu.mean.skill", lang=lang, skill=row.skill,
               share=cell_text(row.share, "share", lang), applied=int(row.applied),
               n=int(row.n)) for row in frame.itertuples()]
    text = " ".join(parts)
    pending = int(summary.extra.get("pending", 0))
    if pending:
        text += " " + t("evfu.mean.pending", lang=lang, count=pending)
    return text


def learning_heading(lang: str) -> str:
    """The header of the learning chapter (level 2): what the tests measured."""
    return (f'<h2 class="chapter" id="bab-belajar">{escape(t("evfu.chapter.learning", lang=lang))}'
            f'</h2><p>{escape(t("evfu.chapter.learning_intro", lang=lang))}</p>')


def application_section(tables: dict[str, Table], lang: str, render: Any) -> list[str]:
    """The follow-up chapter's HTML parts (``render`` draws one table); [] without tables."""
    if "penerapan" not in tables:
        return []
    summary = tables["penerapan"]
    return [f'<section id="penerapan"><h2 class="chapter">'
            f'{escape(t("evfu.chapter.application", lang=lang))}</h2>'
            f'<p>{escape(t("evfu.chapter.application_intro", lang=lang))}</p>'
            f'<p class="artinya">{escape(_meaning(summary, lang))}</p>'
            + "\n".join(render(tables[key], lang) for key in APPLICATION_KEYS if key in tables)
            + "</section>"]
