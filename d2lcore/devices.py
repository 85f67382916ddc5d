"""Choosing where tensors live: d2l's ``try_gpu`` and ``try_all_gpus``."""
import torch

from . import _checks


def num_gpus() -> int:
    """Return the number of CUDA GPUs torch can see (0 on a CPU-only machine).

    Defined in 4.6 use-gpu.
    """
    return torch.cuda.device_count()


def try_gpu(i: int = 0) -> torch.device:
    """Return ``cuda:i`` if that GPU exists, otherwise the CPU. Defined in 4.6 use-gpu."""
    i = _checks.non_negative_int("i", i)
    if num_gpus() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """Return every available GPU, or ``[cpu]`` when there is none. Defined in 4.6 use-gpu."""
    devices = [torch.device(f"cuda:{i}") for i in range(num_gpus())]
    return devices if devices else [torch.device("cpu")]
