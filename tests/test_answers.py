"""Every exercise has exactly one folded answer (参考答案), right below it.

The 练习 section of a page is: the heading cell, then for each question N a markdown cell holding
only the question ("N. …"), a markdown cell opening its answer (":::{answer} N"), and the answer's
further cells. _ext/answers.py folds those cells on the site; this checks the layout it relies on.
"""
import json
import re
from pathlib import Path

import pytest

from scripts import book

NOTEBOOKS = book.notebooks()
QUESTION = re.compile(r"(\d+)\. \S")
ANSWER = re.compile(r":::\{answer\} (\d+)\n(?:.*\n)?:::\s*$", re.S)


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def exercise_cells(path: Path) -> list[tuple[str, str]] | None:
    """(cell type, source) of the cells after the one with the `## 练习` heading (None: no 练习)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    starts = [i for i, c in enumerate(cells)
              if c["cell_type"] == "markdown" and re.search(r"^## 练习", _source(c), re.M)]
    assert len(starts) <= 1, f"{path.name}: {len(starts)} cells have the heading '## 练习'"
    return [(c["cell_type"], _source(c)) for c in cells[starts[0] + 1:]] if starts else None


def layout_problems(cells: list[tuple[str, str]]) -> list[str]:
    """What is wrong with the question/answer layout of a 练习 section (empty when it is right)."""
    problems, questions, answers = [], [], []
    previous = None  # the kind of the previous cell: "question", "answer" or "body"
    for kind, source in cells:
        if kind == "markdown" and QUESTION.match(source):
            number = int(QUESTION.match(source).group(1))
            if re.search(r"^\s*\d+\. ", source[1:], re.M) or "\n#" in source:
                problems.append(f"question {number}: its cell must hold only that question")
            if previous == "question":
                problems.append(f"question {questions[-1]} has no answer")
            questions.append(number)
            previous = "question"
        elif kind == "markdown" and source.startswith(":::{answer}"):
            match = ANSWER.match(source)
            if not match:
                problems.append(f"the answer after question {questions[-1:]} is not one closed "
                                "':::{answer} N' block")
                previous = "answer"
                continue
            number = int(match.group(1))
            if previous != "question":
                problems.append(f"answer {number} is not right below a question")
            elif questions[-1] != number:
                problems.append(f"answer {number} is below question {questions[-1]}")
            answers.append(number)
            previous = "answer"
        else:
            if previous in (None, "question"):
                problems.append(f"a {kind} cell stands between a question and its answer: {source[:40]!r}")
            if kind == "markdown" and re.search(r"^#", source, re.M):
                problems.append(f"a heading inside an answer: {source[:40]!r}")
            previous = "body"
    if previous == "question":
        problems.append(f"question {questions[-1]} has no answer")
    if questions != list(range(1, len(questions) + 1)):
        problems.append(f"questions are numbered {questions}, expected 1..{len(questions)}")
    if sorted(answers) != sorted(set(answers)):
        problems.append(f"an exercise has more than one answer: {answers}")
    if not questions:
        problems.append("no questions")
    return problems


def test_every_section_of_chapters_1_to_4_has_exercises():
    without = [p.stem for p in NOTEBOOKS if p.parent.name[:2] in {"01", "02", "03", "04"} and exercise_cells(p) is None]
    assert without == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_question_has_one_answer_below_it(path):
    cells = exercise_cells(path)
    if cells is not None:
        assert layout_problems(cells) == []


def test_the_check_finds_a_missing_a_misnumbered_and_a_duplicate_answer():
    def md(text):
        return ("markdown", text)
    good = [md("1. 问题一"), md(":::{answer} 1\n答案。\n:::"), ("code", "x = 1"), md("说明。"),
            md("2. 问题二"), md(":::{answer} 2\n:::")]
    assert layout_problems(good) == []
    assert layout_problems(good[:5]) == ["question 2 has no answer"]
    misnumbered = good[:5] + [md(":::{answer} 3\n:::")]
    assert layout_problems(misnumbered) == ["answer 3 is below question 2"]
    duplicate = good + [md(":::{answer} 2\n:::")]
    assert "answer 2 is not right below a question" in layout_problems(duplicate)
    assert any("more than one answer" in p for p in layout_problems(duplicate))
