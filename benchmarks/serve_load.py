"""Load benchmark: N participants answer a 40-item test at once against `kimtrain serve`.

    .venv/bin/python benchmarks/serve_load.py [--participants 30] [--items 40] [--think 0]

Builds a throw-away course with a synthetic 40-item form (labelled as such: single,
multiple, true/false and numeric items), releases it with nbgrader, starts
`kimtrain serve` on 127.0.0.1 exactly as a trainer does, and runs N protocol-level
participants (tests/served_client.py ServedPage: the page over HTTP, which starts a
kernel and runs the notebook, then the kernel websocket) concurrently. Each
participant identifies, taps all items (``--think`` seconds between taps, jittered),
and taps "Kirim". An answer's round trip is from sending the widget message to the
kernel's "idle" for it, i.e. after the answer sheet is on disk.

Afterwards every participant's sheet beside the served notebook *and* the hand-in in
nbgrader's ``submitted/`` folder are compared with what was tapped: an answer that
is missing or different counts as lost. Server memory is the server process plus its
kernels (PSS where the system reports it, else RSS), sampled every half second.
Traffic goes to 127.0.0.1 only; the run is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

TYPES = ("single", "truefalse", "multiple", "numeric")


def synthetic_bank(n: int) -> str:
    """A YAML bank of ``n`` items (synthetic, for load only)."""
    lines = ["bank: beban", "title: Soal sintetis untuk uji beban (bukan soal sungguhan)",
             "items:"]
    for i in range(1, n + 1):
        kind = TYPES[i % len(TYPES)]
        head = [f"  - id: BEBAN-{i:03d}", f"    type: {kind}",
                "    domain: aman" if kind != "truefalse" else "    domain: media",
                "    competency: A1" if kind != "truefalse" else "    competency: M4",
                f"    stem: Soal sintetis nomor {i} untuk uji beban server.",
                "    explanation: Soal sintetis; tidak dipakai untuk menilai siapa pun."]
        if kind in ("single", "multiple"):
            head += ["    options:", "      A: Pilihan A", "      B: Pilihan B",
                     "      C: Pilihan C", "      D: Pilihan D"]
            head.append("    key: B" if kind == "single" else "    key: [A, C]")
        elif kind == "truefalse":
            head.append(f"    key: {'true' if i % 2 else 'false'}")
        else:
            head.append("    key: 112000")
        lines += head
    return "\n".join(lines) + "\n"


def make_course(root: Path, items: int, participants: int) -> Any:
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.course.roster import Participant, save_roster

    course = create_course(root / "kursus", course_id="beban")
    (course.bank_dir / "beban.yaml").write_text(synthetic_bank(items), encoding="utf-8")
    ids = "\n".join(f"  - BEBAN-{i:03d}" for i in range(1, items + 1))
    course.blueprint("beban").write_text(
        "name: beban\ntitle: Uji beban (sintetis)\ninstructions: Soal sintetis.\n"
        f"banks: [../bank/beban.yaml]\nitems:\n{ids}\nshuffle: false\n", encoding="utf-8")
    build_assessment(load_blueprint(course.blueprint("beban")), course.root)
    Nbgrader(course).generate("beban")
    save_roster(course, [Participant(f"KIM-{n:03d}", f"Peserta {n} (sintetis)")
                         for n in range(1, participants + 1)])
    return course


def tap_value(item: dict[str, Any], rng: random.Random) -> Any:
    kind = item["type"]
    if kind == "single":
        return rng.choice([o[0] for o in item["options"]])
    if kind == "multiple":
        options = [o[0] for o in item["options"]]
        return sorted(rng.sample(options, rng.randint(1, 3)))
    if kind == "truefalse":
        return rng.random() < 0.5
    return rng.choice(["112.000", "142.000", "2,5"])


class Memory(threading.Thread):
    """Peak memory of the server process and its kernels."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_server, self.kernels = pid, 0, 0, 0
        self.stopping = threading.Event()

    @staticmethod
    def _size(proc: Any) -> int:
        try:
            info = proc.memory_full_info()
            return getattr(info, "pss", 0) or info.rss
        except Exception:
            try:
                return proc.memory_info().rss
            except Exception:
                return 0

    def run(self) -> None:
        import psutil

        server = psutil.Process(self.pid)
        while not self.stopping.wait(0.5):
            try:
                children = server.children(recursive=True)
                own = self._size(server)
            except psutil.NoSuchProcess:
                return
            total = own + sum(self._size(c) for c in children)
            self.peak_server = max(self.peak_server, own)
            if total > self.peak_total:
                self.peak_total, self.kernels = total, len(children)


async def participant(url: str, code: str, pin: str, think: float, seed: int, arrive: float,
                      out: dict[str, Any]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's tests/
    from tests.served_client import ServedPage

    rng = random.Random(seed)
    await asyncio.sleep(arrive)
    page = ServedPage(url, "beban/beban.ipynb", timeout=300)
    record: dict[str, Any] = {"latencies": [], "tapped": {}, "errors": []}
    out[code] = record
    try:
        started = time.perf_counter()
        await page.open()
        record["page_load"] = time.perf_counter() - started
        record["html"], record["widgets"] = page.timings["page"], page.timings["widgets"]
        state = await page.identify(code, pin)
        if state.get("participant") != code:
            raise RuntimeError(f"identify: {state.get('message')}")
        for item in page.items:
            if think:
                await asyncio.sleep(think * (0.5 + rng.random()))
            value = tap_value(item, rng)
            record["latencies"].append(await page.answer(item["id"], value))
            status = page.comms[page.comm_of(item=item["id"])]
            if status.get("status") == "error":
                record["errors"].append(f"{item['id']}: {status.get('message')}")
            record["tapped"][item["id"]] = value
        result = await page.submit()
        if not result.get("done"):
            record["errors"].append(f"Kirim: {result.get('result')}")
    except Exception as exc:  # counted as a failure, the others go on
        record["errors"].append(f"{type(exc).__name__}: {exc}")
    finally:
        await page.close()


def lost_answers(course: Any, results: dict[str, Any]) -> tuple[int, int]:
    """(answers lost beside the notebook, answers lost in nbgrader's hand-in)."""
    from kimtrain.answers.store import FileAnswerStore
    from kimtrain.answers.values import normalise_response
    from kimtrain.assessment.manifest import load_manifest

    served = course.root / "serve" / "notebooks" / "beban"
    public = {i["id"]: i for i in load_manifest(served, "beban")["items"]}
    lost_sheet = lost_handin = 0
    for code, record in results.items():
        sheet = FileAnswerStore(served).load("beban", code)
        handed = FileAnswerStore(course.root / "submitted" / code / "beban")
        handed_sheet = handed.load("beban", code)
        for item_id, value in record["tapped"].items():
            wanted = normalise_response(public[item_id], value)
            lost_sheet += sheet.value(item_id) != wanted
            lost_handin += handed_sheet.value(item_id) != wanted
    return lost_sheet, lost_handin


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_server(course_root: Path, port: int, transport: str, warm: int, base: Path,
                 participants: int) -> Any:
    env = {**os.environ, "TMPDIR": str(base), "JUPYTER_RUNTIME_DIR": str(base / "rt")}
    log = open(base / "serve.log", "wb")  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kimtrain", "serve", "--course", str(course_root), "--host",
         "127.0.0.1", "--port", str(port), "--no-qr", "--transport", transport,
         "--warm", str(warm),
         # every simulated phone comes from 127.0.0.1: the per-device cap is lifted to
         # the room's size; the total cap stays at its default
         "--max-kernels-per-client", str(participants)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit((base / "serve.log").read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("kimtrain serve did not start")


def stop_server(proc: Any) -> None:
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    for child in children:
        try:
            if child.is_running():
                child.kill()
        except psutil.NoSuchProcess:
            pass


async def run_all(url: str, n: int, think: float, arrival: float,
                  timeout: float, pins: dict[str, str]) -> dict[str, Any]:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(10, n))
    results: dict[str, Any] = {}
    tasks = [participant(url, f"KIM-{k:03d}", pins[f"KIM-{k:03d}"], think, k,
                         arrival * (k - 1) / max(n - 1, 1), results) for k in range(1, n + 1)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds between one participant's taps (jittered ±50%%)")
    parser.add_argument("--arrival", type=float, default=0.0,
                        help="participants arrive evenly over this many seconds (0: at once)")
    parser.add_argument("--warm", type=int, default=0, help="kimtrain serve --warm N "
                        "(0 here: every page load is measured cold)")
    parser.add_argument("--transport", choices=("tcp", "ipc"), default="tcp")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ktbench-", dir="/tmp"))
    try:
        print(f"building a course with a {args.items}-item synthetic form …", flush=True)
        course = make_course(base, args.items, args.participants)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = start_server(course.root, port, args.transport, args.warm, base,
                              args.participants)
        from kimtrain.serve.identity import load_pins

        pins = load_pins(course.root)  # made by `kimtrain serve` at start, as on the cards
        if args.warm:
            time.sleep(args.warm * 4)  # let the pool fill, as it does before a session
        memory = Memory(server.pid)
        memory.start()
        print(f"{args.participants} participants arriving over {args.arrival:g} s, "
              f"think {args.think:g} s …", flush=True)
        wall = time.perf_counter()
        try:
            results = asyncio.run(run_all(f"http://127.0.0.1:{port}/", args.participants,
                                          args.think, args.arrival, args.timeout, pins))
        finally:
            wall = time.perf_counter() - wall
            memory.stopping.set()
            memory.join()
            stop_server(server)
        lost_sheet, lost_handin = lost_answers(course, results)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    failures = [f"{code}: {e}" for code, r in results.items() for e in r["errors"]]
    if not any("page_load" in r for r in results.values()):
        print("no page opened:", *failures[:5], sep="\n  ")
        return 1
    latencies = [x for r in results.values() for x in r["latencies"]]
    loads = [r["page_load"] for r in results.values() if "page_load" in r]
    html = [r["html"] for r in results.values() if "html" in r]
    failures = [f"{code}: {e}" for code, r in results.items() for e in r["errors"]]
    answered = sum(len(r["tapped"]) for r in results.values())
    mib = 1024 * 1024
    print()
    print(f"participants            {args.participants} × {args.items} items "
          f"({answered} answers tapped; arrival over {args.arrival:g} s, think "
          f"{args.think:g} s, warm {args.warm}, transport {args.transport})")
    print(f"page ready (all)        p50 {statistics.median(loads):.2f} s   "
          f"p95 {percentile(loads, .95):.2f} s   max {max(loads):.2f} s")
    print(f"  of which HTML page    p50 {statistics.median(html):.2f} s   "
          f"p95 {percentile(html, .95):.2f} s   (kernel start + notebook run on the server)")
    print(f"answer round trip       p50 {percentile(latencies, .5) * 1000:.0f} ms   "
          f"p95 {percentile(latencies, .95) * 1000:.0f} ms   "
          f"max {max(latencies) * 1000:.0f} ms")
    print(f"server memory (peak)    {memory.peak_total / mib:.0f} MiB in {memory.kernels + 1} "
          f"processes (server alone {memory.peak_server / mib:.0f} MiB, "
          f"{(memory.peak_total - memory.peak_server) / mib / max(memory.kernels, 1):.0f} "
          "MiB per kernel)")
    print(f"failures                {len(failures)}")
    for failure in failures[:10]:
        print(f"  - {failure}")
    print(f"lost answers            {lost_sheet} in the sheets, {lost_handin} in nbgrader's "
          "submitted/ hand-ins")
    print(f"wall time               {wall:.1f} s")
    correct = not failures and not lost_sheet and not lost_handin
    goal = correct and percentile(latencies, .95) < 0.5
    print(f"goal (p95 < 500 ms, no failure, nothing lost): {'met' if goal else 'NOT met'}")
    return 0 if correct else 1  # the exit status reports correctness, never timing


if __name__ == "__main__":
    sys.exit(main())
