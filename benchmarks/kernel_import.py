"""Import time of the participant kernel: ``import kimtrain.widgets`` beside ipywidgets
alone (and a bare interpreter), each in a fresh Python process, median of several runs.

    python benchmarks/kernel_import.py [--runs 7]

Wall time is what a participant waits for; CPU time (user + system of the process) is
the steadier figure on a shared machine. The modules each import pulls in are counted
too, and the heavy ones the participant kernel must never load are checked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = [("python (nothing imported)", "pass"),
         ("import ipywidgets", "import ipywidgets"),
         ("import anywidget", "import anywidget"),
         ("import kimtrain.widgets", "import kimtrain.widgets")]
HEAVY = ("pandas", "matplotlib", "nbgrader", "nbformat", "jsonschema", "scipy")
PROBE = ("import sys; {code}; heavy = [m for m in {heavy!r} if m in sys.modules]; "
         "print(len(sys.modules), ','.join(heavy) or '-')")


def once(code: str) -> tuple[float, float, str]:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)],
                             stdout=subprocess.PIPE, text=True)
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {code}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, out.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"median of {args.runs} fresh processes")
    print(f"{'':28} {'wall s':>7} {'CPU s':>6} {'modules':>8}  heavy modules loaded")
    ok = True
    for label, code in CASES:
        runs = [once(code) for _ in range(args.runs)]
        modules, heavy = runs[-1][2].split(" ", 1)
        print(f"{label:28} {statistics.median(r[0] for r in runs):7.3f} "
              f"{statistics.median(r[1] for r in runs):6.3f} {int(modules):8d}  {heavy}")
        ok = ok and (heavy == "-" or "kimtrain" not in code)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
