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
has a pair to compare.
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
from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.assessment.manifest import load_manifest
from kimtrain.bank.model import DOMAINS, Item
from kimtrain.course.gradebook import ParticipantScore, participant_scores
from kimtrain.course.layout import Course, create_course
from kimtrain.course.roster import Participant, save_roster
from kimtrain.errors import CourseError
from kimtrain.i18n import t
from kimtrain.oscompat import remove_tree

__all__ = ["DemoResult", "answer_pattern", "demo_roster", "run_demo"]

MARKER = ".kimtrain-demo"
ASSESSMENT = "pretest"
POSTTEST = "posttest"

# Simulated written answers (good, weak) by competency, so that a facilitator who opens
# the demo in formgrader reads answers that fit the task: a news item (N1), a rewritten
# post (E1), and otherwise the clarification of a bansos hoax (K2).
_WRITTEN = {
    "N1": (
        "Warga Lampuyang Bersihkan Parit Jelang Musim Hujan. Sekitar 60 warga Desa "
        "Lampuyang, Kecamatan Teluk Sampit, bersama perangkat desa dan anggota KIM "
        "bergotong royong membersihkan parit di jalan utama desa pada Minggu (12/4/2026) "
        "pukul 07.00–10.00 WIB. Parit sepanjang kurang lebih 1 kilometer dibersihkan dan 40 "
        "karung sampah diangkut, karena jalan sering tergenang saat hujan. \"Kalau parit "
        "lancar, jalan tidak lagi tergenang setiap hujan,\" kata Kepala Desa Rahman. Ibu "
        "Lina, pedagang sayur, berkata gerobaknya biasanya susah lewat kalau jalan banjir.",
        "Kerja bakti kemarin sangat meriah dan sukses, warga antusias sekali.",
    ),
    "E1": (
        "Lampu jalan di depan SD sudah dua bulan mati. Mohon pemerintah desa memberi tahu "
        "kapan lampu itu bisa diperbaiki. Terima kasih.",
        "Lampu jalan mati, aparat desa malas.",
    ),
    "K2": (
        "Warga sekalian, pesan tentang situs cek bansos itu HOAKS dan penipuan. Jangan isi "
        "NIK atau kode OTP di sana. Cek resmi hanya di cekbansos.kemensos.go.id atau "
        "tanyakan ke kantor desa. Kalau sudah terlanjur mengisi, segera hubungi bank dan "
        "ganti kata sandi. Terima kasih — KIM Desa.",
        "Itu hoaks ya, jangan percaya.",
    ),
}

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
    if item.type == "single":
        wrong = [o for o in item.options if o != item.key]
        return item.key if right else rng.choice(wrong)
    if item.type == "multiple":
        key = list(item.key)
        others = [o for o in item.options if o not in key]
        if right:
            return key
        # a partial answer: most of the key, sometimes with one distractor
        chosen = key[:-1] or key
        if others and rng.random() < 0.5:
            chosen = [*chosen, rng.choice(others)]
        return chosen
    if item.type == "truefalse":
        return item.key if right else not item.key
    if item.type == "numeric":
        return f"{int(item.key):,}".replace(",", ".") if right else "142.000"
    if item.type == "text":
        return item.accept[0].lower() if right else "cari di Google"
    if item.type == "written":
        good, weak = _WRITTEN.get(item.competency, _WRITTEN["K2"])
        return good if right else weak
    return None


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise CourseError("demo.out_not_empty", path=str(out))
        remove_tree(out)  # nbgrader leaves read-only files, which Windows won't delete
    out.mkdir(parents=True, exist_ok=True)


def _simulate(course: Course, name: str, roster: list[Participant], abilities: list[float],
              rng: random.Random, progress: Callable[[str], None]):
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
    released = course.folder("release", name)
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
    from kimtrain.evaluation.attendance_demo import simulate_day

    # attendance and the reaction survey of the day (its own random numbers)
    simulate_day(course.root, roster, seed + 15,
                 left_early=frozenset({roster[2].id} if posttest and len(roster) > 2 else ()))
    present = {item.domain for item in blueprint.items}
    domains = [d for d in DOMAINS if d in present]
    return DemoResult(course, ASSESSMENT, participant_scores(course, ASSESSMENT), domains)
