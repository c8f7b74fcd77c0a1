"""The assessment session a participant's notebook runs: identify, answer, check.

A built assessment notebook contains only calls on this class::

    from kimtrain.widgets import Assessment
    ujian = Assessment("pretest")
    ujian.mulai()            # identity card
    ujian.soal("AMAN-01")    # one locked cell per item
    ujian.periksa()          # "Periksa jawaban"
    ujian.kirim()            # "Kirim": the last step

Every answer is written to the answer store the moment it changes; re-running
the notebook (after a kernel restart, a crash, a reload) shows what was saved.
Under ``nbgrader autograde`` no widgets are made: each item is shown as static
HTML with the participant's saved answer, which is what a grader sees in formgrader.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kimtrain import items
from kimtrain.answers.store import AnswerSheet, AnswerStore, FileAnswerStore, participant_id
from kimtrain.answers.values import normalise_response
from kimtrain.assessment.manifest import load_manifest, localize
from kimtrain.context import SessionContext, current, host_hook
from kimtrain.errors import KimtrainError, RefusedWithLink, SubmittedAlready
from kimtrain.i18n import get_language, t
from kimtrain.widgets.offline import attach_zip
from kimtrain.widgets.views import CheckWidget, IdentityWidget, ItemWidget, SubmitWidget

__all__ = ["SESSION_EXTENSIONS", "Assessment", "IdentifyHook", "SubmitHook", "record_answer"]

# Called after a participant's "Kirim" is recorded; may return a line to show them
# (for example the name of the zip file written for an offline hand-in).
SubmitHook = Callable[["Assessment", AnswerSheet], "str | None"]
# Called with the canonical code and the PIN typed with it (empty where no PIN is asked)
# before a participant's answers are shown; may raise KimtrainError to refuse them
# (wrong code or PIN) or return a line for the welcome (for example the participant's
# name, so a mistyped code is noticed at once).
IdentifyHook = Callable[["Assessment", str, str], "str | None"]


def _attach_host(session: Assessment) -> None:
    """The hooks of whoever started this kernel (the workshop server's checks and
    hand-in), as its context names them (:func:`kimtrain.context.host_hook`)."""
    if session.context.in_grading:
        return
    hook = host_hook(session.context)
    if hook is not None:
        hook(session)


def _attach_hub_exchange(session: Assessment) -> None:
    """JupyterLab on a JupyterHub: "Kirim" submits through nbgrader's exchange."""
    context = session.context
    if context.hub_user and not context.served and not context.in_grading:
        from kimtrain.hub.handin import attach_exchange

        attach_exchange(session)


# Called with every new Assessment, in order; each adds its hooks (``on_submit``,
# ``on_identify``) where it applies: the offline zip hand-in, the kernel's host, a
# hub's exchange.
SESSION_EXTENSIONS: list[Callable[[Assessment], None]] = [attach_zip, _attach_host,
                                                          _attach_hub_exchange]


def record_answer(store: AnswerStore, assessment: str, participant: str,
                  item: dict[str, Any], value: Any) -> Any:
    """Check ``value`` against ``item`` and save it; return the stored form.

    The one path every answer takes: the widgets, the demo's simulated
    participants and the tests all call this.
    """
    stored = normalise_response(item, value)
    store.save_answer(assessment, participant, item["id"], stored)
    return stored


def _reason(exc: OSError) -> str:
    """What went wrong, without the file's path (a page never shows the server's paths)."""
    return exc.strerror or type(exc).__name__


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - widgets always run under IPython
        return
    display(obj)


class _Html:
    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:  # the text/plain of the output: stable across runs
        return "<kimtrain: HTML>"


class Assessment:
    """One participant's sitting of one assessment, in this notebook's folder."""

    def __init__(self, name: str, directory: str | os.PathLike[str] | None = None, *,
                 participant: str | None = None, store: AnswerStore | None = None,
                 lang: str | None = None, context: SessionContext | None = None) -> None:
        # Told by whoever started the kernel (kimtrain.context): who, and which host.
        self.context = context or current()
        self.directory = Path(directory) if directory else Path.cwd()
        self.manifest = load_manifest(self.directory, name)
        self.name = name
        # An explicit choice, else the environment's, else the language it was built in.
        chosen = lang or (get_language() if self.context.lang else None)
        self.lang = chosen or self.manifest.get("lang", "id")
        self.store: AnswerStore = store or FileAnswerStore(self.directory)
        self.items = {item["id"]: item for item in self.manifest["items"]}
        self.order = [item["id"] for item in self.manifest["items"]]
        self.widgets: dict[str, ItemWidget] = {}
        self.identity: IdentityWidget | None = None
        self.check_widget: CheckWidget | None = None
        self.submit_widget: SubmitWidget | None = None
        self.on_submit: list[SubmitHook] = []
        self.on_identify: list[IdentifyHook] = []
        # The identity card asks for a PIN too (set by the workshop server's extension).
        self.pin_required = False
        self.participant: str | None = None
        self._confirming = False
        self._welcome_notes: list[str] = []
        found = participant or self._participant_from_context()
        if found:
            self.participant = participant_id(found)
        for extend in SESSION_EXTENSIONS:
            extend(self)

    # -- who is answering -----------------------------------------------------------
    def _participant_from_context(self) -> str | None:
        fixed = self.context.fixed_participant()
        if fixed:
            return fixed
        if self.context.in_grading:
            graded = self.context.graded_participant(self.directory)
            try:
                return participant_id(graded) if graded else None
            except KimtrainError:
                return None
        if not self.context.served:
            # A notebook folder used by one person (a laptop, a USB copy): pick up
            # the one sheet already there, so a re-run shows the saved answers.
            # Once that person has sent it (Kirim), the next person on a shared laptop
            # starts with an empty card instead.
            known = self.store.participants(self.name)
            if len(known) == 1 and not self.store.load(self.name, known[0]).submitted_at:
                return known[0]
        return None

    def identify(self, code: str, pin: str = "") -> str:
        """Set the participant and show their saved answers in every item.

        Every ``on_identify`` hook runs first; one that raises (a wrong PIN) leaves
        the card empty: nothing of the sheet is sent.
        """
        found = participant_id(code)
        self._welcome_notes = [note for hook in self.on_identify
                               if (note := hook(self, found, str(pin or "")))]
        self.participant = found
        sheet = self.store.load(self.name, self.participant)
        for item_id, widget in self.widgets.items():
            widget.set_quietly(sheet.value(item_id))
            widget.disabled = sheet.submitted_at is not None
            saved = sheet.answers.get(item_id)
            widget.show_status("saved" if saved and saved.value is not None else "",
                               self._saved_message() if saved and saved.value is not None
                               else "")
        if self.identity is not None:
            self.identity.participant = self.participant
            self.identity.locked = sheet.submitted_at is not None
        if self.submit_widget is not None:
            self._show_submitted(self.submit_widget, sheet)
        return self.participant

    def _on_identity(self, widget: IdentityWidget, content: dict[str, Any]) -> None:
        if content.get("event") == "change":
            self.participant = None
            widget.participant = ""
            if getattr(widget, "link", {}):
                widget.link = {}
            for w in self.widgets.values():
                w.set_quietly(None)
                w.disabled = True
                w.show_status("", t("widget.identify_first", lang=self.lang))
            return
        link: dict[str, str] = {}
        try:
            self.identify(str(content.get("code", ""))[:64], str(content.get("pin", ""))[:64])
            welcome = t("widget.identity.welcome", lang=self.lang, participant=self.participant)
            widget.show_status("saved", " ".join([welcome, *self._welcome_notes]))
        except KimtrainError as exc:
            widget.show_status("error", t(exc.key, lang=self.lang, **exc.params))
            if isinstance(exc, RefusedWithLink):  # the page to open instead (a tap-able link)
                link = exc.link
        if getattr(widget, "link", {}) != link:
            widget.link = link

    # -- answering ----------------------------------------------------------------------
    def answer(self, item_id: str, value: Any) -> Any:
        """Save ``value`` as the current participant's answer to ``item_id``."""
        if self.participant is None:
            raise KimtrainError("widget.identify_first")
        if self.store.load(self.name, self.participant).submitted_at:
            raise SubmittedAlready("widget.already_submitted")
        return record_answer(self.store, self.name, self.participant, self.items[item_id], value)

    def _on_answer(self, widget: ItemWidget, value: Any) -> None:
        item_id = widget.item["id"]
        try:
            stored = self.answer(item_id, value)
        except KimtrainError as exc:
            if isinstance(exc, SubmittedAlready) and self.participant:
                widget.set_quietly(self.store.load(self.name, self.participant).value(item_id))
            widget.show_status("error", t(exc.key, lang=self.lang, **exc.params))
            return
        except OSError as exc:
            widget.show_status("error", t("widget.save_failed", lang=self.lang,
                                          reason=_reason(exc)))
            return
        if stored != value and not isinstance(value, str):
            widget.set_quietly(stored)
        widget.show_status("saved" if stored is not None else "",
                           self._saved_message() if stored is not None
                           else t("widget.cleared", lang=self.lang))

    def _saved_message(self) -> str:
        clock = time.strftime("%H.%M" if self.lang == "id" else "%H:%M")
        return t("widget.saved", lang=self.lang, time=clock)

    def unanswered(self) -> list[str]:
        if self.participant is None:
            return list(self.order)
        answered = self.store.load(self.name, self.participant).answered()
        return [i for i in self.order if i not in answered]

    # -- what the notebook cells call ---------------------------------------------------
    def _labels(self, item: dict[str, Any] | None = None) -> dict[str, str]:
        lang = self.lang
        labels = {k: t(f"widget.{k}", lang=lang) for k in (
            "multiple_hint", "numeric_hint", "unit", "answer", "rubric", "start", "change",
            "code", "placeholder", "you", "ask", "check", "submit", "submit_anyway",
            "submit_hint", "pin", "pin_placeholder", "ask_pin", "not_saved", "reload", "saving")}
        if item is not None:
            labels.update(items.get(item["type"], item["id"]).labels(lang))
            labels["number"] = t("widget.number", lang=lang,
                                 number=self.order.index(item["id"]) + 1, total=len(self.order))
            labels["points"] = t("widget.points", lang=lang, points=f"{item['points']:g}")
        return labels

    # The four calls below display their card and return nothing, so that a notebook
    # cell ending in one of them does not show the card a second time as its result.
    # The widgets stay reachable: ``identity``, ``widgets[id]``, ``check_widget``,
    # ``submit_widget``.
    def mulai(self) -> None:
        """Show the identity card (a plain line while grading)."""
        if self.context.in_grading:
            _display(_Html(self.title_html()))
            return
        self.identity = IdentityWidget(on_event=self._on_identity, labels=self._labels(),
                                       participant=self.participant or "",
                                       pin_required=self.pin_required)
        if self.participant:
            self.identity.show_status("saved", t("widget.identity.welcome", lang=self.lang,
                                                 participant=self.participant))
        _display(self.identity)

    def soal(self, item_id: str) -> None:
        """Show one item: a widget for the participant, static HTML while grading."""
        item = localize(self.items[item_id], self.lang)
        if self.context.in_grading:
            _display(_Html(self._static(item)))
            return
        sheet = self.store.load(self.name, self.participant) if self.participant else None
        widget = ItemWidget(on_answer=self._on_answer, item=item, labels=self._labels(item),
                            disabled=sheet is None or sheet.submitted_at is not None)
        if sheet is not None:
            widget.set_quietly(sheet.value(item_id))
            if sheet.value(item_id) is not None:
                widget.show_status("saved", self._saved_message())
        else:
            widget.show_status("", t("widget.identify_first", lang=self.lang))
        self.widgets[item_id] = widget
        _display(widget)

    def periksa(self) -> None:
        """Show the "Periksa jawaban" card."""
        if self.context.in_grading:
            return
        self.check_widget = CheckWidget(on_check=self._on_check, labels=self._labels())
        _display(self.check_widget)

    def kirim(self) -> None:
        """Show the "Kirim" card, the participant's last step."""
        if self.context.in_grading:
            return
        widget = SubmitWidget(on_submit=self._on_submit_tap, labels=self._labels())
        if self.participant:
            self._show_submitted(widget, self.store.load(self.name, self.participant))
        self.submit_widget = widget
        _display(widget)

    def submit(self, *, confirm: bool = False) -> AnswerSheet | None:
        """Record "Kirim" for the current participant and lock their answers.

        With items still empty and ``confirm`` false nothing is recorded and ``None``
        is returned: the participant is asked once more.
        """
        if self.participant is None:
            raise KimtrainError("widget.identify_first")
        if self.unanswered() and not confirm:
            return None
        sheet = self.store.mark_submitted(self.name, self.participant)
        for widget in self.widgets.values():
            widget.disabled = True
        if self.identity is not None:
            self.identity.locked = True
        return sheet

    def _on_submit_tap(self, widget: SubmitWidget) -> None:
        lang = self.lang
        if self.participant is None:
            widget.result = {"summary": t("widget.identify_first", lang=lang)}
            return
        try:
            sheet = self.submit(confirm=self._confirming)
        except (KimtrainError, OSError) as exc:
            message = (t(exc.key, lang=lang, **exc.params) if isinstance(exc, KimtrainError)
                       else t("widget.save_failed", lang=lang, reason=_reason(exc)))
            widget.show_status("error", message)
            return
        if sheet is None:
            self._confirming = True
            widget.result = {"summary": t("widget.submit.confirm", lang=lang,
                                          missing=len(self.unanswered())), "confirm": True}
            return
        self._confirming = False
        notes = []
        for hook in self.on_submit:
            try:
                note = hook(self, sheet)
            except KimtrainError as exc:
                widget.show_status("error", t(exc.key, lang=lang, **exc.params))
                continue
            except OSError as exc:
                widget.show_status("error", t("widget.save_failed", lang=lang,
                                              reason=_reason(exc)))
                continue
            if note:
                notes.append(note)
        self._show_submitted(widget, sheet, notes)

    def _show_submitted(self, widget: SubmitWidget, sheet: AnswerSheet,
                        notes: list[str] | None = None) -> None:
        if not sheet.submitted_at:
            return
        widget.done = True
        summary = t("widget.submit.done", lang=self.lang, participant=sheet.participant,
                    answered=len(sheet.answered()), total=len(self.order))
        widget.result = {"summary": "\n\n".join([summary, *(notes or [])])}
        widget.show_status("saved", "")

    def _on_check(self, widget: CheckWidget) -> None:
        widget.result = self.check_result()

    def check_result(self) -> dict[str, Any]:
        if self.participant is None:
            return {"summary": t("widget.identify_first", lang=self.lang), "missing": []}
        missing = self.unanswered()
        total = len(self.order)
        summary = (t("widget.check.complete", lang=self.lang, total=total) if not missing else
                   t("widget.check.missing", lang=self.lang, answered=total - len(missing),
                     total=total, missing=len(missing)))
        rows = []
        for item_id in missing:
            stem = " ".join(localize(self.items[item_id], self.lang)["stem"].split())
            short = stem[:70] + ("…" if len(stem) > 70 else "")
            rows.append([self.order.index(item_id) + 1, short])
        return {"summary": summary, "missing": rows}

    def static_html(self, item_id: str) -> str:
        """The item with the participant's saved answer as static HTML: what ``soal``
        shows under autograde (and what a grader sees in formgrader)."""
        return self._static(localize(self.items[item_id], self.lang))

    def title_html(self) -> str:
        """What ``mulai`` shows under autograde: the title and the participant."""
        return (f"<p>{html.escape(self.manifest.get('title', self.name))} — "
                f"{html.escape(self.participant or '?')}</p>")

    def _static(self, item: dict[str, Any]) -> str:
        value = None
        if self.participant:
            value = self.store.load(self.name, self.participant).value(item["id"])
        shown = (t("widget.static.blank", lang=self.lang) if value is None
                 else items.answer_text(item, value, self.lang))
        number = self.order.index(item["id"]) + 1
        return (
            f'<div class="kimtrain-static" data-item="{html.escape(item["id"])}">'
            f"<p><strong>{number}.</strong> {html.escape(item['stem'])}</p>"
            f"<p><em>{html.escape(t('widget.static.answer', lang=self.lang))}:</em> "
            f"{html.escape(shown)}</p></div>"
        )
