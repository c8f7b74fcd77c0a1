"""How a pair of forms (pre-test and post-test) is linked, declared in both blueprints.

::

    linking:
      design: anchor          # anchor | counterbalanced | same
      pair: posttest          # the other form of the pair (its blueprint's name)
      anchor: [AMAN-APK-01, ...]   # anchor design only: the common items

* ``anchor`` — a block of common items on both forms, at least :data:`MIN_ANCHOR_SHARE`
  of each form's length, covering every domain of the form and kept at the same
  position on both forms (Kolen & Brennan's common-item design);
* ``counterbalanced`` — two different forms; half of each KIM group takes this form
  first and the pair second, half the reverse (:func:`assign_orders`, recorded in
  ``roster/urutan.csv`` and read by the report);
* ``same`` — the same items pre and post.

:func:`check_pair` checks two blueprints against each other; every problem names the
file, line and field. Only the standard library is imported here.
"""

from __future__ import annotations

import csv
import io
import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.errors import BankIssue

if TYPE_CHECKING:
    from kimtrain.assessment.blueprint import Blueprint
    from kimtrain.bank.yamlsource import Located
    from kimtrain.course.roster import Participant

__all__ = ["DESIGNS", "MIN_ANCHOR_SHARE", "ORDER_FILE", "Linking", "assign_orders",
           "check_pair", "load_orders", "parse_linking", "save_orders"]

DESIGNS = ("anchor", "counterbalanced", "same")
MIN_ANCHOR_SHARE = 0.20
ORDER_FILE = "urutan.csv"
ORDERS = ("AB", "BA")


@dataclass(frozen=True)
class Linking:
    design: str
    pair: str
    anchor: tuple[str, ...] = ()
    line: int | None = None  # where ``linking`` starts in its blueprint
    anchor_lines: tuple[int | None, ...] = ()

    def anchor_line(self, item_id: str) -> int | None:
        if item_id in self.anchor and len(self.anchor_lines) == len(self.anchor):
            return self.anchor_lines[self.anchor.index(item_id)] or self.line
        return self.line

    def to_dict(self) -> dict[str, Any]:
        return {"design": self.design, "pair": self.pair, "anchor": list(self.anchor)}


def parse_linking(raw: Any, src: Located, bad: Callable[..., None]) -> Linking | None:
    """The ``linking`` field of a blueprint, or None (problems go to ``bad``)."""
    if raw is None:
        return None
    line = src.line("linking")
    if not isinstance(raw, dict):
        bad("design.not_mapping", "linking", line)
        return None
    for key in raw:
        if key not in ("design", "pair", "anchor"):
            bad("bank.field.unknown", f"linking.{key}", src.line("linking", key), suggestion="")
    design = raw.get("design")
    if design not in DESIGNS:
        bad("design.unknown", "linking.design", src.line("linking", "design") or line,
            value=design, designs=", ".join(DESIGNS))
        return None
    pair = raw.get("pair")
    if not isinstance(pair, str) or not pair.strip():
        bad("design.no_pair", "linking.pair", src.line("linking", "pair") or line)
        return None
    anchor = raw.get("anchor") or []
    if design == "anchor" and (not isinstance(anchor, list) or not anchor):
        bad("design.no_anchor", "linking.anchor", src.line("linking", "anchor") or line)
        return None
    if design != "anchor" and anchor:
        bad("design.anchor_unused", "linking.anchor", src.line("linking", "anchor"),
            design=design)
    if design != "anchor":
        return Linking(design, pair.strip(), (), line)
    lines = tuple(src.line("linking", "anchor", n) for n in range(len(anchor)))
    return Linking(design, pair.strip(), tuple(str(a) for a in anchor), line, lines)


def check_pair(one: Blueprint, other: Blueprint) -> list[BankIssue]:
    """Problems of a pair of loaded blueprints whose ``linking`` names each other."""
    issues: list[BankIssue] = []
    a = one.linking
    display = str(one.path) if one.path else one.name

    def bad(key: str, field: str = "linking", item: str | None = None, **params: Any) -> None:
        line = (a.anchor_line(item) if item else a.line) if a else None
        issues.append(BankIssue(display, key, {**params, "item": item or ""}, item=item,
                                field=field, line=line))

    b = other.linking
    if a is None:
        return issues
    if b is None or b.pair != one.name:
        bad("design.pair_not_reciprocal", "linking.pair", pair=other.name, name=one.name)
        return issues
    if b.design != a.design:
        bad("design.pair_differs", "linking.design", pair=other.name, mine=a.design,
            theirs=b.design)
        return issues
    mine = [item.id for item in one.items]
    theirs = [item.id for item in other.items]
    if a.design == "same":
        if mine != theirs:
            bad("design.same_differs", "items", pair=other.name)
        return issues
    if a.design == "counterbalanced":
        if set(mine) & set(theirs):
            bad("design.counterbalanced_shared", "items", pair=other.name,
                items=", ".join(sorted(set(mine) & set(theirs))))
        return issues
    if set(a.anchor) != set(b.anchor):
        bad("design.anchor_differs", "linking.anchor", pair=other.name)
    for item_id in a.anchor:
        if item_id not in mine:
            bad("design.anchor_missing", "linking.anchor", item=item_id, form=one.name)
        elif item_id not in theirs:
            bad("design.anchor_missing", "linking.anchor", item=item_id, form=other.name)
        elif mine.index(item_id) != theirs.index(item_id):
            bad("design.anchor_moved", "linking.anchor", item=item_id, pair=other.name,
                mine=mine.index(item_id) + 1, theirs=theirs.index(item_id) + 1)
    shared = set(mine) & set(theirs)
    extra = sorted(shared - set(a.anchor))
    if extra:
        bad("design.shared_not_anchor", "items", items=", ".join(extra), pair=other.name)
    need = max(1, -(-int(MIN_ANCHOR_SHARE * 100) * max(len(mine), len(theirs)) // 100))
    if len(set(a.anchor)) < need:
        bad("design.anchor_short", "linking.anchor", count=len(set(a.anchor)), need=need,
            share=f"{MIN_ANCHOR_SHARE:.0%}", total=max(len(mine), len(theirs)))
    domains = {item.domain for item in one.items}
    covered = {item.domain for item in one.items if item.id in a.anchor}
    if domains - covered:
        bad("design.anchor_domains", "linking.anchor",
            missing=", ".join(sorted(domains - covered)))
    return issues


# -- counterbalancing: who takes which form first ------------------------------------------


def assign_orders(participants: Iterable[Participant], seed: int = 2026) -> dict[str, str]:
    """``AB`` (this form first) or ``BA`` for each participant, balanced within each KIM
    group (a group of odd size gives its extra person to the order the cohort has
    fewer of), random within the group."""
    rng = random.Random(seed)
    groups: dict[str, list[str]] = {}
    for person in participants:
        groups.setdefault(person.kim, []).append(person.id)
    orders: dict[str, str] = {}
    counts = {"AB": 0, "BA": 0}
    for kim in sorted(groups):
        ids = sorted(groups[kim])
        rng.shuffle(ids)
        first = "AB" if counts["AB"] <= counts["BA"] else "BA"
        second = "BA" if first == "AB" else "AB"
        for n, pid in enumerate(ids):
            orders[pid] = first if n % 2 == 0 else second
            counts[orders[pid]] += 1
    return orders


def save_orders(path: Path, first: str, second: str, orders: dict[str, str]) -> Path:
    """Write the assignment as CSV (``peserta,urutan,tes_pertama,tes_kedua``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["peserta", "urutan", "tes_pertama", "tes_kedua"])
    for pid in sorted(orders):
        order = orders[pid]
        writer.writerow([pid, order, *((first, second) if order == "AB" else (second, first))])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_orders(path: Path, first: str, second: str) -> dict[str, str]:
    """participant -> ``AB`` (took ``first`` first) or ``BA``; {} when there is no file."""
    if not path.is_file():
        return {}
    orders = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pair = (row.get("tes_pertama"), row.get("tes_kedua"))
            if pair == (first, second):
                orders[row["peserta"]] = "AB"
            elif pair == (second, first):
                orders[row["peserta"]] = "BA"
    return orders
