"""A counterbalanced pair on the workshop server: every participant's first test first.

``kimtrain build`` records once, in ``roster/urutan.csv``, which form of a
counterbalanced pair each participant takes first (:mod:`kimtrain.assessment.design`),
and the report reads it to know on which occasion each score was made. A room of
phones with two QR codes on the projector does not follow a list by itself, so the
server checks it when a participant identifies (code and PIN right) on a form whose
manifest declares ``linking: {design: counterbalanced}``:

* their **first** form, or their second once the first is **handed in**: as before;
* their **second** form while the first is not handed in: refused with the first
  form's title and a link to its page (:class:`kimtrain.errors.RefusedWithLink`);
  nothing is recorded, not even a presence;
* a participant **not in the list** (joined after the build): as before; the server's
  log says so, and ``/pelatih`` lists them (:func:`orders_section`);
* a list that **cannot be read** (edited by hand, saved with ``;``): the form does not
  open for anyone; the participant is told to call the trainer, the log and
  ``/pelatih`` name the file, the line and the column.

"Handed in" is what the server already knows of a "Kirim": the first form's answer
sheet records it (``submitted_at``, the "Terkirim" of ``/pelatih``), or its hand-in is
in nbgrader's ``submitted/<ID>/<NAME>/`` (:func:`kimtrain.handin.handed_in_at`: a
served "Kirim", the server's sweep, ``kimtrain collect`` of an offline zip).

:func:`enforce` is the one place the rule runs: the server's identity hook
(:func:`kimtrain.serve.kernel.attach`), which every served session gets — the light
page's in the server process and a Voilà page's in its kernel — calls it after the
PIN check and before the presence record. A form outside a counterbalanced pair never
reads the list. Standard library and light kimtrain modules only: this runs in every
participant's kernel.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.answers.store import FileAnswerStore
from kimtrain.assessment.design import ORDER_FILE, OrderListError, OrderRow, read_order_list
from kimtrain.errors import KimtrainError, RefusedWithLink, StoreError
from kimtrain.handin import handed_in_at, submitted_folder
from kimtrain.i18n import get_language, t

if TYPE_CHECKING:
    from kimtrain.serve.workshop import Workshop
    from kimtrain.widgets.session import Assessment

__all__ = ["SERVED_LIST", "OrderCheck", "Verdict", "check_order", "counterbalanced_pair",
           "enforce", "handed_in", "order_list_path", "orders_section", "served_link",
           "unlisted"]

log = logging.getLogger("kimtrain.serve")

# The tests this server serves, written by kimtrain.serve.workshop.prepare_workshop: a
# kernel links the first form only when the server really serves it.
SERVED_LIST = Path("serve") / "disajikan.json"
ORDER_NAME = f"roster/{ORDER_FILE}"  # as a participant may be told it (no laptop path)

# Who tells the trainer: a line for the server's log (the light page's server process
# or, from a kernel, the server's terminal).
Say = Callable[[str], None]
LinkOf = Callable[[str], "str | None"]


class Verdict(StrEnum):
    """What the order list says about one participant opening one form."""

    NOT_PAIRED = "not_paired"   # the form is not one of a counterbalanced pair
    FIRST = "first"             # their first form
    FIRST_DONE = "first_done"   # their second form, the first already handed in
    UNLISTED = "unlisted"       # not in urutan.csv for this pair: opens, the trainer is told
    WAIT = "wait"               # their second form, the first not handed in: refused

    @property
    def opens(self) -> bool:
        return self is not Verdict.WAIT


@dataclass(frozen=True)
class OrderCheck:
    verdict: Verdict
    form: str
    pair: str = ""
    first: str = ""  # the participant's first form (listed participants)
    row: OrderRow | None = None


def order_list_path(course_root: str | Path) -> Path:
    return Path(course_root) / "roster" / ORDER_FILE


def counterbalanced_pair(manifest: Mapping[str, Any]) -> str | None:
    """The other form of ``manifest``'s counterbalanced pair, else None."""
    linking = manifest.get("linking")
    if not isinstance(linking, dict) or linking.get("design") != "counterbalanced":
        return None
    pair = linking.get("pair")
    return pair if isinstance(pair, str) and pair else None


def _served_folder(course_root: Path, form: str) -> Path:
    from kimtrain.serve.workshop import notebooks_root

    return notebooks_root(course_root) / form


def handed_in(course_root: str | Path, form: str, participant: str) -> bool:
    """Has ``participant`` pressed "Kirim" on ``form``: its served answer sheet says so,
    or its hand-in is in ``submitted/``."""
    root = Path(course_root)
    if handed_in_at(submitted_folder(root, form, participant)) is not None:
        return True
    folder = _served_folder(root, form)
    if not folder.is_dir():
        return False
    try:
        return bool(FileAnswerStore(folder).load(form, participant).submitted_at)
    except (StoreError, OSError, ValueError):
        return False  # an unreadable sheet proves no hand-in


def check_order(course_root: str | Path, form: str, manifest: Mapping[str, Any],
                participant: str) -> OrderCheck:
    """The rule for ``participant`` (a canonical code) opening ``form``. Raises
    :class:`OrderListError` when the list of a counterbalanced form cannot be read."""
    pair = counterbalanced_pair(manifest)
    if pair is None:
        return OrderCheck(Verdict.NOT_PAIRED, form)
    row = read_order_list(order_list_path(course_root)).get(participant.upper())
    if row is None or {row.first, row.second} != {form, pair}:
        return OrderCheck(Verdict.UNLISTED, form, pair)
    if row.first == form:
        return OrderCheck(Verdict.FIRST, form, pair, row.first, row)
    if handed_in(course_root, row.first, participant):
        return OrderCheck(Verdict.FIRST_DONE, form, pair, row.first, row)
    return OrderCheck(Verdict.WAIT, form, pair, row.first, row)


# -- where the first form is, and what it is called ------------------------------------
def _title(course_root: Path, form: str, lang: str) -> str:
    from kimtrain.assessment.manifest import load_manifest

    for folder in (_served_folder(course_root, form), course_root / "release" / form):
        try:
            manifest = load_manifest(folder, form)
        except KimtrainError:
            continue
        title = str(manifest.get("title") or form)
        english = manifest.get("en")
        if lang == "en" and isinstance(english, dict) and english.get("title"):
            title = str(english["title"])
        return title
    return form


def served_link(course_root: str | Path) -> LinkOf:
    """From a Voilà kernel: the Voilà page of a form this server serves (its list,
    :data:`SERVED_LIST`), else None."""
    root = Path(course_root)

    def link(form: str) -> str | None:
        try:
            served = json.loads((root / SERVED_LIST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        names = served.get("assessments") if isinstance(served, dict) else None
        if not isinstance(names, list) or form not in names:
            return None
        return f"/voila/render/{form}/{form}.ipynb"

    return link


def enforce(course_root: str | Path, session: Assessment, code: str, *,
            link_of: LinkOf, say: Say) -> None:
    """The rule at identification (code and PIN already right). Raises
    :class:`RefusedWithLink` (the first form first) or :class:`KimtrainError` (the list
    cannot be read); says on the server who is not in the list."""
    root = Path(course_root)
    lang = session.lang
    try:
        check = check_order(root, session.name, session.manifest, code)
    except OrderListError as exc:
        say(exc.message(get_language()))
        raise KimtrainError("orders.unreadable", file=ORDER_NAME,
                            line=exc.params.get("line", "?")) from exc
    if check.verdict is Verdict.UNLISTED:
        say(t("orders.log.unlisted", lang=get_language(), participant=code,
              form=session.name, path=str(order_list_path(root))))
    if check.verdict.opens:
        return
    title = _title(root, check.first, lang)
    href = link_of(check.first)
    link = {"href": href, "text": t("orders.open_first", lang=lang, title=title)} if href \
        else {}
    raise RefusedWithLink("orders.first_first" if href else "orders.first_first_ask",
                          link=link, title=title)


# -- the trainer's view ------------------------------------------------------------------
def unlisted(workshop: Workshop) -> tuple[dict[str, list[str]], OrderListError | None]:
    """Per served counterbalanced form, who identified on it without a line in the order
    list; and the list's error, when it cannot be read."""
    from kimtrain.assessment.manifest import load_manifest
    from kimtrain.serve.records import read_presence

    root = workshop.course.root
    paired: dict[str, str] = {}
    for served in workshop.assessments:
        try:
            pair = counterbalanced_pair(load_manifest(served.folder, served.name))
        except KimtrainError:
            continue
        if pair:
            paired[served.name] = pair
    if not paired:
        return {}, None
    try:
        rows = read_order_list(order_list_path(root))
    except OrderListError as exc:
        return {}, exc
    found: dict[str, list[str]] = {}
    for form, pair in paired.items():
        codes = [code for code in sorted(read_presence(root, form))
                 if (row := rows.get(code.upper())) is None or {row.first, row.second}
                 != {form, pair}]
        if codes:
            found[form] = codes
    if not rows:
        found.setdefault("", [])  # no list at all: every participant is unlisted
    return found, None


def orders_section(workshop: Workshop, lang: str) -> str:
    """``/pelatih``'s section on the order list; empty when no served form is part of a
    counterbalanced pair, or when everyone who started is listed."""
    found, error = unlisted(workshop)
    if error is not None:
        body = f'<p class="kt-orders-error">{html.escape(error.message(lang))}</p>'
    elif not found:
        return ""
    else:
        parts = []
        if "" in found:
            text = t("orders.trainer.no_list", lang=lang, path=ORDER_NAME)
            parts.append(f"<p>{html.escape(text)}</p>")
        for form, codes in found.items():
            if form and codes:
                parts.append(f'<p data-form="{html.escape(form)}">' + html.escape(t(
                    "orders.trainer.unlisted", lang=lang, form=form, count=len(codes),
                    codes=", ".join(codes))) + "</p>")
        body = "".join(parts)
    return (f'<section class="kt-orders"><h2>{html.escape(t("orders.trainer.title", lang=lang))}'
            f'</h2><p class="muted">{html.escape(t("orders.trainer.intro", lang=lang))}</p>'
            f"{body}</section>")
