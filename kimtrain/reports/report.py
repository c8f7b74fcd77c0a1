"""``build_report``: from a course and one or two forms to the tables of a report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from kimtrain.course.layout import Course
from kimtrain.defaults import DEFAULT_CUT
from kimtrain.errors import CourseError
from kimtrain.i18n import get_language
from kimtrain.reports import sections
from kimtrain.reports.analysis import FormAnalysis, analyse_form
from kimtrain.reports.attendance_section import attendance_tables
from kimtrain.reports.background import Background
from kimtrain.reports.data import load_form, load_roster
from kimtrain.reports.equating import EquatedGain
from kimtrain.reports.groups import GroupStats, group_table, participant_frame
from kimtrain.reports.privacy import Pseudonyms, course_key
from kimtrain.reports.raters import agreement_table
from kimtrain.reports.summary import key_table, summarize
from kimtrain.reports.survey_section import survey_tables
from kimtrain.reports.tables import Table
from kimtrain.reports.tidy import long_table

__all__ = ["DEFAULT_CUT", "Report", "ReportOptions", "build_report"]


@dataclass(frozen=True)
class ReportOptions:
    """What a report covers and how it is shown."""

    pre: str | None = None  # name of the pre-test form
    post: str | None = None  # name of the post-test form
    # mastery cut score, percent; None = the cut set by judges (kimtrain cut-score), else
    # the provisional DEFAULT_CUT, and the report says which
    cut: float | None = None
    names: bool = False  # add participants' names to the per-participant sheet
    internal: bool = False  # the coordinator's own copy: every group label filled in
    lang: str | None = None  # "id" or "en"; None = the language in force


@dataclass
class Report:
    course: Course
    options: ReportOptions
    lang: str
    generated: date
    forms: dict[str, FormAnalysis]  # "pre"/"post" -> analysis
    frame: pd.DataFrame  # per participant, indexed by the real id: never written out
    groups: list[GroupStats]
    tables: list[Table] = field(default_factory=list)
    pseudonyms: Any = None
    summary: Any = None  # :class:`kimtrain.reports.summary.Summary`
    equated: EquatedGain | None = None  # the gain on one scale (issue 11); None: one form
    cut_info: Any = None  # standard_setting.CutScore: which cut, and how it was set
    cuts: dict[str, Any] = field(default_factory=dict)  # role -> that form's own CutScore

    def table(self, key: str) -> Table:
        return next(tb for tb in self.tables if tb.key == key)

    @property
    def roles(self) -> list[str]:
        return list(self.forms)


BACKGROUND_ROSTER = 1000  # from this many participants the forms are read in parallel


def _form(course: Course, name: str) -> FormAnalysis:
    return analyse_form(load_form(course, name))


def build_report(course: Course, options: ReportOptions) -> Report:
    """Read the gradebook, the roster and the manifests; compute every table."""
    if not options.pre and not options.post:
        raise CourseError("report.no_forms")
    if options.pre and options.pre == options.post:
        raise CourseError("report.same_form", name=options.pre)
    if options.cut is not None and not 0 < options.cut <= 100:
        raise CourseError("report.bad_cut", cut=options.cut)
    from kimtrain.reports.standard_setting import cut_for

    cuts = {role: cut_for(course, name, options.cut)
            for role, name in (("pre", options.pre), ("post", options.post)) if name}
    cut_info = cuts.get("post") or cuts["pre"]  # the headline cut: the latest form's
    options = replace(options, cut=cut_info.cut)
    role_cuts = {role: c.cut for role, c in cuts.items()}
    lang = options.lang or get_language()
    roster = load_roster(course)
    big = len(roster) >= BACKGROUND_ROSTER
    named = [(role, name) for role, name in (("pre", options.pre), ("post", options.post))
             if name]
    # a big programme's two forms are read at once, the first by a second process
    first = Background(_form, course, named[0][1], wanted=big and len(named) == 2)
    later = {role: _form(course, name) for role, name in named[1:]}
    forms = {named[0][0]: first.result(), **later}
    from kimtrain.reports import measurement
    from kimtrain.reports.followup import followup_tables

    # and the equating (a Rasch calibration) while the tables that need none are made
    equating = Background(measurement.measure, course, forms, wanted=big)
    frame = participant_frame(roster, forms)
    groups = group_table(frame, role_cuts)
    pseudonyms = Pseudonyms(course_key(course))
    names = {p.id: p.nama for p in roster} if options.names else None
    roles = list(forms)
    internal = options.internal or options.names
    people = sections.participant_table(frame, forms, pseudonyms, role_cuts, lang, names,
                                        internal=internal)
    leading = [sections.follow_up(people, frame, pseudonyms, forms, role_cuts, lang),
               sections.summary_table(groups[0], forms, role_cuts, lang)]
    rest = [
        *sections.group_tables(groups, roles, role_cuts, lang),
        *sections.rollup_tables(frame, forms, lang),
        *sections.reliability_tables(forms, lang),
        *[tb for role, form in forms.items() for tb in sections.item_tables(role, form, lang)],
        sections.discernment_table(forms, lang),
        *agreement_table(course, lang),  # written tasks scored twice (reports/raters.py)
        *attendance_tables(course, roster, lang),  # issue 15: who came to each session
        *survey_tables(course, lang),  # issue 15: the anonymous reaction survey
        people,
        long_table(frame, forms, pseudonyms, lang, None, internal),  # names: one sheet only
        sections.context_table(lang),
        *followup_tables(course, lang),  # level 3: follow-up tasks (issue 15)
    ]
    equated = equating.result()
    report = Report(course, options, lang, date.today(), forms, frame, groups,
                    pseudonyms=pseudonyms, equated=equated, cut_info=cut_info, cuts=cuts)
    report.summary = summarize(frame, groups, roles, role_cuts, lang, equated)
    report.tables = [key_table(report.summary, roles, role_cuts, lang), *leading,
                     *measurement.equating_tables(equated, lang), *rest]
    by_group = measurement.group_gain_table(equated, frame, lang)
    if by_group is not None:
        report.tables.insert(report.tables.index(report.table("kenaikan_setara")) + 1,
                             by_group)
    if equated is not None and not (equated.linked and equated.method):
        measurement.withhold_claims(report.tables)
    return report
