"""Argument checks shared by d2lcore's public functions.

Each helper raises a ``ValueError`` or ``TypeError`` whose message names the
argument, the value received and what was expected, so that a mistake in a
notebook is reported where it was made instead of deep inside torch.
"""
from numbers import Integral, Real
from typing import Any

import torch


def positive_int(name: str, value: Any) -> int:
    """Return ``value`` if it is an integer > 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def non_negative_int(name: str, value: Any) -> int:
    """Return ``value`` if it is an integer >= 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def probability(name: str, value: Any) -> float:
    """Return ``value`` as a float if it lies in [0, 1], else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number in [0, 1], got {value!r} ({type(value).__name__})")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
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
