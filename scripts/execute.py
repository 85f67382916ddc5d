"""Execute notebooks in place, in a fresh kernel each, and store their outputs.

Usage: python scripts/execute.py [--jobs N] [NOTEBOOK ...]   (default: every notebook, in toc order)

--jobs N executes N notebooks at once. Kernels run in the pinned kernel environment, as in the
test run (why: the docstring of d2lcore/kernel_env.py).

This is how stored outputs are produced; nbval later re-executes and compares them.
Timing metadata is not recorded, so re-running an unchanged notebook leaves no git diff.
"""
import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import book  # scripts/book.py

from d2lcore import kernel_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--jobs", "-j", type=int, default=1, help="notebooks executed at once")
    args = parser.parse_args()
    exact, reason = kernel_env.exactness()
    if not exact:
        parser.exit(1, f"execute.py stores outputs that must reproduce bit for bit; {reason}\n")
    kernel_env.apply("pinned")
    paths = [p.resolve() for p in args.notebooks] or book.notebooks()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for path, seconds in zip(paths, pool.map(book.execute, paths)):
            print(f"{seconds:7.1f} s  {os.path.relpath(path, book.ROOT)}", flush=True)
    print(f"{time.perf_counter() - start:7.1f} s  wall ({len(paths)} notebooks, {args.jobs} at once)")


if __name__ == "__main__":
    main()
