"""Loaded by every pytest run in this repository, including nbval runs of a single notebook.

The kernels nbval starts inherit this process's environment: it gets the pinned kernel
environment of d2lcore/kernel_env.py, the one scripts/execute.py stores outputs with, so a
re-executed notebook reproduces the stored bits on any x86-64 CPU.

Where that cannot hold (not x86-64 Linux, or D2LCORE_KERNEL_ENV=native, which benchmarks use
to time full-speed kernels), every notebook still runs to the end, and nbval compares its
outputs after tests/sanitize-rounding.cfg has replaced what depends on floating-point rounding
(decimal numbers, figure coordinates); train_ch3's success check still guards the training cells.
"""
import os
import tempfile
from pathlib import Path

from d2lcore import kernel_env

ROOT = Path(__file__).resolve().parent
NATIVE = os.environ.get("D2LCORE_KERNEL_ENV") == "native"
EXACT, REASON = kernel_env.exactness()
if NATIVE:
    EXACT, REASON = False, ("D2LCORE_KERNEL_ENV=native: kernels run at full speed without the pinned "
                            "settings, so only outputs that do not depend on rounding are compared.")
    kernel_env.apply(native=True)
else:
    kernel_env.apply()


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
