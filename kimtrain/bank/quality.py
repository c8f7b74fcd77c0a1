"""Item-quality checks: cues a test-wise participant could use instead of the skill.

``kimtrain bank check`` runs these after the format checks. Each finding is a
:class:`~kimtrain.errors.BankIssue` (file, line, item, message key) at the level
*warning*; a course opts into failing on them with ``--strict`` or with
``level: error`` in ``quality.yaml`` beside its ``bank/`` folder.

Checks per item (every bank file):

* ``all_of_above``: an option "semua benar / semua di atas / semua jawaban benar";
* ``negative_stem``: the question asks for the wrong one ("BUKAN", "kecuali",
  "tidak termasuk");
* ``shared_words``: distinctive stem words that the key repeats while no distractor
  repeats any;
* ``length_spread``: options of very different lengths (the longest ≥ 3× the
  shortest and ≥ 40 characters longer) where a key is the longest or the shortest;
* ``choose_all``: a multiple-response item where ticking every option earns credit
  under the scoring rule grading uses (every option a key).

Checks per *set* — each blueprint (a form or quiz) and each bank file (a practice
file is one practice set):

* ``key_position``: one key position far above its chance share, or a position never
  used; for multiple-response items, one option that is a key (almost) always;
* ``longest`` / ``two_longest`` / ``never_shortest``: how often the key is the longest
  option, among the two longest, or never the shortest, against chance;
* ``discernment_format``: within a hoaks-atau-fakta set, a surface feature (a quoted
  message, forwarded-message words, exclamation marks) that predicts the verdict;
* ``thin_domain`` / ``thin_competency``: a form's domain with fewer than
  :data:`MIN_ITEMS_PER_SCORE` items, or (when the blueprint reports per-competency
  scores with ``competency_scores: true``) such a competency.

Across files: ``near_duplicate``: a practice item (``latihan-*.yaml``) whose text is
nearly the same as an assessment item, so the assessment would measure a remembered
verdict.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.bank.model import MULTIPLE, SINGLE, TRUEFALSE, Item
from kimtrain.errors import BankIssue

__all__ = [
    "MIN_ITEMS_PER_SCORE",
    "CueCounts",
    "ItemSet",
    "blueprint_sets",
    "cue_counts",
    "is_practice",
    "quality_issues",
    "read_level",
]

#: A score reported for a domain or competency needs at least this many items on a form.
MIN_ITEMS_PER_SCORE = 4

ALL_OF_ABOVE = re.compile(
    r"\bsemua\s+(?:jawaban\s+|pilihan\s+|yang\s+)?(?:di\s*atas|benar)\b"
    r"|\btidak\s+ada\s+(?:jawaban\s+)?yang\s+benar\b"
    r"|\ball\s+of\s+the\s+above\b|\bnone\s+of\s+the\s+above\b",
    re.IGNORECASE,
)
# "Manakah yang BUKAN ...", "... yang bukan ...", "kecuali", "tidak termasuk" in the question
# sentence (quoted text left out); a contrast such as "fakta, bukan opini" is no negative stem.
NEGATIVE = re.compile(r"\bBUKAN\b|(?i:\byang\s+bukan(?:lah)?\b|\bkecuali\b|\btidak\s+termasuk\b)")
QUOTE_CHARS = "\"“”'‘’«»"
QUOTED_SPAN = re.compile(r"[\"“”«][^\"“”«»]{12,}[\"“”»]")
FORWARDED = re.compile(
    r"\b(?:pesan\s+berantai|pesan\s+terusan|diteruskan|teruskan|forward(?:ed)?|sebarkan|"
    r"viral|beredar|video|tangkapan\s+layar|unggahan|postingan|broadcast)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOPWORD_TEXT = """
    yang dengan untuk dari atau agar karena anda dan ini itu akan pada dalam tidak bisa
    sudah lalu apa mana paling lebih harus juga saja kita kami mereka sebuah seorang
    oleh ada adalah secara para tersebut kepada sebagai hanya jika kalau setelah sebelum
    supaya tetapi baru masih belum boleh dapat perlu sangat semua setiap tanpa tentang
    sama bahwa saat ketika apakah manakah bagaimana mengapa kenapa siapa berapa langkah
    tepat benar salah pilih pilihan soal jawaban sebaiknya lebih dulu dulu kalian dia ia
    nya the and for with that this from what which
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
NEAR_DUPLICATE = 0.72      # SequenceMatcher ratio of normalised stems
SAME_CASE = 0.4            # Jaccard of distinctive stem words (with at least 4 shared)
LENGTH_RATIO = 3.0
LENGTH_GAP = 40
FORMAT_RULE = 0.8          # a format rule that gets this share right is a cue


@dataclass(frozen=True)
class ItemSet:
    """Items that a participant meets together: a form, a quiz or a practice file."""

    kind: str            # "blueprint" | "bank"
    name: str
    file: str
    line: int | None
    items: tuple[Item, ...]
    form: bool = False   # a pre/post form (not a quiz): reported scores apply
    competency_scores: bool = False


@dataclass
class CueCounts:
    """Counts of each cue in a collection of items (for before/after summaries)."""

    single: int = 0
    key_longest: int = 0
    key_two_longest: int = 0
    key_shortest: int = 0
    key_positions: Counter[str] = field(default_factory=Counter)
    multiple: int = 0
    multiple_key_letters: Counter[str] = field(default_factory=Counter)
    choose_all_pays: int = 0
    more_keys_than_distractors: int = 0
    shared_words: int = 0
    all_of_above: int = 0
    negative_stem: int = 0
    length_spread: int = 0
    discernment: int = 0
    discernment_quoted_false: int = 0
    discernment_quoted_true: int = 0
    discernment_format_rule_hits: int = 0
    near_duplicates: int = 0

    def rows(self) -> list[tuple[str, str]]:
        pos = ", ".join(f"{k} {v}" for k, v in sorted(self.key_positions.items()))
        letters = ", ".join(f"{k} {v}" for k, v in sorted(self.multiple_key_letters.items()))
        return [
            ("single-choice items", str(self.single)),
            ("key is the longest option", f"{self.key_longest}/{self.single}"),
            ("key among the two longest", f"{self.key_two_longest}/{self.single}"),
            ("key is the shortest option", f"{self.key_shortest}/{self.single}"),
            ("key positions (single)", pos),
            ("multiple-response items", str(self.multiple)),
            ("option is a key (multiple)", letters),
            ("choosing everything earns credit", str(self.choose_all_pays)),
            ("more keys than distractors (multiple)", str(self.more_keys_than_distractors)),
            ("stem words only the key repeats", str(self.shared_words)),
            ("'semua benar / di atas' options", str(self.all_of_above)),
            ("negative stems", str(self.negative_stem)),
            ("options of very different lengths", str(self.length_spread)),
            ("discernment claims", str(self.discernment)),
            ("quoted/forwarded format on hoaxes", str(self.discernment_quoted_false)),
            ("quoted/forwarded format on facts", str(self.discernment_quoted_true)),
            ("'format -> hoaks' rule right", f"{self.discernment_format_rule_hits}/"
                                             f"{self.discernment}"),
            ("practice items nearly equal to an assessment item", str(self.near_duplicates)),
        ]


# -- small text helpers ------------------------------------------------------------

def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def _length(text: str) -> int:
    return len(_plain(text))


def _words(text: str) -> set[str]:
    out = set()
    for w in WORD.findall(_plain(text).lower()):
        if w.endswith("nya") and len(w) > 6:
            w = w[:-3]
        if len(w) >= 4 and w not in STOPWORDS:
            out.add(w)
    return out


def _question(stem: str) -> str:
    """The sentence of a stem that asks (the last one with '?', else the last
    paragraph), without quoted text."""
    text = re.sub(r"[\"“][^\"“”]*[\"”]", " ", _plain(stem))
    sentences = re.split(r"(?<=[.!?])\s+", text)
    asking = [x for x in sentences if "?" in x]
    if asking:
        return asking[-1]
    paragraphs = [p for p in re.split(r"\n\s*\n", stem.strip()) if p.strip()]
    return paragraphs[-1] if paragraphs else stem


def is_practice(item: Item) -> bool:
    return Path(item.file).name.startswith("latihan-") or item.id.startswith("LAT-")


# -- per-item facts ----------------------------------------------------------------

def _length_rank(item: Item) -> tuple[int, int, int] | None:
    """(options longer than the key, options shorter than the key, options) for a
    single-choice item with at least three options, else None."""
    if item.type != SINGLE or len(item.options) < 3 or item.key not in item.options:
        return None
    key_len = _length(item.options[item.key])
    others = [_length(v) for k, v in item.options.items() if k != item.key]
    return (sum(n > key_len for n in others), sum(n < key_len for n in others),
            len(item.options))


def _common_words(items: Iterable[Item]) -> frozenset[str]:
    """Words in more than 2 % of the items (at least 5): the banks' everyday vocabulary
    (desa, warga, pesan ...), which a key may repeat without giving anything away."""
    items = list(items)
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(_words(" ".join([item.stem, *item.options.values()])))
    limit = max(5, 0.02 * len(items))
    return frozenset(w for w, n in counts.items() if n > limit)


def _shared_words(item: Item, common: frozenset[str] = frozenset()) -> list[str]:
    """Distinctive stem words (5+ letters, not everyday bank vocabulary) that the key
    repeats while no distractor repeats any distinctive stem word: the key alone echoes
    the stem (a "clang" cue)."""
    if item.type != SINGLE or item.key not in item.options:
        return []
    stem = {w for w in _words(item.stem) if len(w) >= 5 and w not in common}
    key = _words(item.options[item.key])
    others: set[str] = set()
    for k, v in item.options.items():
        if k != item.key:
            others |= _words(v)
    if stem & others:
        return []
    return sorted(stem & key)


def _length_spread(item: Item) -> tuple[int, int] | None:
    if item.type not in (SINGLE, MULTIPLE) or len(item.options) < 2:
        return None
    lengths = {k: _length(v) for k, v in item.options.items()}
    low, high = min(lengths.values()), max(lengths.values())
    keys = item.key if isinstance(item.key, list) else [item.key]
    # a cue only when a key is the odd one out: the longest or the shortest option
    odd = any(lengths.get(k) in (low, high) for k in keys)
    if odd and high >= LENGTH_RATIO * max(low, 1) and high - low >= LENGTH_GAP:
        return low, high
    return None


def _choose_all_credit(item: Item) -> float:
    """The share of the points that ticking every option earns under the scoring rule
    that grading uses (:func:`kimtrain.grading.scoring.score_item`)."""
    from kimtrain.grading.scoring import score_item

    if item.type != MULTIPLE or not item.key:
        return 0.0
    return (score_item(item.scoring(), list(item.options)).points or 0.0) / item.points


def _formats(item: Item) -> dict[str, bool]:
    stem = _plain(item.stem)
    return {
        "quoted": stem[:1] in QUOTE_CHARS or bool(QUOTED_SPAN.search(stem)),
        "forwarded": bool(FORWARDED.search(stem)),
        "exclaim": "!" in stem,
    }


# -- the checks --------------------------------------------------------------------

def _issue(file: str, line: int | None, key: str, item: str | None = None,
           **params: Any) -> BankIssue:
    return BankIssue(file=file, key=f"quality.{key}", params=params, item=item, line=line)


def _item_issues(items: Sequence[Item]) -> list[BankIssue]:
    out: list[BankIssue] = []
    common = _common_words(items)
    for item in items:
        def add(key: str, **params: Any) -> None:
            out.append(_issue(item.file, item.line, key, item.id, **params))  # noqa: B023

        texts = list(item.options.values())
        hit = next((t for t in texts if ALL_OF_ABOVE.search(_plain(t))), None)
        if hit:
            add("all_of_above", option=_plain(hit)[:60])
        if item.type in (SINGLE, MULTIPLE):
            match = NEGATIVE.search(_plain(_question(item.stem)))
            if match:
                add("negative_stem", word=match.group(0))
        words = _shared_words(item, common)
        if words:
            add("shared_words", words=", ".join(words))
        spread = _length_spread(item)
        if spread:
            add("length_spread", low=spread[0], high=spread[1])
        credit = _choose_all_credit(item)
        if credit > 0:
            add("choose_all", share=f"{credit:.0%}", right=len(item.key),
                options=len(item.options))
    return out


def _key_position_issues(s: ItemSet) -> list[BankIssue]:
    out: list[BankIssue] = []
    singles = [i for i in s.items if i.type == SINGLE and len(i.options) >= 3
               and i.key in i.options]
    if len(singles) >= 4:
        counts: Counter[str] = Counter()
        expected: dict[str, float] = {}
        for item in singles:
            letters = list(item.options)
            counts[item.key] += 0
            for letter in letters:
                expected[letter] = expected.get(letter, 0.0) + 1 / len(letters)
            counts[item.key] += 1
        for letter, exp in sorted(expected.items()):
            got = counts.get(letter, 0)
            summary = ", ".join(f"{k} {counts.get(k, 0)}" for k in sorted(expected))
            if got > exp + max(2.0, exp / 2):
                example = [i.id for i in singles if i.key == letter][:6]
                out.append(_issue(s.file, s.line, "key_position.over", None, set=s.name,
                                  letter=letter, count=got, total=len(singles),
                                  expected=f"{exp:.1f}", summary=summary,
                                  items=", ".join(example)))
            elif got == 0 and exp >= 2.0:
                out.append(_issue(s.file, s.line, "key_position.never", None, set=s.name,
                                  letter=letter, total=len(singles), summary=summary))
    multis = [i for i in s.items if i.type == MULTIPLE and len(i.options) >= 3]
    if len(multis) >= 3:
        keyed: Counter[str] = Counter()
        for item in multis:
            for letter in item.key:
                keyed[letter] += 1
        for letter, got in sorted(keyed.items()):
            having = sum(letter in i.options for i in multis)
            if having >= 3 and got >= max(3, 0.8 * having):
                out.append(_issue(s.file, s.line, "key_position.multiple", None, set=s.name,
                                  letter=letter, count=got, total=having))
    return out


def _length_cue_issues(s: ItemSet) -> list[BankIssue]:
    ranked = [(i, r) for i in s.items if (r := _length_rank(i)) is not None]
    if len(ranked) < 4:
        return []
    n = len(ranked)
    longest = [i.id for i, (longer, _, _) in ranked if longer == 0]
    two = [i.id for i, (longer, _, _) in ranked if longer <= 1]
    shortest = [i.id for i, (_, shorter, _) in ranked if shorter == 0]
    exp1 = sum(1 / k for _, (_, _, k) in ranked)
    exp2 = sum(min(1.0, 2 / k) for _, (_, _, k) in ranked)
    out = []
    if len(longest) > exp1 + max(2.0, exp1 / 2):
        out.append(_issue(s.file, s.line, "longest", None, set=s.name, count=len(longest),
                          total=n, expected=f"{exp1:.1f}", items=", ".join(longest[:8])))
    if len(two) > exp2 + max(2.0, exp2 * 0.35):
        out.append(_issue(s.file, s.line, "two_longest", None, set=s.name, count=len(two),
                          total=n, expected=f"{exp2:.1f}"))
    if not shortest and exp1 >= 2.0:
        out.append(_issue(s.file, s.line, "never_shortest", None, set=s.name, total=n))
    return out


def _discernment_issues(s: ItemSet) -> list[BankIssue]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in s.items:
        if item.type == TRUEFALSE and item.discernment_set and isinstance(item.key, bool):
            groups[item.discernment_set].append(item)
    out = []
    for name, claims in sorted(groups.items()):
        if len(claims) < 4 or len({c.key for c in claims}) < 2:
            continue
        hoaxes = sum(not c.key for c in claims)
        base = max(hoaxes, len(claims) - hoaxes) / len(claims)
        for feature in ("quoted", "forwarded", "exclaim"):
            marks = [_formats(c)[feature] for c in claims]
            if len(set(marks)) < 2:
                continue
            right = sum(m == (not c.key) for m, c in zip(marks, claims, strict=True))
            share = max(right, len(claims) - right) / len(claims)
            if share >= FORMAT_RULE and share > base:
                from kimtrain.i18n import t

                rule = "hoaks" if right >= len(claims) - right else "fakta"
                out.append(_issue(s.file, s.line, "discernment_format", None, set=s.name,
                                  discernment_set=name, feature=t(f"quality.feature.{feature}"),
                                  verdict=rule,
                                  count=max(right, len(claims) - right), total=len(claims)))
    return out


def _coverage_issues(s: ItemSet) -> list[BankIssue]:
    if not s.form:
        return []
    out = []
    domains = Counter(i.domain for i in s.items)
    for domain, n in sorted(domains.items()):
        if n < MIN_ITEMS_PER_SCORE:
            out.append(_issue(s.file, s.line, "thin_domain", None, set=s.name, domain=domain,
                              count=n, need=MIN_ITEMS_PER_SCORE))
    if s.competency_scores:
        comps = Counter(i.competency for i in s.items)
        for comp, n in sorted(comps.items()):
            if n < MIN_ITEMS_PER_SCORE:
                out.append(_issue(s.file, s.line, "thin_competency", None, set=s.name,
                                  competency=comp, count=n, need=MIN_ITEMS_PER_SCORE))
    return out


def _stem_text(item: Item) -> str:
    """Stem and options, normalised: what a participant reads of an item."""
    text = _plain(" ".join([item.stem, *item.options.values()])).lower()
    return re.sub(r"[^\w\s]", "", text)


def _same_case(a: set[str], b: set[str]) -> float:
    """Share of distinctive words two stems have in common (Jaccard), or 0 when they
    share fewer than four: the same case told in other words."""
    shared = len(a & b)
    return shared / len(a | b) if shared >= 4 else 0.0


def _near_duplicates(items: Sequence[Item]) -> list[tuple[Item, Item, float]]:
    practice = [i for i in items if is_practice(i)]
    tests = [i for i in items if not is_practice(i) and i.type != "written"]
    common = _common_words(items)

    def rare(item: Item) -> set[str]:
        return {w for w in _words(item.stem) if len(w) >= 5 and w not in common}

    pairs = []
    test_texts = [(t, _stem_text(t)) for t in tests]
    test_words = {t.id: rare(t) for t in tests}
    for p in practice:
        words = rare(p)
        same = [(t, _same_case(words, test_words[t.id])) for t in tests]
        same = [(t, r) for t, r in same if r >= SAME_CASE]
        if same:
            t, r = max(same, key=lambda x: x[1])
            pairs.append((p, t, r))
            continue
        ptext = _stem_text(p)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(ptext)
        best: tuple[Item, float] | None = None
        for t, ttext in test_texts:
            matcher.set_seq1(ttext)
            if min(matcher.real_quick_ratio(), matcher.quick_ratio()) < NEAR_DUPLICATE:
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR_DUPLICATE and (best is None or ratio > best[1]):
                best = (t, ratio)
        if best:
            pairs.append((p, best[0], best[1]))
    return pairs


def _near_duplicate_issues(items: Sequence[Item]) -> list[BankIssue]:
    return [
        _issue(p.file, p.line, "near_duplicate", p.id, other=t.id,
               where=f"{t.file}:{t.line}", share=f"{ratio:.0%}")
        for p, t, ratio in _near_duplicates(items)
    ]


def bank_sets(items: Sequence[Item]) -> list[ItemSet]:
    """One set per bank file, in file order."""
    by_file: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_file[item.file].append(item)
    return [ItemSet("bank", Path(f).name, f, _items_line(f), tuple(v))
            for f, v in by_file.items()]


def _items_line(file: str) -> int | None:
    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("items:"):
            return number
    return None


def blueprint_sets(paths: Iterable[str | Path]) -> tuple[list[ItemSet], list[BankIssue]]:
    """Load every blueprint; a blueprint that does not load is reported as an error."""
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.bank.yamlsource import load_located
    from kimtrain.errors import BankError, BlueprintError

    sets: list[ItemSet] = []
    errors: list[BankIssue] = []
    for path in map(Path, paths):
        try:
            bp = load_blueprint(path)
        except (BlueprintError, BankError) as exc:
            errors.extend(exc.issues)
            continue
        src = load_located(path)
        raw = src.data if isinstance(src.data, dict) else {}
        sets.append(ItemSet(
            "blueprint", bp.name, str(path), src.line("items"), bp.items,
            form=not bp.name.startswith("kuis"),
            competency_scores=bool(raw.get("competency_scores", False)),
        ))
    return sets, errors


def quality_issues(items: Sequence[Item], sets: Sequence[ItemSet] = ()) -> list[BankIssue]:
    """Every quality warning for ``items`` (per item and per bank file), the sets of
    ``sets`` (blueprints) and practice-vs-assessment near-duplicates."""
    out = _item_issues(items)
    for s in [*bank_sets(items), *sets]:
        out += _key_position_issues(s)
        out += _length_cue_issues(s)
        out += _discernment_issues(s)
        out += _coverage_issues(s)
    # small files hide a habit that only shows over all of them (a key that is the longest
    # option in most practice items): key position and length rates over every practice
    # item, and over every assessment item
    for s in pooled_sets(items):
        out += _key_position_issues(s)
        out += _length_cue_issues(s)
    out += _near_duplicate_issues(items)
    return out


def pooled_sets(items: Sequence[Item]) -> list[ItemSet]:
    """All practice items, and all assessment items, as two sets (file: their folder)."""
    out = []
    for name, chosen in (("latihan-*.yaml", [i for i in items if is_practice(i)]),
                         ("*.yaml", [i for i in items if not is_practice(i)])):
        if chosen:
            folder = str(Path(chosen[0].file).parent / name)
            out.append(ItemSet("pool", folder, folder, None, tuple(chosen)))
    return out


def cue_counts(items: Sequence[Item]) -> CueCounts:
    """Counts of every cue over ``items`` (the before/after table of a bank rewrite)."""
    c = CueCounts()
    common = _common_words(items)
    for item in items:
        rank = _length_rank(item)
        if rank is not None:
            longer, shorter, _ = rank
            c.single += 1
            c.key_longest += longer == 0
            c.key_two_longest += longer <= 1
            c.key_shortest += shorter == 0
            c.key_positions[item.key] += 1
        if item.type == MULTIPLE:
            c.multiple += 1
            for letter in item.key:
                c.multiple_key_letters[letter] += 1
            c.choose_all_pays += _choose_all_credit(item) > 0
            c.more_keys_than_distractors += 2 * len(item.key) > len(item.options)
        c.shared_words += bool(_shared_words(item, common))
        c.all_of_above += any(ALL_OF_ABOVE.search(_plain(t)) for t in item.options.values())
        c.negative_stem += (item.type in (SINGLE, MULTIPLE)
                            and bool(NEGATIVE.search(_plain(_question(item.stem)))))
        c.length_spread += _length_spread(item) is not None
        if item.type == TRUEFALSE and item.discernment_set and isinstance(item.key, bool):
            marked = any(_formats(item)[f] for f in ("quoted", "forwarded"))
            c.discernment += 1
            c.discernment_quoted_false += marked and not item.key
            c.discernment_quoted_true += marked and item.key
            c.discernment_format_rule_hits += marked == (not item.key)
    c.near_duplicates = len(_near_duplicates(items))
    return c


def read_level(bank_dir: Path) -> tuple[str, BankIssue | None]:
    """The course's quality level from ``quality.yaml`` beside ``bank_dir``:
    ``warning`` (default) or ``error``; a bad file is reported, never ignored."""
    import yaml

    path = bank_dir.parent / "quality.yaml"
    if not path.is_file():
        return "warning", None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return "warning", BankIssue(str(path), "bank.file.yaml", {"message": str(exc)},
                                    line=mark.line + 1 if mark else None)
    level = data.get("level", "warning") if isinstance(data, dict) else None
    if level not in ("warning", "error"):
        return "warning", BankIssue(str(path), "quality.level.invalid", {"value": level},
                                    field="level", line=None)
    return level, None
