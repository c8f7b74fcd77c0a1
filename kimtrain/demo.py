"""``kimtrain demo``: the whole loop on the embedded default, with simulated participants.

Creates a course (SQLite gradebook, local folders), builds the pre-test from the
starter bank, runs nbgrader's generate_assignment, gives each simulated participant
a copy of the released notebook, lets them answer through the same path the widgets
use (:func:`kimtrain.widgets.session.record_answer` on a :class:`FileAnswerStore`)
and hands each one in to nbgrader's ``submitted/`` folder the way the workshop
server's "Kirim" does (:func:`kimtrain.serve.submission.place_submission`), then
grades the cohort the way ``kimtrain grade`` does (nbgrader's autograde with
kimtrain's kernel-free steps) and prints a score table per participant and domain.
With ``--posttest`` the same people (but one) also take the post-test, so the report
has a pair to compare. Afterwards some participants hand in the follow-up tasks
(:func:`simulate_followup`; its own random stream, so the score table is unchanged).
nbgrader's exchange is not used, so the demo runs on Windows too, where it does
not exist.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimtrain.answers.store import FileAnswerStore
from kimtrain.assessment.blueprint import Blueprint, load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.assessment.manifest import load_manifest
from kimtrain.bank.model import DOMAINS, Item
from kimtrain.course.gradebook import ParticipantScore, participant_scores
from kimtrain.course.layout import Course, create_course
from kimtrain.course.roster import Participant, save_roster
from kimtrain.errors import CourseError
from kimtrain.i18n import t
from kimtrain.oscompat import remove_tree

__all__ = ["DemoResult", "answer_pattern", "demo_roster", "run_demo", "simulate_followup"]

MARKER = ".kimtrain-demo"
ASSESSMENT = "pretest"
POSTTEST = "posttest"

# Fictional participants of two fictional KIM groups in real Kotim places.
_NAMES = ("Siti Aminah", "Budi Santoso", "Rahmawati", "Ahmad Fauzi", "Dewi Lestari",
          "Yusuf Hidayat", "Nur Aini", "Rudi Hartono", "Fitriani", "Agus Salim", "Maria Ulfa",
          "Hendra Gunawan")
_GROUPS = (("KIM Habaring Hurung", "Ketapang", "Mentawa Baru Ketapang"),
           ("KIM Pesisir Pandaran", "Ujung Pandaran", "Teluk Sampit"))


def demo_roster(count: int) -> list[Participant]:
    """``count`` fictional participants, split over two KIM groups (labelled as samples)."""
    people = []
    for n in range(count):
        kim, desa, kecamatan = _GROUPS[n % len(_GROUPS)]
        name = f"{_NAMES[n % len(_NAMES)]} (contoh)"
        people.append(Participant(f"KIM-{n + 1:03d}", name, kim, desa, kecamatan))
    return people


@dataclass(frozen=True)
class DemoResult:
    course: Course
    assessment: str
    scores: list[ParticipantScore]
    domains: list[str]


def answer_pattern(item: Item, rng: random.Random, ability: float, blank_rate: float) -> Any:
    """A plausible answer from a participant of the given ability (probability right)."""
    if rng.random() < blank_rate:
        return None
    right = rng.random() < ability
    return item.kind.demo_answer(item, rng, right)


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise CourseError("demo.out_not_empty", path=str(out))
        remove_tree(out)  # nbgrader leaves read-only files, which Windows won't delete
    out.mkdir(parents=True, exist_ok=True)


def _simulate(course: Course, name: str, roster: list[Participant], abilities: list[float],
              rng: random.Random, progress: Callable[[str], None]) -> Blueprint:
    """Build and generate assessment ``name``; each participant answers a copy of the
    release and hands it in as the workshop server does (no exchange, so this runs on
    Windows too); then grade."""
    from kimtrain.course.grade import grade_cohort
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.serve.submission import place_submission
    from kimtrain.widgets.session import record_answer

    out = course.root.parent
    progress(t("demo.step.build"))
    blueprint = load_blueprint(course.blueprint(name))
    build_assessment(blueprint, course.root)
    progress(t("windows.demo.step.generate"))
    Nbgrader(course).generate(name)
    released = course.release_dir(name)
    items = {item.id: item for item in blueprint.items}
    for index, (person, ability) in enumerate(zip(roster, abilities, strict=True)):
        pid = person.id
        progress(t("demo.step.participant", participant=pid, number=index + 1,
                   total=len(roster)))
        folder = out / "peserta" / pid / name
        shutil.copytree(released, folder)
        manifest = load_manifest(folder, name)
        store = FileAnswerStore(folder)
        # The first participant knows everything and answers every item (whatever the
        # length of the form); the last one leaves most items blank.
        blank_rate = 0.0 if index == 0 else (
            0.85 if index == len(roster) - 1 else 0.05 * rng.random())
        for public in manifest["items"]:
            value = answer_pattern(items[public["id"]], rng, ability, blank_rate)
            if value is not None:
                record_answer(store, name, pid, public, value)
        store.mark_submitted(name, pid)
        place_submission(course.root, folder, name, pid)
    summary = grade_cohort(course, name, progress=lambda done, total, pid: progress(
        t("demo.step.grade", participant=pid, number=done, total=total)))
    failed = [o.participant for o in summary.outcomes if o.status == "not_graded"]
    if failed:
        raise CourseError("demo.not_graded", participants=", ".join(failed))
    return blueprint


def run_demo(out: str | Path, participants: int = 12, seed: int = 2026,
             progress: Callable[[str], None] = lambda message: None, *,
             posttest: bool = False) -> DemoResult:
    """Run the whole loop in ``out``; return the course and the score table. With
    ``posttest`` the same people (but one, who left early) also take the post-test."""
    out = Path(out).resolve()
    _prepare_out(out)
    course = create_course(out / "kursus", course_id="kim_demo")
    (out / MARKER).write_text("kimtrain demo\n", encoding="utf-8")
    from kimtrain.course.nbgrader_api import add_students

    roster = demo_roster(participants)
    save_roster(course, roster)
    add_students(course, [(p.id, p.nama) for p in roster])
    rng = random.Random(seed)
    # each person's chance of a right answer; the post-test adds what the day taught
    abilities = [1.0] + [0.15 + 0.8 * rng.random() for _ in roster[1:]]
    blueprint = _simulate(course, ASSESSMENT, roster, abilities, rng, progress)
    if posttest:
        learned = [min(1.0, a + 0.12 + 0.1 * rng.random()) for a in abilities]
        # the third participant went home early: a pre-test but no post-test
        _simulate(course, POSTTEST, [p for i, p in enumerate(roster) if i != 2],
                  [a for i, a in enumerate(learned) if i != 2], rng, progress)
    simulate_followup(course, roster, abilities, random.Random(seed + 15), progress)
    from kimtrain.evaluation.attendance_demo import simulate_day

    # attendance and the reaction survey of the day (its own random numbers)
    simulate_day(course.root, roster, seed + 15,
                 left_early=frozenset({roster[2].id} if posttest and len(roster) > 2 else ()))
    present = {item.domain for item in blueprint.items}
    domains = [d for d in DOMAINS if d in present]
    return DemoResult(course, ASSESSMENT, participant_scores(course, ASSESSMENT), domains)


def _screenshot(text: str, rng: random.Random) -> bytes:
    """A small PNG standing in for a phone screenshot of a post (demo data)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (360, 200), (236, 229, 221))
    draw = ImageDraw.Draw(img)
    draw.rectangle((12, 12, 348, 188), fill=(220, 248, 198))
    words, line, y = text.split(), "", 20
    for word in words:
        if len(line) + len(word) > 50:
            draw.text((20, y), line, fill=(20, 20, 20))
            line, y = "", y + 14
            if y > 170:
                break
        line = f"{line} {word}".strip()
    if y <= 170:
        draw.text((20, y), line, fill=(20, 20, 20))
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def simulate_followup(course: Course, roster: list[Participant], abilities: list[float],
                      rng: random.Random, progress: Callable[[str], None]) -> int:
    """The course's default follow-up tasks; about half the participants hand in
    (a text and a screenshot per task, through the server form or an offline zip) and a
    simulated facilitator scores each by the rubric. Returns how many handed in."""
    from kimtrain.evaluation.followup import load_taskset, store_handin, write_default_taskset
    from kimtrain.evaluation.followup_scores import save_scores
    from kimtrain.items.written import DEMO_ANSWERS

    write_default_taskset(course, force=True)
    taskset = load_taskset(course)
    assert taskset is not None
    texts = {"TL-BERITA": DEMO_ANSWERS["N1"], "TL-KLARIFIKASI": DEMO_ANSWERS["K2"]}
    scores: dict[str, dict[str, list[float]]] = {}
    handed = 0
    for person, ability in zip(roster, abilities, strict=True):
        if rng.random() > 0.55:
            continue  # no follow-up from this participant
        parts: dict[str, tuple[str, bytes | None, str]] = {}
        for task in taskset.tasks:
            if rng.random() > 0.85:
                continue
            good = rng.random() < ability
            text = texts.get(task.id, texts["TL-BERITA"])[0 if good else 1]
            parts[task.id] = (text + " (contoh)", _screenshot(text, rng),
                              f"Screenshot_{rng.randrange(10**6):06d}.png")
            top = [max(c.levels) for c in task.rubric]
            scores.setdefault(person.id, {})[task.id] = [
                p if good else float(rng.choice(sorted(c.levels)[:-1]))
                for p, c in zip(top, task.rubric, strict=True)]
        if parts:
            store_handin(course, person.id, parts, taskset=taskset,
                         channel="server" if rng.random() < 0.7 else "offline")
            handed += 1
    save_scores(course, scores)
    progress(t("evfu.demo.step", count=handed, total=len(roster)))
    return handed
