"""Execute every notebook of the book as scripts/execute.py does, timing each (optionally its peak memory).

The notebooks run from a copy of chapters/ in a temporary folder (next to a copy of data/, since
notebooks read and write ../../data/), so the stored notebooks are never rewritten. Each runs in a
fresh kernel through ``book.execute()`` (scripts/book.py), as scripts/execute.py stores outputs.

    python benchmarks/bench_book.py [NOTEBOOK ...] [--memory] [--nbval] [--jobs 2] [--markdown FILE]

Kernels get the pinned kernel environment (d2lcore/kernel_env.py), as scripts/execute.py and the
test run give them; ``--kernels native``: full-speed kernels, one thread each (:func:`native_environ`).

--memory  appends one cell to each copy that prints the kernel's peak resident memory
          (``resource.getrusage(RUSAGE_SELF).ru_maxrss``; DataLoader workers are counted apart);
--nbval   also times ``python -m pytest chapters -n JOBS --dist loadscope`` (the nbval run of CI,
          on the real chapters/, which nbval only reads) as a whole, once with pinned and once with
          native kernels (``D2LCORE_KERNEL_ENV=native``), one after the other.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # puts the repository root on sys.path
from _common import ROOT

import nbformat  # noqa: E402

from d2lcore import kernel_env  # noqa: E402
from scripts import book  # noqa: E402

MARK = "__BENCH_PEAK_RSS_KB__"
MEMORY_CELL = ("import resource as _r\n"
               f"print('{MARK}', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss, "
               "_r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss)")
BIG_FILE = 20 * 2**20  # data/ files above this size are linked, not copied


def native_environ() -> dict[str, str]:
    """This process's environment for full-speed kernels, to time what pinning costs.

    The pinned settings are removed (whoever set them) and native mode is requested, so that a
    test run started with it leaves them out too; each kernel keeps one thread, so that two
    notebooks run at once on two cores, as pinned kernels do.
    """
    env = {k: v for k, v in os.environ.items() if k not in kernel_env.PINNED}
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env[kernel_env.MODE_VARIABLE] = "native"
    return env


def copy_book(tmp: Path) -> Path:
    """Copy chapters/ and data/ (large files as links) into ``tmp``; return the copy of chapters/."""
    chapters = tmp / "chapters"
    shutil.copytree(ROOT / "chapters", chapters, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))

    def copy_or_link(src: str, dst: str) -> None:
        if os.path.getsize(src) > BIG_FILE:
            os.symlink(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(ROOT / "data", tmp / "data", copy_function=copy_or_link)
    return chapters


def add_memory_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MEMORY_CELL))
    nbformat.write(nb, path)


def read_peak_rss(path: Path) -> tuple[float, float] | None:
    """(kernel, largest child) peak RSS in MB, printed by the memory cell; None if it did not run."""
    nb = nbformat.read(path, as_version=4)
    for out in nb.cells[-1].get("outputs", []):
        m = re.search(MARK + r" (\d+) (\d+)", out.get("text", ""))
        if m:
            return int(m.group(1)) / 1024, int(m.group(2)) / 1024
    return None


def run_notebooks(chapters: Path, selected: list[str], memory: bool) -> list[dict]:
    paths = [chapters / p.relative_to(ROOT / "chapters") for p in book.notebooks()]  # toc order
    if selected:
        paths = [p for p in paths if any(s in str(p.relative_to(chapters)) for s in selected)]
    results = []
    for path in paths:
        name = str(path.relative_to(chapters))
        start = time.perf_counter()
        try:
            if memory:
                add_memory_cell(path)
            seconds, status = book.execute(path), "ok"
        except Exception as exc:  # a notebook that fails still gets a row
            seconds, status = time.perf_counter() - start, f"FAILED ({type(exc).__name__})"
        rss = read_peak_rss(path) if memory and status == "ok" else None
        results.append({"name": name, "seconds": seconds, "status": status, "rss": rss})
        mem = f"  {rss[0]:7.0f} MB" if rss else ""
        print(f"{seconds:7.1f} s{mem}  {name}  {status if status != 'ok' else ''}", flush=True)
    return results


def run_nbval(jobs: int, kernels: str) -> tuple[float, int, str, list[str]]:
    """Wall seconds, exit code, pytest's summary line and the failed tests of the nbval run over chapters/."""
    cmd = [sys.executable, "-m", "pytest", "chapters", "-n", str(jobs), "--dist", "loadscope", "-q"]
    # conftest.py applies the mode's settings to the test run's kernels
    env = native_environ() if kernels == "native" else dict(os.environ, **{kernel_env.MODE_VARIABLE: kernels})
    print(f"\n$ {kernel_env.MODE_VARIABLE}={kernels} " + " ".join(cmd[1:]), flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    summary = re.sub(r" in [\d.]+s.*", "", lines[-1].strip("= ")) if lines else "no output"
    failed = [l.split(" ", 1)[1].split(" - ")[0] for l in lines if l.startswith(("FAILED ", "ERROR "))]
    return seconds, proc.returncode, summary, failed


def main() -> None:
    parser = _common.base_parser(__doc__)
    parser.add_argument("notebooks", nargs="*", help="run only notebooks whose path under chapters/ "
                                                     "contains one of these strings")
    parser.add_argument("--memory", action="store_true", help="report each kernel's peak RSS")
    parser.add_argument("--nbval", action="store_true", help="also time the nbval run of chapters/")
    parser.add_argument("--jobs", type=int, default=2, help="pytest-xdist workers for --nbval (default 2)")
    parser.add_argument("--no-execute", action="store_true", help="skip the execution (with --nbval: only that)")
    parser.add_argument("--kernels", choices=["pinned", "native"], default="pinned",
                        help="kernel environment for the execution (default: pinned, as stored outputs)")
    args = _common.parse(parser)
    # kernels find d2lcore in this checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    if args.kernels == "native":
        os.environ.clear()
        os.environ.update(native_environ())
    kernel_env.apply(args.kernels)  # as scripts/execute.py's main() (and conftest.py in the mode)
    report = _common.Report("The book: execute every notebook (scripts/execute.py)", _common.command_line())
    if not args.no_execute:
        report.note(f"Executed with {args.kernels} kernels "
                    + ("(" + ", ".join(f"{k}={v}" for k, v in kernel_env.PINNED.items()) + ")."
                       if args.kernels == "pinned" else "(one torch thread each, full-speed code paths)."))
        report_execution(report, args)
    if args.nbval:
        rows, runs = [], {}
        for kernels in ("native", "pinned"):
            seconds, rc, summary, failed = runs[kernels] = run_nbval(args.jobs, kernels)
            command = f"python -m pytest chapters -n {args.jobs} --dist loadscope"
            rows.append([f"{kernel_env.MODE_VARIABLE}={kernels} {command}",
                         f"{seconds:.1f} s", f"{summary} (exit {rc})"])
            if failed:
                report.note(f"Failed ({kernels}): " + ", ".join(f"`{f}`" for f in failed))
        report.table("The nbval run as a whole, native (before) and pinned (after) kernels, one after the other",
                     ["command", "wall", "pytest summary"], rows)
        report.note(f"Pinned / native wall time: {runs['pinned'][0] / runs['native'][0]:.2f}.")
    report.write_markdown(args.markdown)


def report_execution(report: _common.Report, args: argparse.Namespace) -> None:
    """Execute the notebooks (copies) and add their table to ``report``."""
    with tempfile.TemporaryDirectory() as tmp:
        results = run_notebooks(copy_book(Path(tmp)), args.notebooks, args.memory)
    if not results:
        raise SystemExit("no notebook matched " + " ".join(args.notebooks))
    ok = [r for r in results if r["status"] == "ok"]
    header = ["notebook", "wall"] + (["peak RSS kernel", "children"] if args.memory else []) + ["status"]
    rows = []
    for r in results:
        mem = ([f"{x:.0f} MB" for x in r["rss"]] if r["rss"] else ["-", "-"]) if args.memory else []
        rows.append([r["name"], f"{r['seconds']:.1f} s"] + mem + [r["status"]])
    total = sum(r["seconds"] for r in results)
    rows.append([f"total ({len(results)} notebooks, {len(ok)} ok)", f"{total:.1f} s"]
                + (["", ""] if args.memory else []) + [""])
    report.table("Execution of each notebook in a fresh kernel (one run, sequential)", header, rows)
    slowest = max(results, key=lambda r: r["seconds"])
    report.note(f"Slowest: {slowest['name']} ({slowest['seconds']:.1f} s).")
    with_rss = [r for r in ok if r["rss"]]
    if with_rss:
        top = max(with_rss, key=lambda r: r["rss"][0])
        child = max(with_rss, key=lambda r: r["rss"][1])
        report.note(f"Largest kernel peak RSS: {top['name']} ({top['rss'][0]:.0f} MB); largest child "
                    f"process (DataLoader worker, subprocess): {child['name']} ({child['rss'][1]:.0f} MB).")


if __name__ == "__main__":
    main()
