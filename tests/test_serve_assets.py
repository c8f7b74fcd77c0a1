"""Light pages on a shared hotspot: what `kimtrain serve` sends a phone, and how often.

A real server is asked for its files the way a phone's browser asks (gzip accepted);
benchmarks/phone_load.py measures the bytes and times in Chromium.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import urllib.error
import urllib.request

import pytest

from kimtrain.serve.assets import cache_seconds
from kimtrain.widgets.views import asset_url, module_source

from .serving import ServerProcess, workshop_course

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    course = workshop_course(tmp_path_factory.mktemp("assets") / "kursus")
    # every page of these tests comes from 127.0.0.1, one "device": lift its cap
    process = ServerProcess(course.root, "--warm", "0", "--max-kernels-per-client", "12")
    yield course, process
    process.stop()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def test_voila_files_arrive_gzipped_and_are_kept(server):
    _course, process = server
    status, headers, body = fetch(process.url + "voila/render/pretest/pretest.ipynb")
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    page = gzip.decompress(body).decode("utf-8")
    scripts = re.findall(r'src="([^"]*voila/(?:static|templates)/[^"]+\.js[^"]*)"', page)
    assert scripts, "the page loads Voilà's scripts from the server"
    for src in scripts:
        status, headers, body = fetch(process.url + src.lstrip("/").removeprefix("./"))
        assert status == 200, src
        assert headers.get("Content-Encoding") == "gzip", src
        assert len(gzip.decompress(body)) > len(body), src
        age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
        assert age >= 12 * 3600 and "public" in headers["Cache-Control"], src


def test_the_widget_code_is_served_once_with_a_content_version(server):
    _course, process = server
    for name in ("kimtrain.js", "kimtrain.css"):
        status, headers, body = fetch(process.url + asset_url(name))
        assert status == 200
        # the script with every item type's renderer (kimtrain/items/*.js) in it
        assert gzip.decompress(body) == module_source(name).encode("utf-8")
        assert "max-age=31536000" in headers["Cache-Control"]
    for wrong in ("kimtrain/static/../views.py", "kimtrain/static/views.py",
                  "kimtrain/static/tidakada.js", "kimtrain/static/%2e%2e/views.py"):
        assert fetch(process.url + wrong)[0] in (403, 404), wrong


def test_each_widget_carries_a_loader_not_the_code(server):
    from .served_client import ServedPage

    _course, process = server
    code = module_source("kimtrain.js")

    async def states():
        page = ServedPage(process.url, "pretest/pretest.ipynb", timeout=60)
        await page.open()
        try:
            return [s for s in page.comms.values() if "_esm" in s]
        finally:
            await page.close()

    widgets = asyncio.run(states())
    assert len(widgets) > 10  # the test's items, identity, check and Kirim cards
    for state in widgets:
        assert len(state["_esm"]) < 2000 and code[:200] not in state["_esm"]
        assert asset_url("kimtrain.js") in state["_esm"]
        assert not state.get("_css")


def test_how_long_a_phone_keeps_a_file():
    assert cache_seconds("/voila/labextensions/anywidget/static/remoteEntry.698dcaf7.js",
                         versioned=False) == 365 * 24 * 3600
    assert cache_seconds("/voila/static/7155.voila.js", versioned=False) == 12 * 3600
    assert cache_seconds("/kimtrain/static/kimtrain.js", versioned=True) == 365 * 24 * 3600


@pytest.mark.browser
def test_a_card_that_could_not_start_asks_for_a_reload(server):
    """anywidget gives a card two seconds to start; a slow phone can miss them."""
    from .browser import PHONE, Network, chromium, screenshot

    _course, process = server
    log = Network()
    with chromium() as browser:
        context = log.watch(browser.new_context(**PHONE))
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(process.url + "voila/render/pretest/pretest.ipynb")
        page.locator(".kt-identity .kt-code").wait_for(state="visible")
        banner = page.locator("#kt-incomplete")
        assert banner.is_hidden()
        page.evaluate("() => { Promise.reject(new Error('[anywidget] Failed to initialize"
                      " model.')); }")
        banner.wait_for(state="visible")
        assert "Muat ulang" in banner.inner_text()
        assert "tidak hilang" in banner.inner_text()
        screenshot(page, "serve-phone-incomplete")
        context.close()
    log.assert_local()


@pytest.mark.browser
def test_the_participant_view_fits_small_and_common_phones(server):
    """The same page at 360×740 (small Android) and 390×844: no sideways scroll, cards
    laid out the same; screenshots for a person to compare."""
    from .browser import PHONE, Network, chromium, screenshot

    _course, process = server
    log = Network()
    with chromium() as browser:
        for width, height in ((360, 740), (390, 844)):
            context = log.watch(browser.new_context(**{**PHONE, "viewport": {
                "width": width, "height": height}}))
            context.set_default_timeout(60_000)
            page = context.new_page()
            page.goto(process.url + "voila/render/pretest/pretest.ipynb")
            page.locator(".kt-identity .kt-code").wait_for(state="visible")
            page.locator(".kt-card[data-item]").first.wait_for(state="visible")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            box = page.locator(".kt-identity").bounding_box()
            assert box and box["width"] <= width and box["x"] >= 0
            screenshot(page, f"serve-phone-{width}x{height}")
            context.close()
    log.assert_local()
