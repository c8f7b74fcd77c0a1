"""Helpers for the browser tests: Debian's Chromium through Playwright, and a network log.

Playwright never downloads a browser here: it drives ``/usr/bin/chromium`` (``.ci/run``
installs it with apt). Without it the browser tests are skipped on a developer's
machine and fail in CI. Every request any page makes is recorded; requests that
leave 127.0.0.1 are also aborted, so a test can assert the log afterwards instead of
hanging on a name lookup. Screenshots go to ``test-artifacts/`` (or
``$KIMTRAIN_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("KIMTRAIN_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("KIMTRAIN_ARTIFACTS", ROOT / "test-artifacts"))
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True, "locale": "id-ID"}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}, "locale": "id-ID"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-features=MediaRouter,OptimizationHints"]
LOCAL = {"127.0.0.1"}


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium for one test module."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="ktb-"))
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache")}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                                 env=env, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


class Network:
    """Every request made by the contexts it watches, with failures."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (resource type, url)
        self.failed: list[tuple[str, str]] = []

    def watch(self, context: Any) -> Any:
        def guard(route: Any) -> None:
            host = urlsplit(route.request.url).hostname
            if host in LOCAL:
                route.continue_()
            else:
                route.abort()

        context.route("**/*", guard)
        context.on("request", lambda r: self.requests.append((r.resource_type, r.url)))
        context.on("requestfailed",
                   lambda r: self.failed.append((r.url, str(r.failure or ""))))
        return context

    def outside(self) -> list[str]:
        return [url for _, url in self.requests
                if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).hostname not in LOCAL]

    def assert_local(self) -> None:
        assert self.requests, "no request was recorded"
        assert self.outside() == []
        # a page closed mid-load may abort its own requests; nothing else may fail
        assert [f for f in self.failed if "ERR_ABORTED" not in f[1]] == []


@contextmanager
def local_pages(browser: Any, timeout: float) -> Iterator[tuple[Callable[..., Any], Network]]:
    """``new(**context_options)`` opens a page in a context of its own (``has_touch``
    remembered as ``context.kimtrain_touch``); on leaving, every context closes and every
    request must have gone to this machine."""
    log = Network()
    contexts: list[Any] = []

    def new(**options: Any) -> Any:
        context = log.watch(browser.new_context(**options))
        context.set_default_timeout(timeout)
        context.kimtrain_touch = bool(options.get("has_touch"))
        contexts.append(context)
        return context.new_page()

    yield new, log
    for context in contexts:
        context.close()
    log.assert_local()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
