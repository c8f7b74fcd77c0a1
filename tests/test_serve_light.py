"""The light test page (issue 17): no kernel, the same cards, the same guarantees.

The light page (``/ujian/<name>``) draws the cards with the same kimtrain.js as
Voilà's page and handles answers in the server with the same Assessment code. Here:
it looks like Voilà's page at 360×740 and 390×844 (screenshots of both in
test-artifacts/light-*.png and voila-*.png); a server restart is noticed and never
says "Tersimpan"; participant text stays text; the API takes only its own JSON.
The full participant flow (identify, answer, check, Kirim, nbgrader) runs on the
light page in test_serve_browser.py.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from kimtrain.answers.store import FileAnswerStore

from .browser import PHONE, screenshot
from .conftest import TEST_BLUEPRINT
from .serving import ServerProcess, workshop_course

ASSESSMENT = "pretest"
SMALL: dict[str, Any] = {**PHONE, "viewport": {"width": 360, "height": 740}}
TIMEOUT = 60_000


def _pin(course: Any, code: str) -> str:
    from kimtrain.serve.identity import load_pins

    return load_pins(course.root)[code]


def _post(url: str, body: bytes, kind: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": kind})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return workshop_course(tmp_path_factory.mktemp("light") / "kursus")


# -- without a server: the notebook check and one page's session --------------------------
@pytest.fixture
def released(tmp_path):
    """A built test as it is released: grade cells keep only their comment line."""
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course

    built = create_course(tmp_path / "kursus", course_id="uji")
    notebook = build_assessment(load_blueprint(TEST_BLUEPRINT), built.root)
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    source = json.dumps(nb)
    for cell in nb["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "BEGIN HIDDEN TESTS" in text:
            cell["source"] = text.split("\n")[0]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    return built, notebook, source


def test_only_notebooks_of_built_calls_get_a_light_page(released):
    from kimtrain.serve.light import light_cells

    _built, notebook, source = released
    blocks = light_cells(notebook, ASSESSMENT)
    assert blocks is not None
    kinds = [kind for kind, _ in blocks]
    assert kinds[0] == "markdown" and kinds[1] == "identity" and kinds[-2:] == ["check", "submit"]
    manifest = json.loads((notebook.parent / "kimtrain_soal.json").read_text("utf-8"))
    assert [v for k, v in blocks if k == "item"] == [i["id"] for i in manifest["items"]]
    assert light_cells(notebook, "posttest") is None  # another test's notebook
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "source": "import os", "metadata": {},
                        "outputs": [], "execution_count": None})
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    assert light_cells(notebook, ASSESSMENT) is None  # any other code: Voilà serves it
    notebook.write_text(source, encoding="utf-8")
    assert light_cells(notebook, ASSESSMENT) is None  # hidden tests are code too


def test_a_light_session_acknowledges_only_what_is_on_disk(released, monkeypatch):
    from kimtrain.serve.light import LightPages

    built, notebook, _source = released
    pages = LightPages({ASSESSMENT: notebook.parent}, built.root)
    page = pages.open_page(ASSESSMENT)
    assert page is not None and "__KT_PAGE__" not in page
    page_id = json.loads(page.split('id="kt-config">', 1)[1].split("</script>", 1)[0])["page"]

    def call(widget: str, token: str, **body: Any) -> dict[str, Any]:
        status, reply = pages.handle(ASSESSMENT, {"page": page_id, "widget": widget,
                                                  **body}, "10.0.0.7")
        assert status == 200
        return reply["changes"]

    item = "item:AMAN-APK-01"
    early = call(item, "t0", state={"value": "A", "token": "t0"})[item]
    assert early["status"] == "error" and early["ack"] == "t0"
    changes = call("identity", "t1", msg={"event": "identify", "code": "kim-009",
                                          "token": "t1"})
    assert changes["identity"]["participant"] == "KIM-009"
    assert changes[item]["disabled"] is False
    saved = call(item, "t2", state={"value": "B", "token": "t2"})[item]
    assert saved["status"] == "saved" and saved["ack"] == "t2"
    store = FileAnswerStore(notebook.parent)
    assert store.load(ASSESSMENT, "KIM-009").value("AMAN-APK-01") == "B"
    session = pages.sessions[page_id].session

    def broken(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session.store, "save_answer", broken)
    failed = call(item, "t3", state={"value": "C", "token": "t3"})[item]
    assert failed["ack"] == "t3" and failed["status"] == "error"
    assert "No space left" in failed["message"] and "Tersimpan" not in failed["message"]
    assert store.load(ASSESSMENT, "KIM-009").value("AMAN-APK-01") == "B"
    assert pages.handle(ASSESSMENT, {"page": "lain", "widget": item}, "x")[0] == 410


def _identify(page: Any, code: str, pin: str) -> str:
    page.locator(".kt-identity input.kt-code").fill(code)
    page.locator(".kt-identity input.kt-pin").fill(pin)
    page.locator(".kt-identity .kt-action").click()
    page.wait_for_function("""() => ['saved', 'error'].includes(
        document.querySelector('.kt-identity .kt-status').dataset.status)""")
    return page.locator(".kt-identity .kt-status").inner_text()


def _layout(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        title: document.querySelector('h1').innerText,
        cards: Array.from(document.querySelectorAll('.kt-card'), c => ({
            item: c.dataset.item || c.className,
            left: Math.round(c.getBoundingClientRect().left),
            top: Math.round(c.getBoundingClientRect().top + window.scrollY),
            width: Math.round(c.getBoundingClientRect().width),
            buttons: c.querySelectorAll('button').length,
            text: c.querySelector('.kt-stem, .kt-title, .kt-hint')?.innerText || ''})),
        wide: document.documentElement.scrollWidth,
    })""")


@pytest.mark.slow
@pytest.mark.browser
def test_light_page_looks_like_voilas_page_at_phone_sizes(course, browser):
    process = ServerProcess(course.root, "--max-kernels-per-client", "40", "--warm", "0")
    try:
        for size, label in ((SMALL, "360"), (PHONE, "390")):
            layouts = {}
            for kind, path in (("voila", f"voila/render/{ASSESSMENT}/{ASSESSMENT}.ipynb"),
                               ("light", f"ujian/{ASSESSMENT}")):
                context = browser.new_context(**size)
                context.set_default_timeout(TIMEOUT)
                page = context.new_page()
                page.goto(process.url + path)
                page.locator(".kt-identity input.kt-code").wait_for(state="visible")
                page.locator(".kt-submit .kt-send").wait_for()
                page.wait_for_timeout(300)  # fonts settle
                screenshot(page, f"{kind}-{label}-01-identity")
                layouts[kind] = _layout(page)
                assert "Siti" in _identify(page, "KIM-001", _pin(course, "KIM-001"))
                card = page.locator(".kt-card[data-item]").nth(1)
                card.scroll_into_view_if_needed()
                screenshot(page, f"{kind}-{label}-02-item")
                context.close()
            light, voila = layouts["light"], layouts["voila"]
            assert light["title"] == voila["title"]
            assert [c["item"] for c in light["cards"]] == [c["item"] for c in voila["cards"]]
            for a, b in zip(light["cards"], voila["cards"], strict=True):
                assert a["buttons"] == b["buttons"] and a["text"] == b["text"], a["item"]
                assert abs(a["width"] - b["width"]) <= 4, (label, a, b)
                assert abs(a["left"] - b["left"]) <= 4, (label, a, b)
            first = light["cards"][0]["top"], voila["cards"][0]["top"]
            assert abs(first[0] - first[1]) <= 12, (label, first)  # the same header above
            assert light["wide"] <= size["viewport"]["width"]
    finally:
        process.stop()


@pytest.mark.slow
@pytest.mark.browser
def test_a_restarted_server_is_noticed_and_nothing_unsaved_says_saved(course, browser):
    """The light page's counterpart of a lost kernel: the server restarts (the trainer's
    laptop), the page's next tap says "muat ulang", never "Tersimpan"; after a reload
    and one tap on "Mulai" the saved answers are back."""
    process = ServerProcess(course.root, "--warm", "0")
    port = process.port
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(process.url + f"ujian/{ASSESSMENT}")
        assert "Budi" in _identify(page, "KIM-002", _pin(course, "KIM-002"))
        box = page.locator('.kt-card[data-item="AMAN-APK-01"]')
        box.locator('[data-option="B"]').click()
        box.locator('.kt-status[data-status="saved"]').wait_for()
        process.stop()
        process = ServerProcess(course.root, "--warm", "0", port=port)
        box = page.locator('.kt-card[data-item="HF-BANSOS-01"]')
        box.scroll_into_view_if_needed()
        box.locator('[data-verdict="false"]').click()
        status = box.locator(".kt-status")
        box.locator('.kt-status[data-status="lost"]').wait_for(timeout=15_000)
        assert "Muat ulang halaman" in status.inner_text()
        banner = page.locator("#kt-lost")
        assert "Belum tersimpan" in banner.inner_text()
        screenshot(page, "light-phone-09-server-restarted")
        folder = course.root / "serve" / "notebooks" / ASSESSMENT
        sheet = FileAnswerStore(folder).load(ASSESSMENT, "KIM-002")
        assert sheet.value("HF-BANSOS-01") is None and sheet.value("AMAN-APK-01") == "B"
        banner.locator("button").click()
        page.locator(".kt-identity input.kt-code").wait_for(state="visible")
        page.locator(".kt-identity .kt-action").click()  # the tab remembers code and PIN
        page.wait_for_function("""() => document.querySelector(
            '.kt-card[data-item="AMAN-APK-01"] [data-option="B"]')
            .getAttribute('aria-checked') === 'true'""")
        box = page.locator('.kt-card[data-item="HF-BANSOS-01"]')
        box.locator('[data-verdict="false"]').click()
        box.locator('.kt-status[data-status="saved"]').wait_for()
        assert FileAnswerStore(folder).load(ASSESSMENT, "KIM-002").value("HF-BANSOS-01") is False
    finally:
        context.close()
        process.stop()


@pytest.mark.slow
@pytest.mark.browser
def test_participant_text_stays_text_on_the_light_page(course, browser):
    process = ServerProcess(course.root, "--warm", "0")
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    hostile = '<img src=x onerror="window.__pwned=1"></textarea><b>tebal</b>'
    try:
        page.goto(process.url + f"ujian/{ASSESSMENT}")
        _identify(page, "KIM-003", _pin(course, "KIM-003"))
        card = page.locator('.kt-card[data-type="text"]').first
        field = card.locator("input.kt-input")
        field.fill(hostile)
        field.press("Tab")
        card.locator('.kt-status[data-status="saved"]').wait_for()
        page.reload()
        page.locator(".kt-identity .kt-action").click()
        page.wait_for_function("el => el.value.length > 0", arg=field.element_handle())
        assert field.input_value() == hostile
        assert page.evaluate("window.__pwned") is None
        assert page.locator("main img, main b").count() == 0
    finally:
        context.close()
        process.stop()


@pytest.mark.slow
def test_the_light_api_takes_only_its_own_json(course):
    process = ServerProcess(course.root, "--warm", "0")
    try:
        api = process.url + f"ujian/{ASSESSMENT}/api"
        status, page = process.get(f"ujian/{ASSESSMENT}")
        assert status == 200
        config = page.split('id="kt-config">', 1)[1].split("</script>", 1)[0]
        page_id = json.loads(config)["page"]
        identify = {"page": page_id, "widget": "identity",
                    "msg": {"event": "identify", "code": "KIM-004",
                            "pin": _pin(course, "KIM-004"), "token": "t1"}}
        # a form of another site (not JSON) is refused; so are junk and oversize bodies
        assert _post(api, json.dumps(identify).encode(), "text/plain")[0] == 403
        assert _post(api, b"{not json", )[0] == 400
        assert _post(api, b"x" * (300 * 1024))[0] == 413
        # a page the server never gave out: 410, nothing done
        assert _post(api, json.dumps({**identify, "page": "ditebak"}).encode())[0] == 410
        assert _post(process.url + "ujian/tidak-ada/api", json.dumps(identify).encode())[0] == 410
        assert process.get("ujian/tidak-ada")[0] == 404
        # answering before the code and PIN: refused, nothing stored
        early = {"page": page_id, "widget": "item:AMAN-APK-01",
                 "state": {"value": "A", "token": "t0"}}
        status, reply = _post(api, json.dumps(early).encode())
        changes = json.loads(reply)["changes"]["item:AMAN-APK-01"]
        assert status == 200 and changes["status"] == "error" and changes["ack"] == "t0"
        status, reply = _post(api, json.dumps(identify).encode())
        assert status == 200
        changes = json.loads(reply)["changes"]
        assert changes["identity"]["participant"] == "KIM-004"
        assert changes["identity"]["ack"] == "t1"
        answer = {"page": page_id, "widget": "item:AMAN-APK-01",
                  "state": {"value": "A", "token": "t2"}}
        status, reply = _post(api, json.dumps(answer).encode())
        assert json.loads(reply)["changes"]["item:AMAN-APK-01"]["ack"] == "t2"
        folder: Path = course.root / "serve" / "notebooks" / ASSESSMENT
        assert FileAnswerStore(folder).load(ASSESSMENT, "KIM-004").value("AMAN-APK-01") == "A"
        # the same call again (its reply lost on the Wi-Fi): acted on once, state resent
        status, reply = _post(api, json.dumps(answer).encode())
        assert json.loads(reply)["changes"]["item:AMAN-APK-01"]["value"] == "A"
    finally:
        process.stop()
