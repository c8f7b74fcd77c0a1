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
  ``roster/urutan.csv``, read by the report and, line by line with
  :func:`read_order_list`, by the workshop server, which lets nobody open their
  second form before handing in their first: :mod:`kimtrain.serve.orders`);
* ``same`` — the same items pre and post.

:func:`check_pair` checks two blueprints against each other; every problem names the
file, line and field. Only the standard library is imported here.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.errors import BankIssue, KimtrainError

if TYPE_CHECKING:
    from kimtrain.assessment.blueprint import Blueprint
    from kimtrain.bank.yamlsource import Located
    from kimtrain.course.roster import Participant

__all__ = ["DESIGNS", "MIN_ANCHOR_SHARE", "ORDER_COLUMNS", "ORDER_FILE", "Linking",
           "OrderListError", "OrderRow", "assign_orders", "check_pair", "load_orders",
           "parse_linking", "read_order_list", "save_orders"]

DESIGNS = ("anchor", "counterbalanced", "same")
MIN_ANCHOR_SHARE = 0.20
ORDER_FILE = "urutan.csv"
ORDERS = ("AB", "BA")
ORDER_COLUMNS = ("peserta", "urutan", "tes_pertama", "tes_kedua")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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


class OrderListError(KimtrainError):
    """``urutan.csv`` cannot be trusted: ``path``, ``line``, ``column`` and ``problem``
    (a message key, said with ``value``)."""

    key = "orders.bad_file"

    def message(self, lang: str | None = None) -> str:
        from kimtrain.i18n import t

        problem = t(str(self.params.get("problem")), lang=lang,
                    value=self.params.get("value", ""))
        return t(self.key, lang=lang, **{**self.params, "problem": problem})

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class OrderRow:
    """One line of ``urutan.csv``: ``participant`` takes ``first``, then ``second``."""

    participant: str
    first: str
    second: str
    line: int


def read_order_list(path: Path) -> dict[str, OrderRow]:
    """Every line of ``urutan.csv`` by participant code (upper case); {} when there is no
    file. Unlike :func:`load_orders` (the report's lenient read) nothing is skipped: a
    file that cannot be trusted raises :class:`OrderListError` naming the file, the line
    and the column."""
    if not path.is_file():
        return {}

    def bad(line: int, column: str, problem: str, value: str = "") -> OrderListError:
        return OrderListError(path=str(path), line=line, column=column, problem=problem,
                              value=value[:40])

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise bad(1, "-", "orders.problem.unreadable", type(exc).__name__) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        raise bad(1, "-", "orders.problem.csv", str(exc)) from exc
    missing = [c for c in ORDER_COLUMNS if c not in header]
    if missing:
        raise bad(1, missing[0], "orders.problem.header", ",".join(header)[:40])
    where = {c: header.index(c) for c in ORDER_COLUMNS}
    rows: dict[str, OrderRow] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise bad(line, "-", "orders.problem.cells", str(len(cells)))
            value = {c: cells[i].strip() for c, i in where.items()}
            for column in ("peserta", "tes_pertama", "tes_kedua"):
                if not _CODE.match(value[column]):
                    raise bad(line, column, "orders.problem.value", value[column])
            if value["tes_pertama"] == value["tes_kedua"]:
                raise bad(line, "tes_kedua", "orders.problem.same", value["tes_kedua"])
            code = value["peserta"].upper()
            if code in rows:
                raise bad(line, "peserta", "orders.problem.twice", value["peserta"])
            rows[code] = OrderRow(code, value["tes_pertama"], value["tes_kedua"], line)
    except csv.Error as exc:
        raise bad(reader.line_num, "-", "orders.problem.csv", str(exc)) from exc
    return rows
