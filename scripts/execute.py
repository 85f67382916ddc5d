"""Execute notebooks in place, in a fresh kernel each, and store their outputs.

Usage: python scripts/execute.py [--jobs N] [NOTEBOOK ...]   (default: every notebook under chapters/)

--jobs N executes N notebooks at once. Kernels run in the pinned kernel environment of
d2lcore/kernel_env.py (one thread, portable code paths), as in the test run, so the stored bits
are the same on any x86-64 CPU.

This is how stored outputs are produced; nbval later re-executes and compares them.
Timing metadata is not recorded, so re-running an unchanged notebook leaves no git diff.
"""
import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from d2lcore import kernel_env

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--jobs", "-j", type=int, default=1, help="notebooks executed at once")
    args = parser.parse_args()
    exact, reason = kernel_env.exactness()
    if not exact:
        parser.exit(1, f"execute.py stores outputs that must reproduce bit for bit; {reason}\n")
    kernel_env.apply()  # the same kernel environment as the test run (conftest.py)
    paths = args.notebooks or sorted((ROOT / "chapters").rglob("*.ipynb"))
    paths = [p.resolve() for p in paths if ".ipynb_checkpoints" not in p.parts]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for path, seconds in zip(paths, pool.map(execute, paths)):
            print(f"{seconds:7.1f} s  {os.path.relpath(path, ROOT)}", flush=True)
    print(f"{time.perf_counter() - start:7.1f} s  wall ({len(paths)} notebooks, {args.jobs} at once)")


if __name__ == "__main__":
    main()
