"""Phone benchmark: what one participant's phone downloads and waits for on `kimtrain serve`.

    .venv/bin/python benchmarks/phone_load.py [--scenarios desktop,cpu4,weak,share30] [--taps 8]

Builds a throw-away course (the shipped 40-item pre-test and post-test, released with
nbgrader, a roster of 40 invented participants, one practice module), starts
`kimtrain serve` on 127.0.0.1 with its default settings, and opens the pre-test in
Debian's Chromium at phone size (390×844) as a participant does: the start page, a tap
on the test (its light page; ``--voila``: Voilà's page, as `kimtrain serve --voila`),
the identity card. Each scenario is a fresh browser profile (an empty
cache), throttled through the DevTools protocol:

  desktop   no throttling
  cpu4      the CPU slowed 4× (a mid-range Android phone)
  weak      a 1.5 Mbit/s link with 150 ms latency
  share30   one of 30 phones sharing a 10 Mbit/s hotspot (333 kbit/s, 150 ms), the
            CPU slowed 4×; thirty such pages at once take as long as one at its share,
            as far as the link is concerned (the server's CPU is measured elsewhere,
            in serve_load.py)

For each it prints the bytes transferred by kind (HTML, JS, CSS, fonts, other, the
light page's answer calls; HTTP
bodies as sent, i.e. compressed where the server compresses) and the widget messages
(as inflated by the browser, and deflated again the way permessage-deflate sends them),
the time from the tap to the identity card ("ready"), the time from tapping an answer to
its "Tersimpan" mark (p50/p95 over ``--taps`` answers) and, in the same browser
profile, the bytes of a second page (the post-test) once the first has been cached.
The figures are printed; nothing is asserted (goals are listed at the end).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_load import percentile, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KIMTRAIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-features=MediaRouter,OptimizationHints"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "id-ID"}
KBIT = 1000 / 8  # bytes per second in one kbit/s
SCENARIOS: dict[str, dict[str, Any]] = {
    "desktop": {"cpu": 1, "net": None},
    "cpu4": {"cpu": 4, "net": None},
    "weak": {"cpu": 1, "net": (1500 * KBIT, 750 * KBIT, 150)},
    "share30": {"cpu": 4, "net": (10_000 / 30 * KBIT, 10_000 / 30 * KBIT, 150)},
}
TIMEOUT = int(os.environ.get("KIMTRAIN_BENCH_TIMEOUT", "180")) * 1000
GOALS = ("first page ≤ 1 MB; second page ≤ 200 kB; ready ≤ 3 s at cpu4, ≤ 8 s weak, "
         "≤ 30 s share30; tap → Tersimpan p95 ≤ 200 ms at cpu4")


def make_course(base: Path) -> Any:
    """The shipped pre- and post-test, released; 40 invented participants; one module."""
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.course.roster import save_roster
    from kimtrain.demo import demo_roster

    course = create_course(base / "kursus", course_id="ponsel")
    for name in ("pretest", "posttest"):
        build_assessment(load_blueprint(course.blueprint(name)), course.root)
        Nbgrader(course).generate(name)
    save_roster(course, demo_roster(40))
    return course


def kind_of(resource_type: str, mime: str) -> str:
    if resource_type == "Document":
        return "html"
    if resource_type == "Script" or "javascript" in mime:
        return "js"
    if resource_type == "Stylesheet" or mime == "text/css":
        return "css"
    if resource_type == "Font" or "font" in mime:
        return "font"
    if resource_type in ("Fetch", "XHR"):  # the light page's answer calls
        return "api"
    return "other"


class Traffic:
    """Bytes per kind from the DevTools protocol, for one page's session."""

    def __init__(self, cdp: Any) -> None:
        self.types: dict[str, tuple[str, str]] = {}
        self.urls: dict[str, str] = {}
        self.sizes: list[tuple[int, str]] = []
        self.http: dict[str, int] = {}
        self.responses = 0
        self.ws_inflated = 0
        self.ws_deflated = 0
        self._deflaters: dict[str, Any] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _response(self, event: dict[str, Any]) -> None:
        self.types[event["requestId"]] = (event.get("type", ""),
                                          event["response"].get("mimeType", ""))
        self.urls[event["requestId"]] = event["response"].get("url", "")

    def _finished(self, event: dict[str, Any]) -> None:
        kind = kind_of(*self.types.get(event["requestId"], ("", "")))
        size = int(event.get("encodedDataLength", 0))
        self.http[kind] = self.http.get(kind, 0) + size
        self.sizes.append((size, self.urls.get(event["requestId"], "?")))
        self.responses += 1

    def _frame(self, event: dict[str, Any]) -> None:
        data = event["response"].get("payloadData", "").encode("utf-8")
        self.ws_inflated += len(data)
        # permessage-deflate with context takeover: one raw deflate stream per socket,
        # flushed at the end of every message.
        deflater = self._deflaters.setdefault(event["requestId"],
                                              zlib.compressobj(6, zlib.DEFLATED, -15))
        self.ws_deflated += len(deflater.compress(data) + deflater.flush(zlib.Z_SYNC_FLUSH)) - 4

    def total(self) -> int:
        return sum(self.http.values()) + self.ws_deflated

    def reset(self) -> None:
        self.http.clear()
        self.responses = self.ws_inflated = self.ws_deflated = 0


TAP_AND_WAIT = """async (item) => {
    const card = document.querySelector(`.kt-card[data-item="${item}"]`);
    const button = card.querySelector('[data-option], [data-verdict]');
    const status = card.querySelector('.kt-status');
    const saved = new Promise(resolve => {
        const seen = () => status.dataset.status === 'saved';
        const observer = new MutationObserver(() => { if (seen()) { observer.disconnect();
                                                                    resolve(); } });
        observer.observe(status, {attributes: true, childList: true, subtree: true});
    });
    status.dataset.status = '';
    const start = performance.now();
    button.click();
    await saved;
    return performance.now() - start;
}"""


def identify(page: Any, code: str, pin: str) -> None:
    page.locator(".kt-identity .kt-code").fill(code)
    page.locator(".kt-identity .kt-pin").fill(pin)
    page.locator(".kt-identity .kt-action").click()
    page.wait_for_selector('.kt-identity .kt-status[data-status="saved"]', timeout=TIMEOUT)


def pin_of(course: Any, code: str) -> str:
    """The participant's PIN, as printed on their card (`kimtrain serve` made them)."""
    from kimtrain.serve.identity import load_pins

    return load_pins(course.root)[code]


def run_scenario(browser: Any, url: str, course: Any, name: str, code: str,
                 taps: int) -> dict[str, Any]:
    settings = SCENARIOS[name]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": settings["cpu"]})
    if settings["net"]:
        down, up, latency = settings["net"]
        cdp.send("Network.emulateNetworkConditions",
                 {"offline": False, "latency": latency, "downloadThroughput": down,
                  "uploadThroughput": up})
    traffic = Traffic(cdp)
    result: dict[str, Any] = {"scenario": name}
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"[:200]))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"[:200]))
    try:
        page.goto(url, wait_until="load", timeout=TIMEOUT)
        started = time.perf_counter()
        page.locator('a[data-assessment="pretest"]').click()
        page.locator(".kt-identity .kt-code").wait_for(state="visible", timeout=TIMEOUT)
        result["ready"] = time.perf_counter() - started
        identify(page, code, pin_of(course, code))
        page.wait_for_timeout(500)
        result["first"] = dict(traffic.http)
        result["responses"] = traffic.responses
        result["ws_inflated"], result["ws_deflated"] = traffic.ws_inflated, traffic.ws_deflated
        result["first_total"] = traffic.total()
        result["largest"] = sorted(traffic.sizes, reverse=True)[:60]
        items = page.eval_on_selector_all(
            ".kt-card[data-item]", "cards => cards.filter(c => c.querySelector("
            "'[data-option], [data-verdict]')).map(c => c.dataset.item)")
        latencies = []
        for item in items[:taps]:
            page.locator(f'.kt-card[data-item="{item}"]').scroll_into_view_if_needed()
            latencies.append(page.evaluate(TAP_AND_WAIT, item) / 1000)
        result["taps"] = latencies
        traffic.reset()
        page.goto(url, wait_until="load", timeout=TIMEOUT)
        page.locator('a[data-assessment="posttest"]').click()
        page.locator(".kt-identity .kt-code").wait_for(state="visible", timeout=TIMEOUT)
        page.wait_for_timeout(500)
        result["second_total"] = traffic.total()
        result["second_responses"] = traffic.responses
    except Exception:
        if os.environ.get("KIMTRAIN_BENCH_DEBUG"):
            page.screenshot(path=f"/tmp/phone-{name}.png")
            print("\n".join(console[-40:]))
        raise
    finally:
        context.close()
    return result


def kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB"


def report(results: list[dict[str, Any]], verbose: bool = False) -> None:
    print()
    head = (f"{'scenario':<9} {'first page':>11} {'html':>7} {'js':>8} {'css':>7} {'font':>7} "
            f"{'other':>7} {'api':>6} {'ws (infl→defl)':>17} {'resp':>5} {'ready':>7} "
            f"{'tap p50/p95':>13} {'2nd page':>9}")
    print(head)
    print("-" * len(head))
    for r in results:
        first = r.get("first", {})
        taps = r.get("taps") or [float("nan")]
        print(f"{r['scenario']:<9} {kb(r.get('first_total', 0)):>11} "
              f"{kb(first.get('html', 0)):>7} {kb(first.get('js', 0)):>8} "
              f"{kb(first.get('css', 0)):>7} {kb(first.get('font', 0)):>7} "
              f"{kb(first.get('other', 0)):>7} {kb(first.get('api', 0)):>6} "
              f"{kb(r.get('ws_inflated', 0)) + '→' + kb(r.get('ws_deflated', 0)):>17} "
              f"{r.get('responses', 0):>5} {r.get('ready', float('nan')):>6.1f}s "
              f"{statistics.median(taps) * 1000:>5.0f}/{percentile(taps, .95) * 1000:<4.0f}ms "
              f"{kb(r.get('second_total', 0)):>9}")
        if verbose:
            for size, url in r.get("largest", []):
                print(f"          {kb(size):>9}  {url.split('?')[0][-70:]}")
        if "error" in r:
            print(f"          error: {r['error']}")
    print()
    print(f"goals: {GOALS}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="desktop,cpu4,weak,share30")
    parser.add_argument("--taps", type=int, default=8)
    parser.add_argument("--voila", action="store_true",
                        help="kimtrain serve --voila: Voilà's test pages instead of the light ones")
    parser.add_argument("--largest", action="store_true",
                        help="also list the largest responses of each first page")
    args = parser.parse_args()
    names = [s for s in args.scenarios.split(",") if s]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    base = Path(tempfile.mkdtemp(prefix="ktphone-", dir="/tmp"))
    results: list[dict[str, Any]] = []
    try:
        print("building a course with the shipped pre- and post-test …", flush=True)
        course = make_course(base)
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # every scenario is a "phone" on 127.0.0.1: the per-device cap is lifted to fit them
        server = start_server(course.root, port, "tcp", 4, base, 2 * len(names) + 2,
                              args.voila)
        time.sleep(8)  # the warm pool fills, as it does before participants arrive
        home = base / "chromium-home"
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_CACHE_HOME": str(home / "cache")}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                                     env=env, headless=True)
                try:
                    for n, name in enumerate(names, start=1):
                        print(f"scenario {name} …", flush=True)
                        try:
                            results.append(run_scenario(browser, f"http://127.0.0.1:{port}/",
                                                        course, name, f"KIM-{n:03d}",
                                                        args.taps))
                        except Exception as exc:  # one scenario failing still prints the rest
                            results.append({"scenario": name, "error": f"{type(exc).__name__}: "
                                                                       f"{exc}"[:300]})
                finally:
                    browser.close()
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    report(results, args.largest)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
