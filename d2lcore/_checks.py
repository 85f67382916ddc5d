"""Argument checks shared by d2lcore's public functions.

Each helper raises a ``ValueError`` or ``TypeError`` whose message names the
argument, the value received and what was expected, so that a mistake in a
notebook is reported where it was made instead of deep inside torch.
"""
from collections.abc import Iterator
from numbers import Integral, Real
from typing import Any

import torch


def positive_int(name: str, value: Any) -> int:
    """Return ``value`` if it is an integer > 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} "
                        f"({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def non_negative_int(name: str, value: Any) -> int:
    """Return ``value`` if it is an integer >= 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r} "
                        f"({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def probability(name: str, value: Any) -> float:
    """Return ``value`` as a float if it lies in [0, 1], else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number in [0, 1], got {value!r} "
                        f"({type(value).__name__})")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return float(value)


def open_fraction(name: str, value: Any) -> float:
    """Return ``value`` as a float if 0 < value < 1, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number strictly between 0 and 1, "
                        f"got {value!r} ({type(value).__name__})")
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value}")
    return float(value)


def positive_number(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite number > 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a positive number, got {value!r} ({type(value).__name__})")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return float(value)


def tensor(name: str, value: Any, where: str = "") -> None:
    """Raise naming ``name`` (and the function ``where``) unless ``value`` is a torch.Tensor."""
    if not isinstance(value, torch.Tensor):
        prefix = f"{where}: " if where else ""
        raise TypeError(f"{prefix}{name} must be a torch.Tensor, got {type(value).__name__}; "
                        f"convert it with torch.as_tensor({name})")


def class_index(where: str, name: str, value: Any) -> int:
    """Return ``value`` (a number or 0-d tensor) as an int if it is a whole number, else raise."""
    number = value.item() if isinstance(value, torch.Tensor) and value.numel() == 1 else value
    if isinstance(number, bool) or not isinstance(number, Real):
        raise TypeError(f"{where}: {name} must be a class index (a whole number), "
                        f"got {type(value).__name__}")
    if number != int(number):
        raise ValueError(f"{where}: {name} is {number}, not a class index (a whole number); "
                         "fractional labels would be truncated to a wrong class")
    return int(number)


def class_labels(where: str, y: torch.Tensor, num_classes: int | None = None) -> None:
    """Raise unless ``y`` holds class indices: whole numbers in [0, num_classes)."""
    tensor("y", y, where)
    if not y.numel():
        return
    if y.is_floating_point() and not bool((y == y.round()).all()):
        i = int((y != y.round()).reshape(-1).nonzero()[0])
        value = float(y.reshape(-1)[i])
        raise ValueError(f"{where}: y holds class indices, but y[{i}] = {value:g} "
                         "is not a whole number and would be truncated to a wrong class. For "
                         "probabilities of each class (soft labels) compute the loss directly: "
                         "-(y * torch.log(y_hat)).sum(dim=1)")
    low, high = int(y.min()), int(y.max())
    if low < 0:
        raise ValueError(f"{where}: y holds label {low}, but class indices start at 0")
    if num_classes is not None and high >= num_classes:
        raise ValueError(f"{where}: y holds label {high}, but y_hat has {num_classes} columns "
                         f"(classes 0..{num_classes - 1}): a label outside them can never be "
                         "predicted. Give the net one output per class (e.g. nn.Linear(..., 10) "
                         "for Fashion-MNIST) or check the labels")


def parameters(where: str, params: Any) -> list[torch.Tensor]:
    """Return ``params`` as a list of tensors; refuse one tensor, a used-up iterator, nothing."""
    if isinstance(params, torch.Tensor):
        raise TypeError(f"{where}: params is one tensor of shape {tuple(params.shape)}; pass a "
                        "list of the parameters, e.g. [w, b]")
    used_up = isinstance(params, Iterator)  # e.g. net.parameters(): a generator, good for one pass
    params = list(params)
    if not params:
        hint = ("params is an iterator that is already used up (net.parameters() kept in a "
                "variable serves only the first call); pass a list: params = "
                "list(net.parameters())" if used_up else
                "params is empty; pass the tensors to update, e.g. [w, b] or "
                "list(net.parameters())")
        raise ValueError(f"{where}: nothing to update: {hint}")
    for i, p in enumerate(params):
        tensor(f"params[{i}]", p, where)
    return params


def gradient(where: str, i: int, param: torch.Tensor) -> torch.Tensor:
    """Return the ``.grad`` of parameter ``i``, or raise naming why it has none."""
    shape = tuple(param.shape)
    if not param.requires_grad:
        raise ValueError(f"{where}: parameter {i} (shape {shape}) does not require a gradient; "
                         "create it with requires_grad=True or call w.requires_grad_()")
    if not param.is_leaf:
        raise ValueError(f"{where}: parameter {i} (shape {shape}) is not a leaf tensor: it was "
                         f"computed ({type(param.grad_fn).__name__}), e.g. torch.normal(0, 0.01, "
                         "(2, 1), requires_grad=True) * 0.01, so backward() fills the gradient of "
                         "the tensor it came from, not its own. Compute first, then ask for the "
                         "gradient: w = (torch.normal(0, 0.01, (2, 1)) * 0.01).requires_grad_()")
    if param.grad is None:
        raise ValueError(f"{where}: parameter {i} (shape {shape}) has no gradient yet; call "
                         "l.sum().backward() before updating")
    return param.grad


def loss_function(where: str, loss: Any) -> None:
    """Raise unless ``loss`` is a function loss(y_hat, y) (an instance, not a loss class)."""
    if isinstance(loss, type):
        raise TypeError(f"{where}: loss is the class {loss.__name__}, not a loss function; "
                        f"create one: loss={loss.__name__}(reduction='none')")
    if not callable(loss):
        raise TypeError(f"{where}: loss must be a function loss(y_hat, y), "
                        f"got {type(loss).__name__}")


def loss_total(where: str, loss: Any, l: Any, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return the summed loss of a batch: ``l`` must hold one value per example, or be a scalar
    of a known reduction (torch's loss modules say theirs)."""
    tensor("the value returned by loss", l, where)
    n = len(y_hat) if y_hat.dim() else 1
    if l.dim() == 0:
        reduction = getattr(loss, "reduction", None)
        if reduction in ("mean", "sum"):
            return l * n if reduction == "mean" else l
        if n > 1:
            raise ValueError(f"{where}: loss returned a single number, so it is unknown whether it "
                             "is the batch's mean or sum; return one loss per example (e.g. "
                             "nn.CrossEntropyLoss(reduction='none')) or pass one of torch's loss "
                             "modules, whose reduction is known")
    elif l.numel() != n or l.shape[0] != n:
        shapes = f"y_hat has shape {tuple(y_hat.shape)} and y has shape {tuple(y.shape)}"
        fix = (f"{shapes}, which broadcast against each other: reshape y, e.g. "
               "loss(y_hat, y.reshape(y_hat.shape))"
               if y_hat.shape != y.shape and y_hat.numel() == y.numel() else
               f"{shapes}; return the loss of each example, without reducing over the batch")
        raise ValueError(f"{where}: loss returned shape {tuple(l.shape)} for a batch of {n} "
                         f"examples; it must return one value per example, shape ({n},). {fix}")
    return l.sum()


def reiterable(where: str, name: str, data_iter: Any) -> None:
    """Raise if ``data_iter`` is an iterator (used up after one epoch) instead of an iterable."""
    # Calling iter() to find out would start a DataLoader's worker processes.
    if isinstance(data_iter, Iterator):
        raise TypeError(f"{where}: {name} is an iterator ({type(data_iter).__name__}), which is "
                        "used up after one epoch; pass something that can be iterated again, e.g. "
                        "d2l.load_array((X, y), batch_size) or a list of batches")
