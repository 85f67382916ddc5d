"""Sphinx extension: fold each exercise's answer (参考答案) under its question.

In a notebook's 练习 section every question is a markdown cell of its own, a one-item numbered
list ("3. …"), and its answer follows it:

    :::{answer} 3
    The first words of the answer (may be empty).
    :::

then any code cells and markdown cells that belong to the answer. A notebook cannot nest code
cells inside a directive, so this transform does the nesting in the rendered page: an answer
takes in the nodes that follow it up to the next question (a numbered list starting at the
next number), the next answer, or the end of the section. The page shows a closed <details>
element; the notebook, nbval and Colab see ordinary cells.
"""
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
SUMMARY = "参考答案"


class answer(nodes.General, nodes.Element):
    """A folded answer; `number` is the exercise it answers."""


class AnswerDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {}

    def run(self) -> list[nodes.Node]:
        try:
            number = directives.positive_int(self.arguments[0])
        except ValueError:
            raise self.error(f"answer: the argument must be the exercise number, got {self.arguments[0]!r}") from None
        node = answer(number=number, ids=[f"answer-{number}"], classes=["answer"])
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class FoldAnswers(SphinxTransform):
    """Move the cells that follow an answer directive into it (see the module docstring)."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for node in list(self.document.findall(answer)):
            parent, number = node.parent, node["number"]
            question = _previous_question(node)
            if question != number:
                logger.warning(f"answer {number} does not follow question {number} "
                               f"(the question before it is {question})", location=node)
            i = parent.index(node) + 1
            while i < len(parent.children):
                sibling = parent.children[i]
                if isinstance(sibling, answer) or _starts_question(sibling, number + 1):
                    break
                parent.remove(sibling)
                node.append(sibling)


def _starts_question(node: nodes.Node, number: int) -> bool:
    return isinstance(node, nodes.enumerated_list) and node.get("start", 1) == number


def _previous_question(node: nodes.Node) -> int | None:
    parent = node.parent
    for sibling in reversed(parent.children[: parent.index(node)]):
        if isinstance(sibling, answer):
            return None
        if isinstance(sibling, nodes.enumerated_list):
            return sibling.get("start", 1) + len(sibling.children) - 1
    return None


def visit_answer_html(self, node: answer) -> None:
    self.body.append(f'<details class="answer" id="answer-{node["number"]}">'
                     f'<summary>{SUMMARY}</summary><div class="answer-body">\n')


def depart_answer_html(self, node: answer) -> None:
    self.body.append("</div></details>\n")


def visit_answer_latex(self, node: answer) -> None:
    self.body.append(f"\n\n\\noindent\\textbf{{{SUMMARY} {node['number']}}}\\par\n")


def depart_answer_latex(self, node: answer) -> None:
    self.body.append("\n\n")


def visit_answer_text(self, node: answer) -> None:
    self.new_state(0)
    self.add_text(f"{SUMMARY} {node['number']}")
    self.end_state()


def depart_answer_text(self, node: answer) -> None:
    pass


def setup(app: Sphinx) -> dict:
    app.add_node(answer, html=(visit_answer_html, depart_answer_html),
                 latex=(visit_answer_latex, depart_answer_latex),
                 text=(visit_answer_text, depart_answer_text))
    app.add_directive("answer", AnswerDirective)
    app.add_transform(FoldAnswers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
