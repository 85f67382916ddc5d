"""Static checks of the stored notebooks: one clean run each, the book's page shape, the toc."""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for chapter in toc["chapters"]:
        files.append(chapter["file"])
        files += [s["file"] for s in chapter.get("sections", [])]
    return files


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


def test_toc_and_chapters_agree():
    listed = _toc_files()
    for name in listed:
        assert (ROOT / f"{name}.md").exists() or (ROOT / f"{name}.ipynb").exists(), f"{name} is in _toc.yml but missing"
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in NOTEBOOKS}
    assert on_disk <= set(listed), f"notebooks not in _toc.yml: {sorted(on_disk - set(listed))}"
    assert len(listed) == 1 + 4 + 30  # front page, 4 chapter pages, 30 sections (BOOK.md)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_holds_one_clean_run(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), "cells were not executed once, top to bottom"
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i} stored an error"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), \
                f"cell {i} wrote to stderr: {''.join(out['text'])[:200]}"
            assert "execution" not in cell.get("metadata", {}), "timing metadata makes re-runs diff"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_like_a_book_page(path):
    cells = _load(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and re.match(r"# \S", _source(cells[0])), "first cell: '# 标题'"
    headings = [line for c in cells if c["cell_type"] == "markdown" for line in _source(c).splitlines()]
    assert "## 小结" in headings and "## 练习" in headings
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "d2l.notebook_setup(" in _source(first_code), "the first code cell sets up figures and seeds"
    for c in cells:
        if c["cell_type"] == "code":
            text = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                           for o in c.get("outputs", []))
            assert not re.search(r"/root/|/home/\w+|/tmp/", text), "machine-specific path in an output"
