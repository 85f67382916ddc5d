"""Fixtures of the browser tests: the built site served on 127.0.0.1, and Debian's Chromium.

scripts/test.sh runs this folder on its own after building the site, pages in parallel:
    python -m pytest -p no:nbval --override-ini addopts= --confcutdir=tests/browser -n 4 tests/browser
(``--confcutdir`` leaves out the repository's conftest.py, which the browser needs no part of;
each xdist worker drives its own Chromium). The site is taken from _build/html (or
$BOOK_HTML_DIR); when it is missing it is built first with the command of scripts/build.sh, by one
worker while the others wait. Every request that does not go to 127.0.0.1 is blocked, so the tests
also prove that the site works offline.
"""
from __future__ import annotations

import fcntl
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import book

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM, CHROMIUM_ARGS = book.CHROMIUM, book.CHROMIUM_ARGS
SCREENSHOTS = ROOT / "tests" / "screenshots"  # git-ignored
NOT_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/])")


def pytest_ignore_collect(collection_path, config):
    """Leave this folder out of every run that does not name it (or a file or test in it).

    The main test run (`pytest` alone, or `pytest tests`) checks the notebooks before the site
    is built; scripts/test.sh runs these tests afterwards by naming the folder.
    """
    here = Path(__file__).resolve().parent
    for arg in config.args:
        named = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if named == here or here in named.parents:
            return None
    return True


def _build_site(html: Path) -> None:
    subprocess.run(["bash", "scripts/build.sh"], cwd=ROOT, check=True)  # the one build command
    assert (html / "index.html").is_file(), f"the build did not produce {html / 'index.html'}"


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; built with scripts/build.sh's command when it is missing."""
    html = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html")).resolve()
    if not (html / "index.html").is_file():
        # xdist workers start together: the first builds, the others wait for it.
        lock = ROOT / "_build" / ".browser-tests.lock"
        lock.parent.mkdir(exist_ok=True)
        with lock.open("w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            if not (html / "index.html").is_file():
                _build_site(html)
    return html


@pytest.fixture(scope="session")
def base_url(site_dir: Path):
    """Serve the site on 127.0.0.1, on a free port, in a thread (scripts/book.py: serve)."""
    with book.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (`apt-get install chromium`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A browser page plus what it reported: console errors, page errors, blocked requests."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def goto(self, path: str):
        """Open `path` (relative to the site root), wait for the page (images included) and MathJax."""
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == 200, f"{path}: HTTP {response.status}"
        self.page.evaluate(
            "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        return response

    def problems(self) -> list[str]:
        """What went wrong during the visit, once the network has been idle for 0.5 s (so that
        requests made after the page's load event, e.g. MathJax's fonts, are counted too)."""
        self.page.wait_for_load_state("networkidle")
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"blocked request (the site must work offline): {u}" for u in self.blocked]
                + [f"failed request: {u}" for u in self.failed])

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def visit(browser, base_url):
    """A fresh page in a fresh context; requests to anything but 127.0.0.1 are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    v = Visit(page=page, base_url=base_url)

    def block(route):
        v.blocked.append(route.request.url)
        route.abort()

    # Only requests whose URL does not start with http://127.0.0.1 reach `block`; the
    # pattern is matched inside the browser, so the site's own files are not slowed down.
    page.route(NOT_LOCAL, block)
    page.on("console", lambda msg: v.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: v.page_errors.append(str(exc)))
    page.on("requestfailed",
            lambda req: v.failed.append(req.url) if req.url not in v.blocked else None)
    page.on("response",
            lambda resp: v.failed.append(f"{resp.url} (HTTP {resp.status})") if resp.status >= 400 else None)
    try:
        yield v
    finally:
        context.close()
