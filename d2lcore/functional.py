"""The operations and losses the chapters derive by hand, in the form to reuse afterwards.

The notebooks first write the textbook formula (e.g. ``exp(X) / exp(X).sum()``);
``softmax`` and ``log_softmax`` here are the numerically careful versions. The losses
keep the meaning the notebooks teach: one loss per example, no reduction.
Tests compare each function with torch's own.
"""
import torch

from . import _checks


def _check_matrix(name: str, value: torch.Tensor) -> None:
    _checks.tensor(name, value)
    if value.dim() != 2:
        raise ValueError(f"{name} must have shape (batch, classes), got shape {tuple(value.shape)}")


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax of a (batch, classes) tensor; subtracting the row maximum keeps exp finite.

    Defined in 2.6 softmax-regression-scratch (the naive form); made stable in 2.7.
    """
    _check_matrix("logits", logits)
    shifted = logits - logits.max(dim=1, keepdim=True).values
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=1, keepdim=True)


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise log-softmax via the LogSumExp trick: ``o - max - log(sum(exp(o - max)))``.

    Defined in 2.7 softmax-regression-concise.
    """
    _check_matrix("logits", logits)
    shifted = logits - logits.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def _check_probabilities(y_hat: torch.Tensor) -> None:
    """Refuse logits or scores where probabilities are expected (rows of NaN pass: divergence)."""
    finite = torch.isfinite(y_hat).all(dim=1)
    rows = y_hat[finite]
    if not rows.numel():
        return
    # sqrt(eps): 3e-4 in float32, far above the rounding error of a softmax over many classes
    tol = torch.finfo(y_hat.dtype).eps ** 0.5 if y_hat.is_floating_point() else 0.0
    worst = float((rows.sum(dim=1) - 1).abs().max())
    if float(rows.min()) < 0 or worst > tol:
        raise ValueError(
            "cross_entropy takes probabilities (each row of y_hat >= 0 and summing to 1, e.g. "
            f"softmax output), but a row sums to {1 + worst:.4g} or has a negative entry. "
            "For logits use d2l.cross_entropy(d2l.softmax(logits), y) or, numerically safer, "
            "nn.CrossEntropyLoss(reduction='none')(logits, y).")


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy ``-log(y_hat[i, y[i]])`` of predicted probabilities (no reduction).

    ``y_hat`` holds probabilities (softmax output, rows summing to 1), as in the section
    that teaches it; logits are refused with a message. For logits, PyTorch's
    ``nn.CrossEntropyLoss(reduction='none')`` computes the same loss stably (2.7).
    Defined in 2.6 softmax-regression-scratch.
    """
    _check_matrix("y_hat", y_hat)
    _checks.tensor("y", y, where="cross_entropy")
    if y.dim() != 1 or y.shape[0] != y_hat.shape[0]:
        raise ValueError(f"y must be a vector of {y_hat.shape[0]} labels (class indices), got "
                         f"shape {tuple(y.shape)}"
                         + ("; for one-hot labels pass y.argmax(dim=1)" if y.dim() == 2 else ""))
    _checks.class_labels("cross_entropy", y, y_hat.shape[1])
    _check_probabilities(y_hat.detach())
    return -torch.log(y_hat[range(len(y_hat)), y.long()])


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared loss ``(y_hat - y)² / 2``, shaped like ``y_hat``.

    Defined in 2.2 linear-regression-scratch.
    """
    if y_hat.numel() != y.numel():
        raise ValueError(f"squared_loss: y_hat has {y_hat.numel()} elements, y has {y.numel()}")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def dropout_layer(X: torch.Tensor, dropout: float) -> torch.Tensor:
    """Zero each element with probability ``dropout`` and scale the rest by ``1 / (1 - dropout)``.

    The expectation of every element is unchanged (inverted dropout).
    Defined in 3.6 dropout.
    """
    dropout = _checks.probability("dropout", dropout)
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape, device=X.device) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)
