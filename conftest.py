"""Loaded by every pytest run in this repository, including nbval runs of a single notebook.

The kernels nbval starts inherit this process's environment, so this file gives it the kernel
environment of d2lcore/kernel_env.py (why, and the modes of D2LCORE_KERNEL_ENV: its docstring),
the one scripts/execute.py stores outputs with. Where that cannot reproduce the stored bits (not
x86-64 Linux, or native mode), every notebook still runs to the end and nbval compares its outputs
after tests/sanitize-rounding.cfg has replaced what depends on rounding.
"""
import json
import os
import tempfile
from pathlib import Path

from d2lcore import kernel_env

ROOT = Path(__file__).resolve().parent
MODE = kernel_env.requested_mode()
EXACT, REASON = kernel_env.exactness(MODE)
kernel_env.apply(MODE)


def pytest_report_header(config):
    return REASON if not EXACT else f"kernels: pinned kernel environment (d2lcore/kernel_env.py); {REASON}"


def pytest_configure(config):
    if EXACT or not getattr(config.option, "nbval_sanitize_with", None):
        return
    # nbval reads one sanitize file: the usual pairs followed by the rounding pairs.
    combined = Path(tempfile.mkdtemp(prefix="d2lcore-sanitize-")) / "sanitize.cfg"
    combined.write_text(Path(config.option.nbval_sanitize_with).read_text(encoding="utf-8") + "\n"
                        + (ROOT / "tests" / "sanitize-rounding.cfg").read_text(encoding="utf-8"),
                        encoding="utf-8")
    config.option.nbval_sanitize_with = str(combined)
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(REASON, yellow=True)


# ---- scheduling: the longest files first ------------------------------------------------------
# scripts/test.sh runs `pytest -n 2 --dist loadscope --no-loadscope-reorder`: xdist hands out whole
# files (a notebook's cells stay in one kernel) in collection order, a new one to whichever worker
# is nearly idle. Sorting the files longest first (longest-processing-time-first) keeps a long
# notebook, or the portability test, from starting last and running alone at the end.
# The durations are measured, not guessed: benchmarks/test-durations.json, {file: seconds},
# written by `python benchmarks/bench_tests.py --update-durations` (or any pytest run with
# D2LCORE_RECORD_DURATIONS=path). A file it does not list (a new notebook) counts as the longest,
# so it starts early; a stale file only makes the order less good, never a test wrong.
DURATIONS_FILE = ROOT / "benchmarks" / "test-durations.json"


def _scheduled_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(session, config, items):
    try:
        durations = json.loads(DURATIONS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        durations = {}
    unknown = max(durations.values(), default=0.0) + 1.0

    def cost(item) -> float:
        return durations.get(_scheduled_file(item.nodeid), unknown)

    items.sort(key=lambda item: -cost(item))  # stable: a file's items keep their order
    shard = os.environ.get("TEST_SHARD")  # "k/n": the k-th of n parallel CI jobs (1 <= k <= n)
    if shard:
        k, n = (int(x) for x in shard.split("/"))
        assert 1 <= k <= n, f"TEST_SHARD={shard}: want k/n with 1 <= k <= n"
        # Longest first, each file to the shard with the least work so far.
        loads, owner = [0.0] * n, {}
        for item in items:
            name = _scheduled_file(item.nodeid)
            if name not in owner:
                owner[name] = loads.index(min(loads))
                loads[owner[name]] += cost(item)
        keep = [item for item in items if owner[_scheduled_file(item.nodeid)] == k - 1]
        kept = set(map(id, keep))
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept])
        items[:] = keep


_recorded: dict[str, float] = {}


def pytest_runtest_logreport(report):
    if os.environ.get("D2LCORE_RECORD_DURATIONS"):
        name = _scheduled_file(report.nodeid)
        _recorded[name] = _recorded.get(name, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("D2LCORE_RECORD_DURATIONS")
    if path and _recorded and not hasattr(session.config, "workerinput"):  # the xdist controller
        Path(path).write_text(json.dumps({k: round(v, 1) for k, v in sorted(_recorded.items())},
                                         indent=1) + "\n", encoding="utf-8")
