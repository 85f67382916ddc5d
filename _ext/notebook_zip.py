"""Sphinx extension: one download with every notebook of the book, to run it without git.

After an HTML build, downloads/d2l-notebooks.zip holds the folder d2l-notebooks/ with the
notebooks (stored outputs included) in their chapter folders, d2lcore, a requirements.txt (the
notebooks' pinned stack, d2lcore installed from the folder, JupyterLab), the licences and a short
使用说明.md. Entries are sorted and dated 1980-01-01, so the same sources give the same bytes.
Every page's download menu links to it, and to the whole book as one PDF (PDF_PATH), which
scripts/build_pdf.py prints after the build (scripts/build.sh runs both).
"""
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

ZIP_PATH = "downloads/d2l-notebooks.zip"
PDF_PATH = "downloads/d2l-pytorch.pdf"
FOLDER = "d2l-notebooks"
REQUIREMENTS = ["binder/requirements.txt", "requirements-lab.txt"]  # what Binder installs, plus JupyterLab
FILES = ["pyproject.toml", "README.md", "LICENSE", "LICENSE-TEXT", "data/README.md"]
HOWTO = """\
# 使用说明

这是《动手学深度学习》可执行笔记 (PyTorch) 的全部笔记本（含存储的输出）和它们共用的模块 `d2lcore`。

1. 解压，进入文件夹：`cd d2l-notebooks`
2. 用 Python 3.11 建一个虚拟环境并安装依赖（第一次要下载 PyTorch，需要几分钟）：

   ```bash
   python3.11 -m venv .venv
   .venv/bin/pip install -r requirements.txt
   ```

3. 启动 JupyterLab，打开 `chapters/` 下任意一节：`.venv/bin/jupyter lab`

第 2、3 章要用 Fashion-MNIST：联网时 d2lcore 第一次使用会把它下载到 `data/`；
离线时在 Debian/Ubuntu 上 `sudo apt-get install dataset-fashion-mnist`，
或者把四个 `.gz` 文件放进 `data/FashionMNIST/raw/`（详见 `README.md`）。
"""


def build_zip(root: Path, notebooks: list[str], target: Path) -> None:
    """Write the zip of `notebooks` (paths relative to `root`, without suffix) to `target`."""
    entries = {f"{FOLDER}/{name}.ipynb": (root / f"{name}.ipynb").read_bytes() for name in notebooks}
    for path in sorted((root / "d2lcore").glob("*.py")):
        entries[f"{FOLDER}/d2lcore/{path.name}"] = path.read_bytes()
    for name in FILES:
        entries[f"{FOLDER}/{name}"] = (root / name).read_bytes()
    requirements = [line for name in REQUIREMENTS for line in (root / name).read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    entries[f"{FOLDER}/requirements.txt"] = ("\n".join(requirements) + "\n").encode()
    entries[f"{FOLDER}/使用说明.md"] = HOWTO.encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])


def _write_zip(app: Sphinx, exception: Exception | None) -> None:
    # Not for the single-page build that the PDF is printed from: the site has the zip.
    if exception is not None or app.builder.name != "html":
        return
    root = Path(app.srcdir)
    notebooks = sorted(doc for doc in app.env.found_docs if (root / f"{doc}.ipynb").is_file())
    build_zip(root, notebooks, Path(app.outdir) / ZIP_PATH)


def _link_in_download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button.setdefault("buttons", []).extend([{
                "type": "link",
                "url": context["pathto"](PDF_PATH, 1),
                "text": "全书 (.pdf)",
                "tooltip": "下载全书的 PDF 版本",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            }, {
                "type": "link",
                "url": context["pathto"](ZIP_PATH, 1),
                "text": "全书笔记本 (.zip)",
                "tooltip": "下载全部笔记本和 d2lcore，离线运行",
                "icon": "fas fa-file-archive",
                "label": "download-notebooks-zip-button",
            }])


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _write_zip)
    app.connect("html-page-context", _link_in_download_menu, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
