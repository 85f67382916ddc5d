"""Reproducible notebooks: seeded random generators and deterministic figures."""
import random

import numpy as np
import torch

from . import _checks
from .plotting import use_svg_display


def seed_all(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and every GPU) with ``seed``."""
    seed = _checks.non_negative_int("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def notebook_setup(seed: int = 0) -> None:
    """The one line each notebook starts with: SVG figures without dates or random ids, seeded
    random generators."""
    use_svg_display()
    seed_all(seed)
