"""Write (or check) the install cell of every notebook: the first code cell, hidden on the site.

Usage: python scripts/install_cell.py [--check] [NOTEBOOK ...]   (default: every notebook)

In a fresh Colab or Binder kernel `import d2lcore` would fail; this cell installs d2lcore from the
book's repository when it cannot be found, and does nothing (prints nothing) where it is installed,
as in the stored run and under nbval. The repository URL comes from `repository.url` in
_config.yml, the one setting to change when publishing the book elsewhere: after changing it, run
this script. With --check nothing is written and the exit status says whether every notebook
already has the right cell (tests/test_notebooks.py checks the same).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

import book  # scripts/book.py: the cell's source and where the notebooks are

TAG = book.INSTALL_TAG


def is_install_cell(cell) -> bool:
    return cell.cell_type == "code" and TAG in cell.metadata.get("tags", []) \
        and "find_spec('d2lcore')" in cell.source


def update(nb, source: str) -> bool:
    """Put the install cell before the first code cell of `nb`; return whether `nb` changed."""
    codes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first = nb.cells[codes[0]]
    if is_install_cell(first):
        if first.source == source and first.metadata.get("tags") == [TAG] and not first.outputs:
            return False
        first.source = source
        first.metadata["tags"] = [TAG]
        first.outputs = []
        return True
    # A new cell: it runs first, so every stored execution count moves up by one.
    for i in codes:
        if nb.cells[i].execution_count is not None:
            nb.cells[i].execution_count += 1
        for output in nb.cells[i].outputs:
            if output.get("execution_count") is not None:
                output.execution_count += 1
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [TAG]})
    cell.execution_count = 1
    cell.id = "install-d2lcore"  # a fixed id: re-running this script gives the same file
    nb.cells.insert(codes[0], cell)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if a cell is missing or stale")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    source = book.install_source()
    stale = []
    for path in args.notebooks or book.notebooks():
        nb = nbformat.read(path, as_version=4)
        if update(nb, source):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "stale or missing install cell" if args.check else "updated"
    for path in stale:
        print(f"{verb}: {path.resolve().relative_to(book.ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
