"""Compatibility aliases for code pasted from d2l-zh's PyTorch pages.

d2l's ``torch.py`` ends with short names for torch functions (``d2l.reshape``,
``d2l.reduce_sum``, ...) and exposes ``d2l.plt``. They are provided here so
such code runs unchanged after ``import d2lcore as d2l``. The book's own
notebooks call torch directly.
"""
import matplotlib.pyplot as plt
import torch

tensor = torch.tensor
ones = torch.ones
zeros = torch.zeros
normal = torch.normal
matmul = torch.matmul
exp = torch.exp
log = torch.log
concat = torch.cat
float32 = torch.float32


def reshape(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.reshape(...)``."""
    return x.reshape(*args, **kwargs)


def reduce_sum(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.sum(...)``."""
    return x.sum(*args, **kwargs)


def argmax(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.argmax(...)``."""
    return x.argmax(*args, **kwargs)


def astype(x: torch.Tensor, *args, **kwargs) -> torch.Tensor:
    """``x.type(...)``."""
    return x.type(*args, **kwargs)


def numpy(x: torch.Tensor, *args, **kwargs):
    """``x.detach().numpy()``."""
    return x.detach().numpy(*args, **kwargs)


def size(x: torch.Tensor, *args, **kwargs) -> int:
    """``x.numel()``."""
    return x.numel(*args, **kwargs)


__all__ = ["plt", "tensor", "ones", "zeros", "normal", "matmul", "exp", "log", "concat",
           "float32", "reshape", "reduce_sum", "argmax", "astype", "numpy", "size"]
