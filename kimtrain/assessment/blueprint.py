"""Blueprints: which bank items make an assessment, in which order, with what title.

A blueprint is a small YAML file (documented in assessments/README.md)::

    name: pretest
    title: Tes Awal Literasi Digital KIM
    instructions: |
      Ketuk satu jawaban untuk setiap soal. ...
    en:
      title: KIM Digital Literacy Pre-test
      instructions: Tap one answer for each question. ...
    banks: [../bank/starter.yaml]
    items: [AMAN-APK-01, HOAKS-BANSOS-01, ...]   # or: all
    shuffle: true
    seed: 2026
    linking: {design: anchor, pair: posttest, anchor: [AMAN-APK-01, ...]}

``linking`` says how this form and its pair are put on one scale
(:mod:`kimtrain.assessment.design`); loading a blueprint that declares it also loads
the pair from the same folder and refuses an incomplete design.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.assessment.design import Linking, check_pair, parse_linking
from kimtrain.bank import Item, check_banks
from kimtrain.bank.validate import suggest
from kimtrain.bank.yamlsource import YamlSyntaxError, load_located
from kimtrain.errors import BankError, BankIssue, BlueprintError

__all__ = ["Blueprint", "load_blueprint"]

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FIELDS = {"name", "title", "instructions", "en", "banks", "items", "shuffle", "seed",
          "linking", "competency_scores"}


@dataclass(frozen=True)
class Blueprint:
    name: str
    title: str
    instructions: str
    items: tuple[Item, ...]
    en: dict[str, str] = field(default_factory=dict)
    shuffle: bool = False
    seed: int = 0
    path: Path | None = None
    linking: Linking | None = None

    @property
    def total_points(self) -> float:
        return sum(i.points for i in self.items)

    def ordered(self) -> list[Item]:
        """Items in delivery order: as listed, or shuffled reproducibly by ``seed``."""
        items = list(self.items)
        if self.shuffle:
            random.Random(self.seed).shuffle(items)
        return items


def load_blueprint(path: str | Path, *, check_linking: bool = True) -> Blueprint:
    """Read and check a blueprint and the banks it names; every problem is reported.
    With ``linking``, the pair's blueprint (same folder) is loaded and checked too."""
    path = Path(path)
    display = str(path)
    issues: list[BankIssue] = []

    def bad(key: str, field_: str | None = None, line: int | None = None, **params: Any) -> None:
        issues.append(BankIssue(display, key, params, field=field_, line=line))

    if not path.is_file():
        bad("blueprint.missing")
        raise BlueprintError(issues)
    try:
        src = load_located(path)
    except YamlSyntaxError as exc:
        bad("bank.file.yaml", line=exc.line, message=exc.message)
        raise BlueprintError(issues) from None
    data = src.data if isinstance(src.data, dict) else {}
    for name in data:
        if name not in FIELDS:
            guess = suggest(name, FIELDS)
            from kimtrain.i18n import t

            bad("bank.field.unknown", str(name), src.line(name),
                suggestion=t("bank.hint.did_you_mean", guess=guess) if guess else "")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not NAME.match(name):
        bad("blueprint.name", "name", src.line("name"), value=name)
    for text_field in ("title", "instructions"):
        value = data.get(text_field)
        if not isinstance(value, str) or not value.strip():
            bad("bank.field.required", text_field, src.line(text_field))
    en = data.get("en") or {}
    if not isinstance(en, dict) or not set(en) <= {"title", "instructions"}:
        bad("bank.en.not_mapping", "en", src.line("en"))
        en = {}
    shuffle = data.get("shuffle", False)
    if not isinstance(shuffle, bool):
        bad("blueprint.bool", "shuffle", src.line("shuffle"), value=shuffle)
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        bad("blueprint.seed", "seed", src.line("seed"), value=seed)

    linking = parse_linking(data.get("linking"), src, bad)

    banks = data.get("banks")
    bank_paths: list[Path] = []
    if not isinstance(banks, list) or not banks or not all(isinstance(b, str) for b in banks):
        bad("blueprint.banks", "banks", src.line("banks"))
    else:
        bank_paths = [(path.parent / b).resolve() for b in banks]
        for b, resolved in zip(banks, bank_paths, strict=True):
            if not resolved.exists():
                bad("blueprint.bank_missing", "banks", src.line("banks"), bank=b)
    if issues:
        raise BlueprintError(issues)

    pool, bank_issues = check_banks(bank_paths)
    if bank_issues:
        raise BankError(bank_issues)
    by_id = {item.id: item for item in pool}
    wanted = data.get("items")
    chosen: list[Item] = []
    if wanted == "all":
        chosen = list(pool)
    elif not isinstance(wanted, list) or not wanted:
        bad("blueprint.items", "items", src.line("items"))
    else:
        seen: set[str] = set()
        for index, item_id in enumerate(wanted):
            line = src.line("items", index)
            if item_id in seen:
                bad("blueprint.item_repeated", "items", line, item=item_id)
            elif item_id not in by_id:
                guess = suggest(item_id, by_id)
                bad("blueprint.item_unknown", "items", line, item=item_id,
                    suggestion=guess or "-")
            else:
                chosen.append(by_id[item_id])
            seen.add(str(item_id))
    if issues:
        raise BlueprintError(issues)
    blueprint = Blueprint(
        name=name, title=data["title"].strip(), instructions=data["instructions"].strip(),
        items=tuple(chosen), en={k: str(v).strip() for k, v in en.items()},
        shuffle=shuffle, seed=seed, path=path, linking=linking,
    )
    if linking is not None and check_linking:
        _check_pair(blueprint, path, linking, bad)
        if issues:
            raise BlueprintError(issues)
    return blueprint


def _check_pair(blueprint: Blueprint, path: Path, linking: Linking,
                bad: Callable[..., None]) -> None:
    other_path = path.parent / f"{linking.pair}.yaml"
    if linking.pair == blueprint.name or not other_path.is_file():
        bad("design.pair_missing", "linking.pair", linking.line, pair=linking.pair,
            path=str(other_path))
        return
    if blueprint.shuffle and linking.design == "anchor":
        bad("design.shuffled", "shuffle", linking.line)
    try:
        other = load_blueprint(other_path, check_linking=False)
    except (BlueprintError, BankError) as exc:
        bad("design.pair_broken", "linking.pair", linking.line, pair=linking.pair,
            count=len(exc.issues))
        return
    for issue in check_pair(blueprint, other):
        bad(issue.key, issue.field, issue.line, **issue.params)
