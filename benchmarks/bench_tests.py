"""Time the phases of the test command (scripts/test.sh), for one checkout or several side by side.

    python benchmarks/bench_tests.py                       # this checkout
    python benchmarks/bench_tests.py /tmp/main /tmp/new    # before and after, one after the other
    python benchmarks/bench_tests.py --update-durations    # also rewrite benchmarks/test-durations.json
    python benchmarks/bench_tests.py --kernel-only         # only the kernel start-up cost

Each CHECKOUT needs its own .venv (as scripts/test.sh makes it). A checkout whose scripts/test.sh
reports its phases (TEST_TIMES) is run with it; an older one is run phase by phase with the
commands its test.sh had before (ruff + actionlint, pytest -n 2 --dist loadscope, build, browser).
Prints, and with --markdown FILE writes, one table: wall seconds per phase and checkout, the CPU
seconds of the whole run (all child processes) and the load average before and after; then the
time of every test file of this checkout's pytest phase, longest first (setup included, so a
notebook's row includes starting its kernel), and the cost of starting a pinned kernel and
importing d2lcore in it, which every notebook pays once.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATIONS = ROOT / "benchmarks" / "test-durations.json"
LEGACY_PHASES = [  # scripts/test.sh before it reported its phases (commit e5c7cb1)
    ("ruff, actionlint", "ruff check d2lcore tests scripts benchmarks conftest.py && actionlint"),
    ("pytest", "python -m pytest -n 2 --dist loadscope"),
    ("build", "bash scripts/build.sh"),
    ("browser", "python -m pytest -p no:nbval --override-ini addopts= tests/browser"),
]


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_checkout(checkout: Path, durations_out: Path | None) -> dict:
    """Run the test command of `checkout`; return {phase: seconds} plus cpu and load."""
    venv_bin = checkout / ".venv" / "bin"
    env = dict(os.environ, PATH=f"{venv_bin}:{os.environ['PATH']}")
    env.pop("VIRTUAL_ENV", None)
    times: dict[str, float] = {}
    load_before, cpu0, t0 = os.getloadavg()[0], _cpu_children(), time.perf_counter()
    test_sh = (checkout / "scripts" / "test.sh").read_text(encoding="utf-8")
    ok = True
    if "TEST_TIMES" in test_sh:
        with tempfile.NamedTemporaryFile("r", suffix=".tsv") as tsv:
            env["TEST_TIMES"] = tsv.name
            if durations_out:
                env["D2LCORE_RECORD_DURATIONS"] = str(durations_out)
            ok = subprocess.run(["bash", "scripts/test.sh"], cwd=checkout, env=env).returncode == 0
            for line in Path(tsv.name).read_text(encoding="utf-8").splitlines():
                name, seconds = line.split("\t")
                times[name] = float(seconds)
    else:
        for name, command in LEGACY_PHASES:
            start = time.perf_counter()
            ok = subprocess.run(["bash", "-c", f"source scripts/env.sh && {command}"],
                                cwd=checkout, env=env).returncode == 0 and ok
            times[name] = time.perf_counter() - start
        times["total"] = time.perf_counter() - t0
    times["CPU seconds (all processes)"] = _cpu_children() - cpu0
    times["load average before / after"] = f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
    times["passed"] = "yes" if ok else "NO"
    return times


def kernel_startup(repeats: int = 3) -> dict[str, float]:
    """Median seconds to start a pinned kernel and to import d2lcore in it (as nbval does)."""
    from jupyter_client.manager import start_new_kernel

    from d2lcore import kernel_env

    starts, imports = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", env=kernel_env.environ("pinned"))
        try:
            t1 = time.perf_counter()
            reply = kc.execute_interactive("import torch\nimport d2lcore as d2l", timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
            t2 = time.perf_counter()
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        starts.append(t1 - t0)
        imports.append(t2 - t1)
    return {"start a kernel": sorted(starts)[repeats // 2],
            "import torch and d2lcore in it": sorted(imports)[repeats // 2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkouts", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--update-durations", action="store_true",
                        help=f"write this checkout's measured file times to {DURATIONS.relative_to(ROOT)}")
    parser.add_argument("--kernel-only", action="store_true", help="only measure the kernel start-up")
    args = parser.parse_args()

    lines = [f"Machine: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
             f"{platform.processor() or platform.machine()}; nproc {os.cpu_count()}; "
             f"python {platform.python_version()}", ""]
    recorded = Path(tempfile.mkdtemp(prefix="bench-tests-")) / "durations.json"
    if not args.kernel_only:
        results = {}
        for checkout in args.checkouts:
            checkout = checkout.resolve()
            this = checkout == ROOT
            print(f"== {checkout}", flush=True)
            results[checkout] = run_checkout(checkout, recorded if this else None)
        rows = list(dict.fromkeys(k for r in results.values() for k in r))
        lines += ["| phase | " + " | ".join(str(c) for c in results) + " |",
                  "|---|" + "---:|" * len(results)]
        for row in rows:
            cells = []
            for r in results.values():
                v = r.get(row, "")
                cells.append(f"{v:.1f} s" if isinstance(v, float) else str(v))
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
        lines.append("")
        if recorded.is_file():
            files = json.loads(recorded.read_text(encoding="utf-8"))
            lines += ["Time of each test file in the pytest phase (setup, calls, teardown; longest first):",
                      "", "| file | seconds |", "|---|---:|"]
            lines += [f"| {k} | {v:.1f} |" for k, v in sorted(files.items(), key=lambda kv: -kv[1])]
            notebooks = [v for k, v in files.items() if k.endswith(".ipynb")]
            lines += [f"| all {len(notebooks)} notebooks | {sum(notebooks):.1f} |", ""]
            if args.update_durations:
                DURATIONS.write_text(recorded.read_text(encoding="utf-8"), encoding="utf-8")
                print(f"wrote {DURATIONS}")
    kernel = kernel_startup()
    lines += ["Paid once per notebook (median of 3, pinned kernel environment):", "",
              "| step | seconds |", "|---|---:|"] + [f"| {k} | {v:.2f} |" for k, v in kernel.items()] + [""]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
