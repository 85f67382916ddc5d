"""Loaded by every pytest run in this repository, including nbval runs of a single notebook.

The kernels nbval starts inherit this process's environment, so this file gives it the kernel
environment of d2lcore/kernel_env.py (why, and the modes of D2LCORE_KERNEL_ENV: its docstring),
the one scripts/execute.py stores outputs with. Where that cannot reproduce the stored bits (not
x86-64 Linux, or native mode), every notebook still runs to the end and nbval compares its outputs
after tests/sanitize-rounding.cfg has replaced what depends on rounding.
"""
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
