"""No drift: a function a notebook teaches "from scratch" stays equal to d2lcore's version.

Every top-level ``def``/``class`` in a notebook whose name d2lcore also exports is extracted
(with the notebook's other definitions, so helpers it calls are the notebook's own) and
compared with d2lcore's on the same inputs. A new overlap without a comparator fails, so the
list below grows with the book.
"""
import ast
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import d2lcore as d2l

ROOT = Path(__file__).resolve().parent.parent
# d2l's tensor aliases (d2l.normal, d2l.exp, ...) are torch itself: a notebook's own `normal`
# density function is not a copy of them.
PUBLIC = {name for name in dir(d2l) if not name.startswith("_")} - set(d2l.compat.__all__)


def _definitions(path: Path):
    """Return {name: ast node} of the notebook's top-level functions and classes, in order."""
    nodes = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: no definitions to compare there
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                nodes[node.name] = node
    return nodes


def _namespace(path: Path):
    nodes = _definitions(path)
    ns = {"torch": torch, "nn": nn, "d2l": d2l, "math": math, "np": np, "random": random}
    module = ast.Module(body=list(nodes.values()), type_ignores=[])
    exec(compile(module, str(path), "exec"), ns)
    return ns


OVERLAPS = sorted(
    (path, name)
    for path in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts
    for name in _definitions(path) if name in PUBLIC
)


def _logits():
    return torch.randn(6, 5) * 3


def same_synthetic_data(ours, theirs):
    w, b = torch.tensor([2, -3.4]), 4.2
    d2l.seed_all(3)
    a = ours(w, b, 50)
    d2l.seed_all(3)
    b_ = theirs(w, b, 50)
    for x, y in zip(a, b_):
        torch.testing.assert_close(x.reshape(y.shape), y)


def same_linreg(ours, theirs):
    X, w, b = torch.randn(4, 3), torch.randn(3, 1), torch.randn(1)
    torch.testing.assert_close(ours(X, w, b), theirs(X, w, b))


def same_squared_loss(ours, theirs):
    y_hat, y = torch.randn(5, 1), torch.randn(5)
    torch.testing.assert_close(ours(y_hat, y), theirs(y_hat, y))


def same_sgd(ours, theirs):
    params = [torch.randn(3, requires_grad=True), torch.randn(1, requires_grad=True)]
    clones = [p.detach().clone().requires_grad_(True) for p in params]
    for group in (params, clones):
        (group[0].sum() * 2 + group[1].sum() * 3).backward()
    ours(params, 0.1, 4)
    theirs(clones, 0.1, 4)
    for p, q in zip(params, clones):
        torch.testing.assert_close(p, q)
        torch.testing.assert_close(p.grad, q.grad)


def same_softmax(ours, theirs):
    logits = _logits()
    torch.testing.assert_close(ours(logits), theirs(logits))


def same_cross_entropy(ours, theirs):
    # one meaning in the book and in d2lcore: cross_entropy(probabilities, y), one loss per example
    probs, y = torch.softmax(_logits(), dim=1), torch.tensor([0, 4, 2, 1, 3, 0])
    torch.testing.assert_close(ours(probs, y), theirs(probs, y))


def same_log_softmax(ours, theirs):
    logits = _logits()
    torch.testing.assert_close(ours(logits), theirs(logits))


def same_accuracy(ours, theirs):
    y_hat, y = torch.randn(20, 4), torch.randint(0, 4, (20,))
    assert float(ours(y_hat, y)) == float(theirs(y_hat, y))


def same_evaluate_accuracy(ours, theirs):
    X, y = torch.randn(40, 3), torch.randint(0, 2, (40,))
    net = nn.Linear(3, 2)
    data = d2l.load_array((X, y), 16, is_train=False)
    assert float(ours(net, data)) == pytest.approx(float(theirs(net, data)))


def same_evaluate_loss(ours, theirs):
    X, y = torch.randn(40, 3), torch.randn(40, 1)
    net = nn.Linear(3, 1)
    data = d2l.load_array((X, y), 16, is_train=False)
    loss = nn.MSELoss(reduction="none")
    assert float(ours(net, data, loss)) == pytest.approx(float(theirs(net, data, loss)))


def same_dropout_layer(ours, theirs):
    X = torch.arange(16, dtype=torch.float32).reshape(2, 8)
    for p in (0.0, 0.5, 1.0):
        d2l.seed_all(5)
        a = ours(X, p)
        d2l.seed_all(5)
        torch.testing.assert_close(a, theirs(X, p))


def same_accumulator(ours, theirs):
    a, b = ours(2), theirs(2)
    for values in ((1, 2.5), (3, 4)):
        a.add(*values)
        b.add(*values)
    assert list(a.data) == list(b.data)


def same_get_fashion_mnist_labels(ours, theirs):
    labels = torch.tensor([0, 9, 3, 5, 1])
    assert list(ours(labels)) == list(theirs(labels))


def same_predict_ch3(ours, theirs):
    import matplotlib.pyplot as plt

    X, y = torch.rand(8, 1, 28, 28), torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])
    W = torch.randn(784, 10)
    net = lambda X: X.reshape(-1, 784) @ W  # noqa: E731
    titles = []
    for predict in (ours, theirs):
        plt.close("all")
        predict(net, d2l.load_array((X, y), 8, is_train=False), n=4)
        titles.append([ax.get_title() for ax in plt.gcf().axes if ax.get_visible()])
    plt.close("all")
    assert titles[0] == titles[1] and len(titles[0]) == 4


COMPARATORS = {
    "synthetic_data": same_synthetic_data, "linreg": same_linreg, "squared_loss": same_squared_loss,
    "sgd": same_sgd, "softmax": same_softmax, "cross_entropy": same_cross_entropy,
    "log_softmax": same_log_softmax, "accuracy": same_accuracy,
    "evaluate_accuracy": same_evaluate_accuracy, "evaluate_loss": same_evaluate_loss,
    "dropout_layer": same_dropout_layer, "Accumulator": same_accumulator,
    "get_fashion_mnist_labels": same_get_fashion_mnist_labels, "predict_ch3": same_predict_ch3,
}


def test_the_book_teaches_functions_that_d2lcore_provides():
    names = {name for _, name in OVERLAPS}
    assert {"linreg", "squared_loss", "sgd", "softmax", "accuracy", "dropout_layer"} <= names


@pytest.mark.parametrize("path, name", OVERLAPS, ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_notebook_definition_matches_d2lcore(path, name):
    assert name in COMPARATORS, (f"{path.name} defines {name}, which d2lcore also provides: "
                                 "add a comparator to tests/test_no_drift.py")
    d2l.seed_all(0)
    COMPARATORS[name](_namespace(path)[name], getattr(d2l, name))
