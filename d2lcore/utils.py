"""Small utilities: reproducibility, timing and running sums."""
import random
import time
from typing import List

import numpy as np
import torch

from . import _checks


def seed_all(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and every GPU) with ``seed``."""
    seed = _checks.non_negative_int("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def notebook_setup(seed: int = 0) -> None:
    """The one line each notebook starts with: SVG figures without dates or random ids, seeded RNGs."""
    from .plotting import use_svg_display

    use_svg_display()
    seed_all(seed)


class Timer:
    """Record several running times (d2l's ``Timer``)."""

    def __init__(self) -> None:
        self.times: List[float] = []
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

    def cumsum(self) -> List[float]:
        """Return the accumulated times."""
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Accumulate sums over ``n`` variables (d2l's ``Accumulator``)."""

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
