"""The download of every notebook (_ext/notebook_zip.py): complete, and runnable without git.

The zip is made here from the working tree with the function the site build uses; the browser
tests check that the built site carries it and links it.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scripts import book

ROOT = Path(__file__).resolve().parents[1]

def _notebook_zip_module():
    spec = importlib.util.spec_from_file_location("notebook_zip", ROOT / "_ext" / "notebook_zip.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _toc_notebooks() -> list[str]:
    return [p.relative_to(ROOT).with_suffix("").as_posix() for p in book.notebooks()]


@pytest.fixture(scope="module")
def book_zip(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("zip") / "d2l-notebooks.zip"
    _notebook_zip_module().build_zip(ROOT, _toc_notebooks(), target)
    return target


def test_zip_holds_every_notebook_d2lcore_requirements_and_howto(book_zip):
    with zipfile.ZipFile(book_zip) as archive:
        names = set(archive.namelist())
        requirements = archive.read("d2l-notebooks/requirements.txt").decode().splitlines()
        howto = archive.read("d2l-notebooks/使用说明.md").decode()
    missing = [f"d2l-notebooks/{nb}.ipynb" for nb in _toc_notebooks() if f"d2l-notebooks/{nb}.ipynb" not in names]
    assert missing == []
    assert {"d2l-notebooks/d2lcore/__init__.py", "d2l-notebooks/pyproject.toml"} <= names
    assert "-e ." in requirements and any(r.startswith("torch==") for r in requirements)
    assert any(r.startswith("jupyterlab==") for r in requirements)
    assert "pip install -r requirements.txt" in howto and "jupyter lab" in howto


def test_the_same_sources_give_the_same_bytes(book_zip, tmp_path):
    again = tmp_path / "again.zip"
    _notebook_zip_module().build_zip(ROOT, _toc_notebooks(), again)
    assert again.read_bytes() == book_zip.read_bytes()


def test_a_notebook_of_the_zip_runs_under_nbval_with_the_zips_d2lcore(book_zip, tmp_path):
    with zipfile.ZipFile(book_zip) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "d2l-notebooks"
    env = dict(os.environ, PYTHONPATH=str(folder))
    where = subprocess.run([sys.executable, "-c", "import d2lcore; print(d2lcore.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(folder), f"d2lcore imported from {where.strip()}, not the zip"
    notebook = folder / "chapters" / "01_preliminaries" / "ndarray.ipynb"
    run = subprocess.run(
        [sys.executable, "-m", "d2lcore.kernel_env", sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
         "-q", "--nbval", f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}", str(notebook)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
