"""``kimtrain demo``'s day in the room: sign-ins, a facilitator's mark, survey answers.

Written through the same functions the workshop server uses
(:func:`~kimtrain.evaluation.attendance.mark_present`,
:func:`~kimtrain.evaluation.survey_store.save_answer`), so ``kimtrain attendance``
and ``kimtrain report`` on the demo course show what a real day gives. Its own
random generator: the score table the demo prints does not change.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kimtrain.course.roster import Participant
from kimtrain.evaluation.attendance import PLAN_FILE, load_plan, mark_present
from kimtrain.evaluation.survey import load_survey, survey_path
from kimtrain.evaluation.survey_store import SurveyAnswer, save_answer

__all__ = ["simulate_day"]

_PLAN = """\
# Rencana sesi kursus demo (contoh). Format: kimtrain attendance --plan
activity: Bimbingan Teknis Komunitas Informasi Masyarakat (KIM) 2026 (contoh)
place: Sampit Creative Hub, Sampit (contoh)
city: Sampit
organiser: Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur
signer:
  title: Kepala Bidang Informasi dan Komunikasi Publik (contoh)
  name: Nama Pejabat (contoh)
  nip: "(contoh)"
days:
  - date: {day}
    sessions:
      - part: pagi
        module: Pre-test; 01 Mengenal KIM; 04 Hoaks dan cek fakta
        start: "08.00"
        end: "12.00"
      - part: siang
        module: 07 Menulis berita desa; post-test
        start: "13.00"
        end: "16.00"
"""

# What participants write at the end of a day (simulated).
_USEFUL = ("Cara mengecek foto lama yang disebar ulang.", "Menulis berita 5W+1H.",
           "Mengenali undangan .apk palsu.", "Latihan hoaks atau fakta di ponsel.",
           "Cara membuat klarifikasi tanpa menyebarkan hoaksnya.", "")
_BETTER = ("Wi-Fi sering putus di sore hari.", "Waktu praktik menulis ditambah.",
           "Materi dibagikan dalam bentuk PDF.", "Ruangan terlalu panas setelah makan siang.",
           "", "")


def simulate_day(course_root: Path, roster: list[Participant], seed: int, *,
                 left_early: frozenset[str] = frozenset(), day: date | None = None) -> None:
    """A day of two sessions: everyone signs in in the morning (one by the
    facilitator's hand), those in ``left_early`` miss the afternoon; most of those
    still there answer the survey."""
    rng = random.Random(seed)
    day = day or date.today()
    (course_root / PLAN_FILE).write_text(_PLAN.format(day=day.isoformat()), encoding="utf-8")
    plan = load_plan(course_root)
    morning, afternoon = plan.days[0].sessions
    for index, person in enumerate(roster):
        arrive = datetime.combine(day, time(7, 45)) + timedelta(minutes=rng.randint(0, 35))
        mark_present(course_root, morning, person.id, now=arrive,
                     via="pelatih" if index == 4 else "ponsel")
        if person.id in left_early:
            continue
        back = datetime.combine(day, time(12, 55)) + timedelta(minutes=rng.randint(0, 20))
        mark_present(course_root, afternoon, person.id, now=back)
    survey = load_survey(survey_path(course_root))
    stayed = [p for p in roster if p.id not in left_early]
    for person in stayed[: max(0, len(stayed) - 1)]:  # one forgets the survey
        scores: dict[str, int | None] = {}
        for item in survey.items:
            low = 2 if item.aspect in ("internet", "waktu") else 3
            scores[item.id] = min(5, max(1, rng.randint(low, 5)))
        texts = {q.id: rng.choice(_USEFUL if i == 0 else _BETTER)
                 for i, q in enumerate(survey.open)}
        save_answer(course_root, day, person.id, SurveyAnswer(scores, texts))
