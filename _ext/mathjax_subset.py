"""Sphinx extension: ship only the part of MathJax that the pages load.

sphinx-mathjax-offline copies all of MathJax 3 (24 MB: every combined component, SVG output,
MathML input, ...) into _static/mathjax, while the pages load tex-chtml.js, which fetches the
CHTML fonts and, for macros outside its core (\\boldsymbol), an extension from input/tex/extensions.
The accessibility options of MathJax's right-click menu load a11y/ and the speech engine sre/.
Everything else is deleted from the built site after the build.
"""
import shutil
from pathlib import Path

from sphinx.application import Sphinx

KEEP = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "a11y", "sre", "ui"]


def keep_what_pages_load(app: Sphinx, exception: Exception | None) -> None:
    root = Path(app.outdir) / "_static" / "mathjax"
    if exception is not None or app.builder.format != "html" or not (root / KEEP[0]).is_file():
        return
    kept = {root / k for k in KEEP}
    for path in sorted(root.rglob("*"), reverse=True):  # children before their folders
        if any(path == k or k in path.parents for k in kept):
            continue
        if path.is_dir():
            if not any(path.iterdir()) or not any(k.is_relative_to(path) for k in kept):
                shutil.rmtree(path)
        else:
            path.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", keep_what_pages_load)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
