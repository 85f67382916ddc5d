"""Sphinx extension: the site's interface in mainland Chinese.

Sphinx, pydata-sphinx-theme and sphinx-book-theme leave some of their labels untranslated for
zh_CN ("Link to this heading", "Launch on Colab", "Open issue", ...), and the book theme's zh_CN
catalog prints Taiwan's 列印 for "print". Our strings are put in front of those catalogs (the
themes' own translations stay the fallback); the issue button gets a Chinese template, and the
hidden-content toggle of sphinx-togglebutton, labelled in its JavaScript, gets a Chinese label.
A few labels are written into the themes' templates and MyST-NB's HTML writer without a call to
the translator (HARD_CODED): those are replaced in the written pages after the build.
"""
import gettext
from pathlib import Path
from urllib.parse import quote

from sphinx import locale
from sphinx.application import Sphinx

STRINGS = {
    # Sphinx
    "Link to this heading": "链接到此标题",
    "Link to this equation": "链接到此公式",  # numbered equations ($$ ... $$ (label))
    "Link to this image": "链接到此图",  # captioned figures
    # pydata-sphinx-theme
    "Toggle primary sidebar": "显示或隐藏目录",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Color mode": "颜色模式",
    "System Settings": "跟随系统",
    "Main": "全书目录",
    "Page": "本页目录",
    # sphinx-book-theme ("Launch on" is followed by " Colab" / " Binder")
    "Launch interactive content": "在线运行",
    "Launch on": "在线运行：",
    "Repository": "源码库",
    "Source repositories": "源码库",
    "Open issue": "提交问题",
    "Open an issue": "在源码库提交问题",
    "Print to PDF": "打印成 PDF",
}
CATALOGS = ["sphinx", "booktheme"]
ISSUE_TITLE = "关于页面 /{page}.html 的问题"
ISSUE_BODY = "请在这里描述你发现的问题（哪一段、哪个输出、你期望看到什么）。"
TOGGLE_LABEL = ('aria-label="Toggle hidden content"', 'aria-label="显示或隐藏内容"')
HARD_CODED = dict([
    # sphinx-book-theme's components/toggle-*-sidebar.html, sbt-sidebar-nav.html, layout.html
    ('title="Toggle primary sidebar"', 'title="显示或隐藏目录"'),
    ('title="Toggle secondary sidebar"', 'title="显示或隐藏本页目录"'),
    ('aria-label="Main"', 'aria-label="全书目录"'),
    ('aria-label="Page"', 'aria-label="本页目录"'),
    # MyST-NB's folded cell inputs (tag hide-input)
    TOGGLE_LABEL,
])


class _Overrides(gettext.NullTranslations):
    """Our strings first, then the catalog's own translations (the fallback)."""

    def gettext(self, message: str) -> str:
        return STRINGS.get(message) or super().gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return STRINGS.get(singular if n == 1 else plural) or super().ngettext(singular, plural, n)


def _put_in_front(catalog: str) -> _Overrides | None:
    key = ("general", catalog)
    current = locale.translators.get(key)
    if current is None or isinstance(current, _Overrides):
        return None
    ours = _Overrides()
    ours.add_fallback(current)
    locale.translators[key] = ours
    return ours


def _chinese_issue_template(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    def walk(buttons):
        for button in buttons:
            if button.get("label") == "source-issues-button" and "/issues/new?" in button.get("url", ""):
                base = button["url"].split("?", 1)[0]
                title, body = quote(ISSUE_TITLE.format(page=pagename)), quote(ISSUE_BODY)
                button["url"] = f"{base}?title={title}&body={body}"
            walk(button.get("buttons", []))
    walk(context.get("header_buttons", []))


def _chinese_toggle_label(app: Sphinx, exception: Exception | None) -> None:
    script = Path(app.outdir) / "_static" / "togglebutton.js"
    if exception is None and script.is_file():
        text = script.read_text(encoding="utf-8")
        script.write_text(text.replace(*TOGGLE_LABEL), encoding="utf-8")


def _chinese_hard_coded_labels(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        changed = text
        for english, chinese in HARD_CODED.items():
            changed = changed.replace(english, chinese)
        if changed != text:
            page.write_text(changed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # Listed after the themes in _config.yml, so their catalogs exist; done before the builder
    # starts, since the HTML templates keep the translator they are given at that moment.
    for catalog in CATALOGS:
        ours = _put_in_front(catalog)
        if catalog == "sphinx" and ours is not None:
            app.translator = ours  # what the HTML templates translate with
    app.connect("html-page-context", _chinese_issue_template, priority=900)
    app.connect("build-finished", _chinese_toggle_label)
    app.connect("build-finished", _chinese_hard_coded_labels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
