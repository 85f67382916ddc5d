"""The training loop of chapters 2-3 (d2l's ``*_ch3`` API) and what it needs.

The model ``linreg``, the optimiser ``sgd``, metrics (``accuracy``, ``Accumulator``,
``Timer``) and the loops. Every loop checks its arguments for the mistakes learners
make (a loss class instead of an instance, ``d2l.sgd`` passed unwrapped, one-hot
labels, a generator that runs dry after one epoch) and names divergence.
"""
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn

from . import _checks
from .fashion_mnist import get_fashion_mnist_labels
from .plotting import Animator, show_images

Updater = torch.optim.Optimizer | Callable[[int], None]


class Timer:
    """Record several running times (d2l's ``Timer``). Defined in 2.1 linear-regression."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start the timer."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer, record the time in a list and return it."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """Return the average of the recorded times."""
        if not self.times:
            raise ValueError("Timer.avg: no time recorded yet; call start() and stop() first")
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """Return the sum of the recorded times."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """Return the accumulated times."""
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Accumulate sums over ``n`` variables (d2l's ``Accumulator``).

    Defined in 2.6 softmax-regression-scratch.
    """

    def __init__(self, n: int) -> None:
        self.data = [0.0] * _checks.positive_int("n", n)

    def add(self, *args: float) -> None:
        """Add one value to each of the ``n`` sums."""
        if len(args) != len(self.data):
            raise ValueError(f"Accumulator.add expects {len(self.data)} values, got {len(args)}")
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        """Set every sum back to zero."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``Xw + b``. Defined in 2.2 linear-regression-scratch."""
    return torch.matmul(X, w) + b


def sgd(params: Sequence[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD on the gradient of the batch's summed loss; zeroes the gradients after.

    Defined in 2.2 linear-regression-scratch.
    """
    params = _checks.parameters("sgd", params)
    batch_size = _checks.positive_int("batch_size", batch_size)
    lr = _checks.positive_number("lr", lr)
    grads = [_checks.gradient("sgd", i, param) for i, param in enumerate(params)]
    with torch.no_grad():
        for param, grad in zip(params, grads):
            param -= lr * grad / batch_size
            grad.zero_()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Return the number of correct predictions (d2l's meaning; divide by ``len(y)`` for a rate).

    ``y`` holds class indices. A prediction row containing NaN is never counted as correct.
    Defined in 2.6 softmax-regression-scratch.
    """
    _checks.tensor("y_hat", y_hat, where="accuracy")
    _checks.tensor("y", y, where="accuracy")
    if y.dim() == 2 and y.shape[1] > 1:
        raise ValueError(f"accuracy: y has shape {tuple(y.shape)}, which looks like one-hot "
                         "labels; "
                         "d2lcore expects class indices: pass y.argmax(dim=1)")
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        if y_hat.shape[0] != y.shape[0]:
            raise ValueError(f"accuracy: y_hat has {y_hat.shape[0]} rows but y has {y.shape[0]} "
                             "labels")
        _checks.class_labels("accuracy", y, y_hat.shape[1])
        # argmax of a row of NaN is 0: a diverged model must not score on class 0
        valid = ~torch.isnan(y_hat).reshape(y_hat.shape[0], -1).any(dim=1)
        y_hat = y_hat.argmax(dim=1)
    elif y_hat.numel() != y.numel():
        raise ValueError(f"accuracy: shapes {tuple(y_hat.shape)} and {tuple(y.shape)} do not match")
    else:
        valid = ~torch.isnan(y_hat.reshape(-1)) if y_hat.is_floating_point() else None
    cmp = y_hat.reshape(y.shape).type(y.dtype) == y
    if valid is not None:
        cmp &= valid.reshape(y.shape)
    return float(cmp.type(y.dtype).sum())


def _check_updater(updater: Any) -> None:
    if updater is sgd:
        raise TypeError("updater=d2l.sgd is called as updater(batch_size); wrap it: "
                        "updater = lambda batch_size: d2l.sgd([W, b], lr, batch_size)")
    if isinstance(updater, type):
        raise TypeError(f"updater is the class {updater.__name__}, not an optimizer; "
                        f"create one: {updater.__name__}(net.parameters(), lr=0.1)")
    if not isinstance(updater, torch.optim.Optimizer) and not callable(updater):
        raise TypeError("updater must be a torch.optim.Optimizer or a function "
                        f"updater(batch_size), got {type(updater).__name__}")


@contextmanager
def _eval_mode(net: Callable) -> Iterator[None]:
    """Evaluate an ``nn.Module`` in eval mode (dropout off), then restore the mode it had."""
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    try:
        yield
    finally:
        if was_training:
            net.train()


def evaluate_accuracy(net: Callable, data_iter: Iterable) -> float:
    """Accuracy of ``net`` on ``data_iter``; an ``nn.Module`` is evaluated in eval mode.

    Defined in 2.6 softmax-regression-scratch.
    """
    metric = Accumulator(2)  # correct predictions, examples
    with _eval_mode(net), torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    if metric[1] == 0:
        raise ValueError("evaluate_accuracy: data_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[1]


def evaluate_loss(net: Callable, data_iter: Iterable, loss: Callable) -> float:
    """Average loss per example of ``net`` over ``data_iter``; an ``nn.Module`` is evaluated in
    eval mode. Defined in 3.4 underfit-overfit.
    """
    _checks.loss_function("evaluate_loss", loss)
    metric = Accumulator(2)  # summed loss, examples
    with _eval_mode(net), torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            if y.numel() == out.numel():  # regression: labels (n,) for outputs (n, 1), as in d2l
                y = y.reshape(out.shape)
            l = loss(out, y)
            metric.add(_checks.loss_total("evaluate_loss", loss, l, out, y), y.numel())
    if metric[1] == 0:
        raise ValueError("evaluate_loss: data_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[1]


class TrainingCheckError(AssertionError):
    """Raised by ``train_ch3`` when training ends below d2l's success thresholds or diverges."""


def _leaves(t: torch.Tensor) -> list[torch.Tensor]:
    """The tensors requiring grad that ``t`` was computed from (e.g. a scratch net's W and b)."""
    leaves, seen, todo = [], set(), [t.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if hasattr(fn, "variable"):  # AccumulateGrad: where backward() stores a leaf's gradient
            leaves.append(fn.variable)
        todo.extend(next_fn for next_fn, _ in fn.next_functions)
    return leaves


def _train_epoch(where: str, net: Callable, train_iter: Iterable, loss: Callable,
                 updater: Updater, epoch: int | None) -> tuple[float, float]:
    if isinstance(net, nn.Module):
        net.train()
    metric = Accumulator(3)  # summed loss, correct predictions, examples
    for batch, (X, y) in enumerate(train_iter, 1):
        y_hat = net(X)
        l = loss(y_hat, y)
        n = y.numel()
        total = _checks.loss_total(where, loss, l, y_hat, y)
        value = float(total.detach())
        if not math.isfinite(value):
            at = f"at epoch {epoch}, batch {batch}" if epoch else f"at batch {batch}"
            raise TrainingCheckError(f"training diverged (loss {value} {at}): the learning rate "
                                     "is probably too large; lower it (e.g. 10 times) and train "
                                     "again. (A custom updater that never resets the gradients "
                                     "diverges the same way.)")
        if not total.requires_grad:
            raise ValueError(f"{where}: the loss does not depend on any tensor that requires a "
                             "gradient, so there is nothing to train: create W and b with "
                             "requires_grad=True (or unfreeze the net's parameters, or train "
                             "outside torch.no_grad())")
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()  # per-example losses: their mean, as d2l does; a scalar as it is
            updater.step()
        else:
            leaves = _leaves(total) if batch == 1 else []
            total.backward()  # updater(batch_size) divides the summed gradient, like d2l.sgd
            updater(X.shape[0])
            if any(p.grad is not None and bool(p.grad.any()) for p in leaves):
                raise ValueError(f"{where}: after updater(batch_size) the gradients are not zero: "
                                 "the updater does not reset them, so every batch would add its "
                                 "gradient to all earlier ones. Reset them after each step: "
                                 "param.grad.zero_() (d2l.sgd does), or optimizer.zero_grad()")
        metric.add(value, accuracy(y_hat.detach(), y), n)
    if metric[2] == 0:
        raise ValueError(f"{where}: train_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[2], metric[1] / metric[2]


def train_epoch_ch3(net: Callable, train_iter: Iterable, loss: Callable,
                    updater: Updater) -> tuple[float, float]:
    """Train ``net`` for one epoch; return (average training loss, training accuracy).

    Raises ``TrainingCheckError`` as soon as the loss is NaN or infinite.
    Defined in 2.6 softmax-regression-scratch.
    """
    _checks.loss_function("train_epoch_ch3", loss)
    _check_updater(updater)
    return _train_epoch("train_epoch_ch3", net, train_iter, loss, updater, epoch=None)


class TrainResult(NamedTuple):
    """Final metrics of ``train_ch3``; shown at three decimals."""

    train_loss: float
    train_acc: float
    test_acc: float

    def __repr__(self) -> str:
        return (f"TrainResult(train_loss={self.train_loss:.3f}, train_acc={self.train_acc:.3f}, "
                f"test_acc={self.test_acc:.3f})")


def train_ch3(net: Callable, train_iter: Iterable, test_iter: Iterable, loss: Callable,
              num_epochs: int, updater: Updater, check: bool = True) -> TrainResult:
    """Train ``net``, plot loss and accuracies per epoch, print and return the final metrics.

    Like d2l's version it checks that training succeeded (train loss < 0.5, accuracies
    above 0.7); pass ``check=False`` when experimenting with settings that may not.
    A diverging loss (NaN or infinite) is an error whatever ``check`` is.
    Defined in 2.6 softmax-regression-scratch.
    """
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    _checks.loss_function("train_ch3", loss)
    _check_updater(updater)
    if num_epochs > 1:
        _checks.reiterable("train_ch3", "train_iter", train_iter)
        _checks.reiterable("train_ch3", "test_iter", test_iter)
    xlim = [1, num_epochs] if num_epochs > 1 else None  # one epoch: let matplotlib choose
    animator = Animator(xlabel="epoch", xlim=xlim, ylim=[0.3, 0.9],
                        legend=["train loss", "train acc", "test acc"])
    for epoch in range(1, num_epochs + 1):
        train_loss, train_acc = _train_epoch("train_ch3", net, train_iter, loss, updater, epoch)
        test_acc = evaluate_accuracy(net, test_iter)
        animator.add(epoch, (train_loss, train_acc, test_acc))
    result = TrainResult(train_loss, train_acc, test_acc)
    print(f"train loss {train_loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    if check:
        problems = []
        if not train_loss < 0.5:
            problems.append(f"train loss {train_loss:.3f} is not below 0.5")
        if not 0.7 < train_acc <= 1:
            problems.append(f"train acc {train_acc:.3f} is not above 0.7")
        if not 0.7 < test_acc <= 1:
            problems.append(f"test acc {test_acc:.3f} is not above 0.7")
        if problems:
            raise TrainingCheckError("training did not succeed: " + "; ".join(problems)
                                     + ". Check the learning rate and the model, or pass "
                                     "check=False.")
    return result


def predict_ch3(net: Callable, test_iter: Iterable, n: int = 6) -> None:
    """Show the first ``n`` test images with their true and predicted labels (an ``nn.Module``
    predicts in eval mode).

    Defined in 2.6 softmax-regression-scratch.
    """
    n = _checks.positive_int("n", n)
    X, y = next(iter(test_iter))
    if n > len(y):
        raise ValueError(f"predict_ch3: n={n} but a batch holds only {len(y)} images")
    with _eval_mode(net), torch.no_grad():
        preds = get_fashion_mnist_labels(net(X).argmax(dim=1))
    trues = get_fashion_mnist_labels(y)
    titles = [true + "\n" + pred for true, pred in zip(trues, preds)]
    show_images(X[0:n].reshape((n, X.shape[-2], X.shape[-1])), 1, n, titles=titles[0:n])
