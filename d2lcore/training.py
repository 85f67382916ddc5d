"""Models, losses, optimisers and the training loop of chapters 2-3 (d2l's ``*_ch3`` API)."""
from typing import Callable, Iterable, NamedTuple, Sequence, Union

import torch
from torch import nn

from . import _checks
from .data import get_fashion_mnist_labels
from .plotting import Animator, show_images
from .utils import Accumulator

Updater = Union[torch.optim.Optimizer, Callable[[int], None]]


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``Xw + b``."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared loss ``(y_hat - y)² / 2``."""
    if y_hat.numel() != y.numel():
        raise ValueError(f"squared_loss: y_hat has {y_hat.numel()} elements, y has {y.numel()}")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Sequence[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch stochastic gradient descent on summed-loss gradients; zeroes the gradients after."""
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
    """Return the number of correct predictions (d2l's meaning; divide by ``len(y)`` for a rate)."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        if y_hat.shape[0] != y.shape[0]:
            raise ValueError(f"accuracy: y_hat has {y_hat.shape[0]} rows but y has {y.shape[0]} labels")
        y_hat = y_hat.argmax(dim=1)
    elif y_hat.numel() != y.numel():
        raise ValueError(f"accuracy: shapes {tuple(y_hat.shape)} and {tuple(y.shape)} do not match")
    cmp = y_hat.reshape(y.shape).type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def _batch_total(l: torch.Tensor, n: int) -> torch.Tensor:
    """Summed loss of a batch, whether ``loss`` returned per-example values or their mean."""
    return l * n if l.dim() == 0 else l.sum()


def evaluate_accuracy(net: Callable, data_iter: Iterable) -> float:
    """Accuracy of ``net`` on ``data_iter``; an ``nn.Module`` is evaluated in eval mode."""
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)  # correct predictions, examples
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    if was_training:
        net.train()
    if metric[1] == 0:
        raise ValueError("evaluate_accuracy: data_iter yielded no examples")
    return metric[0] / metric[1]


def evaluate_loss(net: Callable, data_iter: Iterable, loss: Callable) -> float:
    """Average loss of ``net`` over ``data_iter``."""
    metric = Accumulator(2)  # summed loss, examples
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            l = loss(out, y.reshape(out.shape))
            metric.add(_batch_total(l, y.numel()), y.numel())
    if metric[1] == 0:
        raise ValueError("evaluate_loss: data_iter yielded no examples")
    return metric[0] / metric[1]


def train_epoch_ch3(net: Callable, train_iter: Iterable, loss: Callable, updater: Updater):
    """Train ``net`` for one epoch; return (average training loss, training accuracy)."""
    if isinstance(net, nn.Module):
        net.train()
    metric = Accumulator(3)  # summed loss, correct predictions, examples
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        n = y.numel()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        elif callable(updater):
            _batch_total(l, n).backward()
            updater(X.shape[0])
        else:
            raise TypeError("updater must be a torch.optim.Optimizer or a function "
                            f"updater(batch_size), got {type(updater).__name__}")
        metric.add(float(_batch_total(l.detach(), n)), accuracy(y_hat.detach(), y), n)
    if metric[2] == 0:
        raise ValueError("train_epoch_ch3: train_iter yielded no examples")
    return metric[0] / metric[2], metric[1] / metric[2]


class TrainResult(NamedTuple):
    """Final metrics of ``train_ch3``; shown at three decimals."""

    train_loss: float
    train_acc: float
    test_acc: float

    def __repr__(self) -> str:
        return (f"TrainResult(train_loss={self.train_loss:.3f}, train_acc={self.train_acc:.3f}, "
                f"test_acc={self.test_acc:.3f})")


class TrainingCheckError(AssertionError):
    """Raised by ``train_ch3`` when training ends below d2l's success thresholds."""


def train_ch3(net: Callable, train_iter: Iterable, test_iter: Iterable, loss: Callable,
              num_epochs: int, updater: Updater, check: bool = True) -> TrainResult:
    """Train ``net``, plot loss and accuracies per epoch, print and return the final metrics.

    Like d2l's version it checks that training succeeded (train loss < 0.5, accuracies
    above 0.7); pass ``check=False`` when experimenting with settings that may not.
    """
    num_epochs = _checks.positive_int("num_epochs", num_epochs)
    xlim = [1, num_epochs] if num_epochs > 1 else None  # one epoch: let matplotlib choose
    animator = Animator(xlabel="epoch", xlim=xlim, ylim=[0.3, 0.9],
                        legend=["train loss", "train acc", "test acc"])
    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        animator.add(epoch + 1, (train_loss, train_acc, test_acc))
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
    """Show the first ``n`` test images with their true and predicted labels."""
    n = _checks.positive_int("n", n)
    X, y = next(iter(test_iter))
    if n > len(y):
        raise ValueError(f"predict_ch3: n={n} but a batch holds only {len(y)} images")
    with torch.no_grad():
        preds = get_fashion_mnist_labels(net(X).argmax(dim=1))
    trues = get_fashion_mnist_labels(y)
    titles = [true + "\n" + pred for true, pred in zip(trues, preds)]
    show_images(X[0:n].reshape((n, X.shape[-2], X.shape[-1])), 1, n, titles=titles[0:n])
