"""``written``: a written task (tugas tertulis) graded by a person in nbgrader's
formgrader against the item's rubric; no automatic points.

Answer: the text as typed, trimmed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kimtrain.answers.values import MAX_WRITTEN, is_number
from kimtrain.items._base import MANUAL, FieldCheck, ItemType, Verdict
from kimtrain.items.text import typed_text

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["TYPE", "Written"]

CRITERION_FIELDS = {"criterion", "levels", "en"}

# Simulated answers (good, weak) by competency, so that a facilitator who opens the
# demo in formgrader reads answers that fit the task: a news item (N1), a rewritten
# post (E1), and otherwise the clarification of a bansos hoax (K2).
_DEMO = {
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


class Written(ItemType):
    name = "written"
    rank = 60
    autograded = False
    fields: ClassVar[frozenset[str]] = frozenset({"rubric"})
    label_keys = ("widget.answer", "widget.rubric")

    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        from kimtrain.bank.model import Criterion

        rubric = raw.get("rubric")
        if rubric is None:
            check.bad("bank.field.required", "rubric")
            return {}
        if not isinstance(rubric, list) or not rubric:
            check.bad("bank.rubric.invalid", "rubric")
            return {}
        criteria = []
        for i, crit in enumerate(rubric):
            where = f"rubric[{i + 1}]"
            sub = ("rubric", i)
            if not isinstance(crit, dict):
                check.bad("bank.rubric.invalid", where, sub)
                continue
            for name in crit:
                if name not in CRITERION_FIELDS:
                    check.bad("bank.field.unknown", f"{where}.{name}", (*sub, name),
                              suggestion=check.hint(name, CRITERION_FIELDS))
            name = crit.get("criterion")
            levels = crit.get("levels")
            if not isinstance(name, str) or not name.strip():
                check.bad("bank.field.required", f"{where}.criterion", sub)
                continue
            if not isinstance(levels, dict) or len(levels) < 2 or not all(
                is_number(p) and p >= 0 and isinstance(d, str) and d.strip()
                for p, d in levels.items()
            ):
                check.bad("bank.rubric.levels", f"{where}.levels", (*sub, "levels"))
                continue
            en = crit.get("en") or {}
            criteria.append(Criterion(
                name=name.strip(),
                levels={float(p): d.strip() for p, d in levels.items()},
                en={"name": en.get("criterion"),
                    "levels": {float(p): d for p, d in (en.get("levels") or {}).items()}}
                if en else {},
            ))
        points = raw.get("points", 1)
        if criteria and len(criteria) == len(rubric) and is_number(points):
            total = sum(c.max_points for c in criteria)
            if not math.isclose(total, float(points)):
                check.bad("bank.rubric.total", "rubric", total=f"{total:g}",
                          points=f"{points:g}")
        return {"rubric": tuple(criteria)}

    def public(self, item: Item, data: dict[str, Any], en: dict[str, Any]) -> None:
        super().public(item, data, en)
        if item.rubric:
            data["rubric"] = [c.public() for c in item.rubric]

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        return typed_text(item, value, MAX_WRITTEN)

    def scoring_spec(self, item: Item) -> dict[str, Any]:
        return {"id": item.id, "type": item.type, "points": item.points}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        return None, MANUAL

    def key_answer(self, item: Item) -> Any:
        return None

    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        good, weak = _DEMO.get(item.competency, _DEMO["K2"])
        return good if right else weak


TYPE = Written()
