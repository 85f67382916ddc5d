"""What the scripts, tests and benchmarks need to know about the book, written once.

The notebooks (in reading order), the pages of ``_toc.yml``, how a notebook is executed and its
outputs stored, the install cell every notebook begins with, the pinned releases of the two
requirements files, and how the built site is served to Debian's Chromium. (How the site is
built is said once too, in ``scripts/build.sh``; the kernel environment is
``d2lcore/kernel_env.py``.)

How it is imported: the scripts run as files (``python scripts/execute.py``), and Python puts a
script's folder first on ``sys.path``, so they ``import book``; pytest (the root ``conftest.py``)
and the benchmarks (``benchmarks/_common.py``) have the repository root on ``sys.path``, so they
``from scripts import book``. Only the standard library is imported at module level:
``scripts/check_binder.sh`` also imports it in a fresh Binder environment.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_GLOB = "chapters/*/*.ipynb"  # one folder per chapter, one notebook per section
TIMEOUT = 900  # seconds per cell, for the slowest training cell on a slow machine


def toc_files() -> list[str]:
    """Every page of ``_toc.yml`` in reading order (the root, then each chapter and its sections),
    as paths relative to the repository root without their suffix."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries) -> None:
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", [{"chapters": toc.get("chapters")}]):
        walk(part.get("chapters"))
    return names


def notebooks() -> list[Path]:
    """Every notebook under ``chapters/``, in the reading order of ``_toc.yml``.

    A notebook missing from the toc comes last (``tests/test_notebooks.py`` fails on it).
    """
    order = {name: i for i, name in enumerate(toc_files())}
    found = ROOT.glob(NOTEBOOK_GLOB)
    return sorted(found, key=lambda p: (order.get(p.relative_to(ROOT).with_suffix("").as_posix(), len(order)),
                                        p.as_posix()))


def notebook_client(nb, cwd: Path):
    """The ``NotebookClient`` that runs ``nb`` in a fresh ``python3`` kernel working in ``cwd``.

    No timing metadata is recorded (a re-run would differ), and a cell's stream output is stored as
    one output however its prints were flushed.
    """
    from nbclient import NotebookClient

    return NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                          coalesce_streams=True, resources={"metadata": {"path": str(cwd)}})


def execute(path: Path) -> float:
    """Execute the notebook at ``path`` top to bottom in a fresh kernel and store its outputs.

    The kernel inherits this process's environment (``scripts/execute.py`` pins it first).
    Returns the seconds the execution took.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    start = time.perf_counter()
    notebook_client(nb, path.parent).execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return elapsed


# The first code cell of every notebook, hidden on the site (scripts/install_cell.py writes it).
INSTALL_TAG = "remove-cell"  # MyST-NB leaves the cell out of the rendered page; nbval still runs it
INSTALL_TEMPLATE = """\
# 全新环境（如 Colab）中先安装 d2lcore；已安装时什么也不做
import importlib.util
import subprocess
import sys

if importlib.util.find_spec('d2lcore') is None:
    repo = '{url}'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet',
                    f'd2lcore[data] @ git+{{repo}}'], check=True)
    importlib.invalidate_caches()"""


def repository_url() -> str:
    """``repository.url`` of ``_config.yml``, without a trailing slash."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def install_source(url: str | None = None) -> str:
    """The source of the install cell for the repository at ``url`` (default: ``_config.yml``'s)."""
    return INSTALL_TEMPLATE.format(url=url or repository_url())


# Everything the book needs (tests and site included), and what Binder installs: only the notebook
# stack, pinned to the same releases (tests/test_notebooks.py checks it).
REQUIREMENTS = ROOT / "requirements.txt"
BINDER_REQUIREMENTS = ROOT / "binder" / "requirements.txt"


def requirement_pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` line of a requirements file.

    Names are compared the way pip compares them: lower case, ``_`` and ``.`` read as ``-``.
    """
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (part.strip() for part in line.split("==", 1))
            pins[name.lower().replace("_", "-").replace(".", "-")] = version
    return pins


# ---- the built site in a browser (browser tests, the PDF, the search benchmark) ----------------

CHROMIUM = "/usr/bin/chromium"  # Debian's; `playwright install` cannot download one offline
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` with http.server on 127.0.0.1, on a free port, in a thread; yields the
    base URL ("http://127.0.0.1:PORT/")."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
