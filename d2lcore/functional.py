"""Numerically careful versions of the operations the chapters derive by hand.

The notebooks first write the textbook formula (e.g. ``exp(X) / exp(X).sum()``);
these are the forms to reuse afterwards. Tests compare each one with torch's own.
"""
import torch

from . import _checks


def _check_logits(name: str, logits: torch.Tensor) -> None:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(logits).__name__}")
    if logits.dim() != 2:
        raise ValueError(f"{name} must have shape (batch, classes), got shape {tuple(logits.shape)}")


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax of a (batch, classes) tensor; subtracting the row maximum keeps exp finite."""
    _check_logits("logits", logits)
    shifted = logits - logits.max(dim=1, keepdim=True).values
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=1, keepdim=True)


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise log-softmax via the LogSumExp trick: ``o - max - log(sum(exp(o - max)))``."""
    _check_logits("logits", logits)
    shifted = logits - logits.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy from logits and integer labels (no reduction).

    Equal to ``torch.nn.functional.cross_entropy(logits, y, reduction='none')``.
    """
    _check_logits("logits", logits)
    if y.dim() != 1 or y.shape[0] != logits.shape[0]:
        raise ValueError(
            f"y must be a vector of {logits.shape[0]} labels, got shape {tuple(y.shape)}"
        )
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= logits.shape[1]):
        raise ValueError(f"labels in y must lie in [0, {logits.shape[1] - 1}], got {y.min()}..{y.max()}")
    return -log_softmax(logits).gather(1, y.long().reshape(-1, 1)).reshape(-1)


def dropout_layer(X: torch.Tensor, dropout: float) -> torch.Tensor:
    """Zero each element with probability ``dropout`` and scale the rest by ``1 / (1 - dropout)``.

    The expectation of every element is unchanged (inverted dropout).
    """
    dropout = _checks.probability("dropout", dropout)
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape, device=X.device) > dropout).to(X.dtype)
    return mask * X / (1.0 - dropout)
