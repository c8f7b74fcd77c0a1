"""A synthetic course for report tests and the report benchmark.

It is built from real parts, only faster than running nbgrader for every person:

* a course made by :func:`kimtrain.course.create_course` and assessments built by
  :func:`kimtrain.assessment.build.build_assessment` (real source notebooks and manifests);
* nbgrader's own gradebook schema, with the assignment, notebook and grade cells added
  through nbgrader's ``Gradebook`` API and the submissions and grades bulk-inserted
  into the same tables (nbgrader's ORM commits once per cell: hours for 400,000 grades);
* responses simulated from a 2PL-like model, scored by kimtrain's own
  :func:`kimtrain.grading.scoring.score_item`, so points and statuses follow the real
  rules; each graded notebook carries the same result outputs ``grade_item`` leaves.

Used by tests/test_report*.py and benchmarks/report_bench.py.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.assessment.blueprint import Blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.assessment.design import Linking
from kimtrain.bank.model import COMPETENCIES, Item
from kimtrain.course.layout import Course, create_course
from kimtrain.course.regions import load_regions
from kimtrain.course.roster import Contact, Participant, save_roster
from kimtrain.grading.cell import RESULT_MIME
from kimtrain.grading.scoring import score_item

DISCERNMENT_SET = "hoaks-sintetis"
_DOMAINS = ("cakap", "etika", "aman", "budaya", "media", "kim")


def synth_items(form: str, count: int) -> list[Item]:
    """``count`` items over every domain: single choice, "hoaks atau fakta" statements
    (alternating fact/hoax, one discernment set) and multiple choice."""
    comps = {d: [c for c, dom in COMPETENCIES.items() if dom == d] for d in _DOMAINS}
    items = []
    for n in range(count):
        domain = _DOMAINS[n % len(_DOMAINS)]
        competency = comps[domain][(n // len(_DOMAINS)) % len(comps[domain])]
        kind = ("single", "truefalse", "single", "multiple")[n % 4]
        common = {"id": f"S{n + 1:03d}", "domain": domain, "competency": competency,
                  "stem": f"Soal sintetis {n + 1} untuk {form}: pilih jawaban yang paling tepat "
                          "tentang literasi digital warga desa.", "points": 1.0}
        if kind == "single":
            items.append(Item(type="single", key="B", options={
                k: f"Pilihan {k} soal {n + 1}" for k in "ABCD"}, **common))
        elif kind == "truefalse":
            items.append(Item(type="truefalse", key=bool((n // 4) % 2),
                              discernment_set=DISCERNMENT_SET, **common))
        else:
            items.append(Item(type="multiple", key=["A", "C"], options={
                k: f"Pilihan {k} soal {n + 1}" for k in "ABCD"}, **{**common, "points": 2.0}))
    return items


def _response(item: Item, right: bool, rng: random.Random) -> Any:
    if item.type == "single":
        return item.key if right else rng.choice([o for o in item.options if o != item.key])
    if item.type == "truefalse":
        return item.key if right else (not item.key)
    if right:
        return list(item.key)
    return [item.key[0], rng.choice([o for o in item.options if o not in item.key])]


@dataclass
class SynthPerson:
    id: str
    ability: float
    forms: tuple[str, ...]


@dataclass
class Synth:
    course: Course
    forms: dict[str, list[Item]]
    roster: list[Participant]
    contacts: list[Contact]
    people: list[SynthPerson] = field(default_factory=list)


SMALL_KIM, SMALL_DESA, SMALL_KECAMATAN = "KIM Kecil Sekali", "Tumbang Getas", "Bukit Santuai"


def _roster(count: int, group_size: int, small: int,
            rng: random.Random) -> tuple[list[Participant], list[Contact]]:
    regions = [r for r in load_regions() if r.kecamatan != SMALL_KECAMATAN]
    people, contacts = [], []
    for n in range(count + small):
        group = n // group_size
        region = regions[(group * 7) % len(regions)]
        pid = f"KIM-{n + 1:05d}"
        kim, desa, kecamatan = f"KIM Uji {group + 1:03d}", region.name, region.kecamatan
        if n >= count:  # a group too small to be reported at every level
            kim, desa, kecamatan = SMALL_KIM, SMALL_DESA, SMALL_KECAMATAN
        people.append(Participant(pid, f"Warga Uji Coba Nomor {n + 1}", kim, desa, kecamatan))
        contacts.append(Contact(pid, f"0812{rng.randrange(10**7, 10**8)}",
                                f"warga{n + 1}@contoh.id"))
    return people, contacts


def _gradebook(course: Course, forms: dict[str, list[Item]],
               people: list[SynthPerson]) -> dict[str, dict[str, str]]:
    from nbgrader.api import Gradebook

    from kimtrain.course.nbgrader_api import _scripts_on_path

    _scripts_on_path()  # nbgrader runs alembic to create the gradebook
    cells: dict[str, dict[str, str]] = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for form, items in forms.items():
            gb.add_assignment(form)
            gb.add_notebook(form, form)
            cells[form] = {}
            for item in items:
                cell = gb.add_grade_cell(f"nilai_{item.id}", form, form,
                                         max_score=item.points, cell_type="code")
                cells[form][item.id] = cell.id
    return cells


def _insert(course: Course, forms: dict[str, list[Item]], people: list[SynthPerson],
            scores: dict[tuple[str, str], list[float]], cell_ids: dict[str, dict[str, str]]):
    from nbgrader.api import (
        Assignment,
        Grade,
        Notebook,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    from sqlalchemy import create_engine, select

    engine = create_engine(course.db_url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(Student.__table__.insert(), [{"id": p.id} for p in people])
        for form, items in forms.items():
            assignment_id = conn.execute(select(Assignment.__table__.c.id).where(
                Assignment.__table__.c.name == form)).scalar_one()
            notebook_id = conn.execute(select(Notebook.__table__.c.id).where(
                Notebook.__table__.c.assignment_id == assignment_id)).scalar_one()
            subs, nbs, grades = [], [], []
            for person in people:
                if form not in person.forms:
                    continue
                sub_id, nb_id = uuid.uuid4().hex, uuid.uuid4().hex
                subs.append({"id": sub_id, "assignment_id": assignment_id,
                             "student_id": person.id, "timestamp": now})
                nbs.append({"id": nb_id, "notebook_id": notebook_id, "assignment_id": sub_id})
                for item, points in zip(items, scores[(form, person.id)], strict=True):
                    grades.append({"id": uuid.uuid4().hex, "notebook_id": nb_id,
                                   "cell_id": cell_ids[form][item.id], "auto_score": points,
                                   "needs_manual_grade": False})
            conn.execute(SubmittedAssignment.__table__.insert(), subs)
            conn.execute(SubmittedNotebook.__table__.insert(), nbs)
            conn.execute(Grade.__table__.insert(), grades)
    engine.dispose()


def _template(course: Course, form: str, items: list[Item]) -> list[str]:
    """The graded notebook as text split around each item's two output slots."""
    source = json.loads((course.folder("source", form) / f"{form}.ipynb").read_text("utf-8"))
    for cell in source["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith(("soal_", "nilai_")):
            cell["outputs"] = ["@@SLOT@@"]
            cell["execution_count"] = 1
    return json.dumps(source, indent=1, sort_keys=True, ensure_ascii=False).split('"@@SLOT@@"')


def _outputs(form: str, pid: str, item: Item, response: Any, points: float, status: str):
    shown = json.dumps(response, ensure_ascii=False)
    widget = {"data": {"text/html": [f'<div class="kimtrain-static" data-item="{item.id}">'
                                     f"<p>{item.stem}</p><p><em>Jawaban peserta:</em> "
                                     f"{shown}</p></div>"],
                       "text/plain": ["<kimtrain.widgets.session._Html>"]},
              "metadata": {}, "output_type": "display_data"}
    result = [{"data": {RESULT_MIME: {"assessment": form, "item": item.id,
                                      "max_points": item.points, "participant": pid,
                                      "points": points, "response": response,
                                      "status": status},
                        "text/plain": [f"Soal {item.id}: {points:g}/{item.points:g} poin"]},
               "metadata": {}, "output_type": "display_data"},
              {"data": {"text/plain": [f"{points}"]}, "execution_count": 1, "metadata": {},
               "output_type": "execute_result"}]
    return json.dumps(widget, ensure_ascii=False), json.dumps(result, ensure_ascii=False)[1:-1]


def synth_course(root: str | Path, participants: int = 60, items: int = 12,
                 forms: tuple[str, ...] = ("pretest", "posttest"), seed: int = 7,
                 group_size: int = 10, only_pre: int = 0, only_post: int = 0,
                 small_group: int = 0, notebooks: bool = True,
                 design: str | None = "same") -> Synth:
    """A course at ``root`` with a roster, ``forms`` built and graded for everyone
    (except ``only_pre``/``only_post`` people who took just one form); ``small_group``
    more participants share a KIM group, desa and kecamatan of their own. Two forms are
    declared a ``design`` pair (their items share ids and difficulties: the same form);
    ``design=None`` leaves them unlinked."""
    rng = random.Random(seed)
    course = create_course(Path(root), course_id="sintetis")
    built = {}
    for form in forms:
        built[form] = synth_items(form, items)
        other = [f for f in forms if f != form]
        linking = Linking(design, other[0]) if design and other else None
        build_assessment(Blueprint(form, f"Tes sintetis {form}", "Jawab semua soal.",
                                   tuple(built[form]), linking=linking), course.root)
    roster, contacts = _roster(participants, group_size, small_group, rng)
    save_roster(course, roster, contacts)
    people = []
    for n, person in enumerate(roster):
        taken = forms
        if len(forms) == 2 and n < only_pre:
            taken = forms[:1]
        elif len(forms) == 2 and n < only_pre + only_post:
            taken = forms[1:]
        people.append(SynthPerson(person.id, rng.gauss(0, 1), taken))
    shared = [rng.uniform(-1.5, 1.5) for _ in range(items)]  # equated forms
    difficulty = {form: shared for form in forms}
    scores: dict[tuple[str, str], list[float]] = {}
    templates = {form: _template(course, form, built[form]) for form in forms} if notebooks \
        else {}
    for person in people:
        for form in person.forms:
            theta = person.ability + (0.9 if form != forms[0] else 0.0)
            points_row, slots = [], []
            for item, b in zip(built[form], difficulty[form], strict=True):
                right = rng.random() < 1 / (1 + math.exp(-1.7 * (theta - b)))
                response = None if rng.random() < 0.03 else _response(item, right, rng)
                spec = {"assessment": form, **item.scoring()}
                score = score_item(spec, response)
                points_row.append(score.points or 0.0)
                if notebooks:
                    slots.extend(_outputs(form, person.id, item, score.response,
                                          score.points or 0.0, score.status))
            scores[(form, person.id)] = points_row
            if notebooks:
                parts = templates[form]
                text = parts[0] + "".join(s + p for s, p in zip(slots, parts[1:], strict=True))
                folder = course.root / "autograded" / person.id / form
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{form}.ipynb").write_text(text, encoding="utf-8")
    cell_ids = _gradebook(course, built, people)
    _insert(course, built, people, scores, cell_ids)
    return Synth(course, built, roster, contacts, people)
