"""The training loop of chapters 2-3 (d2l's ``*_ch3`` API) and what it needs.

The model ``linreg``, the optimiser ``sgd``, metrics (``accuracy``, ``Accumulator``,
``Timer``) and the loops. Every loop checks its arguments for the mistakes learners
make (a loss class instead of an instance, ``d2l.sgd`` passed unwrapped, one-hot
labels, a generator that runs dry after one epoch) and names divergence.
"""
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    """Accumulate sums over ``n`` variables (d2l's ``Accumulator``). Defined in 2.6 softmax-regression-scratch."""

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
    batch_size = _checks.positive_int("batch_size", batch_size)
    _checks.positive_number("lr", lr)
    with torch.no_grad():
        for param in params:
            if param.grad is None:
                raise ValueError("sgd: a parameter has no gradient; call backward() first "
                                 "and create parameters with requires_grad=True")
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Return the number of correct predictions (d2l's meaning; divide by ``len(y)`` for a rate).

    ``y`` holds class indices. A prediction row containing NaN is never counted as correct.
    Defined in 2.6 softmax-regression-scratch.
    """
    _checks.tensor("y_hat", y_hat, where="accuracy")
    _checks.tensor("y", y, where="accuracy")
    if y.dim() == 2 and y.shape[1] > 1:
        raise ValueError(f"accuracy: y has shape {tuple(y.shape)}, which looks like one-hot labels; "
                         "d2lcore expects class indices: pass y.argmax(dim=1)")
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        if y_hat.shape[0] != y.shape[0]:
            raise ValueError(f"accuracy: y_hat has {y_hat.shape[0]} rows but y has {y.shape[0]} labels")
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


def _check_loss(fn: str, loss: Any) -> None:
    if isinstance(loss, type):
        raise TypeError(f"{fn}: loss is the class {loss.__name__}, not a loss function; "
                        f"create one: loss={loss.__name__}(reduction='none')")
    if not callable(loss):
        raise TypeError(f"{fn}: loss must be a function loss(y_hat, y), got {type(loss).__name__}")


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


def _check_reiterable(name: str, data_iter: Any) -> None:
    # A DataLoader or a list is iterable again; a generator or iterator is not. (Calling iter()
    # to find out would start a DataLoader's worker processes.)
    if isinstance(data_iter, Iterator):
        raise TypeError(f"{name} is an iterator ({type(data_iter).__name__}), which is used up after "
                        "one epoch; pass something that can be iterated again, e.g. "
                        "d2l.load_array((X, y), batch_size) or a list of batches")


def _batch_total(loss: Callable, l: torch.Tensor, n: int) -> torch.Tensor:
    """Summed loss of a batch of ``n`` examples, whatever ``loss``'s reduction."""
    if l.dim() > 0:
        return l.sum()
    reduction = getattr(loss, "reduction", None)  # torch's loss modules say what they return
    if reduction == "mean":
        return l * n
    if reduction == "sum":
        return l
    raise ValueError("loss returned a single number, so it is unknown whether it is the batch's mean "
                     "or sum; return one loss per example (e.g. nn.CrossEntropyLoss(reduction='none')) "
                     "or pass one of torch's loss modules, whose reduction is known")


def evaluate_accuracy(net: Callable, data_iter: Iterable) -> float:
    """Accuracy of ``net`` on ``data_iter``; an ``nn.Module`` is evaluated in eval mode.

    Defined in 2.6 softmax-regression-scratch.
    """
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)  # correct predictions, examples
    try:
        with torch.no_grad():
            for X, y in data_iter:
                metric.add(accuracy(net(X), y), y.numel())
    finally:
        if was_training:
            net.train()
    if metric[1] == 0:
        raise ValueError("evaluate_accuracy: data_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[1]


def evaluate_loss(net: Callable, data_iter: Iterable, loss: Callable) -> float:
    """Average loss per example of ``net`` over ``data_iter``. Defined in 3.4 underfit-overfit."""
    _check_loss("evaluate_loss", loss)
    metric = Accumulator(2)  # summed loss, examples
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            l = loss(out, y.reshape(out.shape))
            metric.add(_batch_total(loss, l, y.numel()), y.numel())
    if metric[1] == 0:
        raise ValueError("evaluate_loss: data_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[1]


class TrainingCheckError(AssertionError):
    """Raised by ``train_ch3`` when training ends below d2l's success thresholds or diverges."""


def _train_epoch(net: Callable, train_iter: Iterable, loss: Callable, updater: Updater,
                 epoch: int | None) -> tuple[float, float]:
    if isinstance(net, nn.Module):
        net.train()
    metric = Accumulator(3)  # summed loss, correct predictions, examples
    for batch, (X, y) in enumerate(train_iter, 1):
        y_hat = net(X)
        l = loss(y_hat, y)
        n = y.numel()
        total = _batch_total(loss, l, n)
        value = float(total.detach())
        if not math.isfinite(value):
            where = f"at epoch {epoch}, batch {batch}" if epoch else f"at batch {batch}"
            raise TrainingCheckError(f"training diverged (loss {value} {where}): the learning rate "
                                     "is probably too large; lower it (e.g. 10 times) and train again")
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()  # per-example losses: their mean, as d2l does; a scalar as it is
            updater.step()
        else:
            total.backward()  # updater(batch_size) divides the summed gradient, like d2l.sgd
            updater(X.shape[0])
        metric.add(value, accuracy(y_hat.detach(), y), n)
    if metric[2] == 0:
        raise ValueError("train_epoch_ch3: train_iter yielded no examples "
                         "(an iterator or generator is empty after one pass)")
    return metric[0] / metric[2], metric[1] / metric[2]


def train_epoch_ch3(net: Callable, train_iter: Iterable, loss: Callable, updater: Updater):
    """Train ``net`` for one epoch; return (average training loss, training accuracy).

    Raises ``TrainingCheckError`` as soon as the loss is NaN or infinite.
    Defined in 2.6 softmax-regression-scratch.
    """
    _check_loss("train_epoch_ch3", loss)
    _check_updater(updater)
    return _train_epoch(net, train_iter, loss, updater, epoch=None)


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
    _check_loss("train_ch3", loss)
    _check_updater(updater)
    if num_epochs > 1:
        _check_reiterable("train_iter", train_iter)
        _check_reiterable("test_iter", test_iter)
    xlim = [1, num_epochs] if num_epochs > 1 else None  # one epoch: let matplotlib choose
    animator = Animator(xlabel="epoch", xlim=xlim, ylim=[0.3, 0.9],
                        legend=["train loss", "train acc", "test acc"])
    for epoch in range(1, num_epochs + 1):
        train_loss, train_acc = _train_epoch(net, train_iter, loss, updater, epoch)
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
                                     + ". Check the learning rate and the model, or pass check=False.")
    return result


def predict_ch3(net: Callable, test_iter: Iterable, n: int = 6) -> None:
    """Show the first ``n`` test images with their true and predicted labels.

    Defined in 2.6 softmax-regression-scratch.
    """
    n = _checks.positive_int("n", n)
    X, y = next(iter(test_iter))
    if n > len(y):
        raise ValueError(f"predict_ch3: n={n} but a batch holds only {len(y)} images")
    with torch.no_grad():
        preds = get_fashion_mnist_labels(net(X).argmax(dim=1))
    trues = get_fashion_mnist_labels(y)
    titles = [true + "\n" + pred for true, pred in zip(trues, preds)]
    show_images(X[0:n].reshape((n, X.shape[-2], X.shape[-1])), 1, n, titles=titles[0:n])
