"""Execute notebooks in place, in a fresh kernel each, and store their outputs.

Usage: python scripts/execute.py [NOTEBOOK ...]   (default: every notebook under chapters/)

This is how stored outputs are produced; nbval later re-executes and compares them.
Timing metadata is not recorded, so re-running an unchanged notebook leaves no git diff.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                            coalesce_streams=True,  # one print, one stored output, however it was flushed
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return elapsed


def main(argv):
    # The same settings as the test run (conftest.py): final Animator figure only, one torch thread.
    os.environ["D2LCORE_ANIMATE"] = "0"
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    os.environ.pop("MPLBACKEND", None)  # the kernel picks matplotlib-inline itself
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").rglob("*.ipynb"))
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    total = 0.0
    for path in paths:
        seconds = execute(path.resolve())
        total += seconds
        print(f"{seconds:7.1f} s  {path}", flush=True)
    print(f"{total:7.1f} s  total ({len(paths)} notebooks)")


if __name__ == "__main__":
    main(sys.argv[1:])
