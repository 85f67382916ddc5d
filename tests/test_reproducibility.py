"""d2lcore.reproducibility: seeding every random generator, and the one-line notebook setup."""
import random

import numpy as np
import pytest
import torch

import d2lcore as d2l


def test_seed_all_makes_python_numpy_and_torch_repeat():
    d2l.seed_all(123)
    first = (random.random(), np.random.rand(), torch.rand(3))
    d2l.seed_all(123)
    second = (random.random(), np.random.rand(), torch.rand(3))
    assert first[0] == second[0] and first[1] == second[1]
    assert torch.equal(first[2], second[2])


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError)])
def test_seed_all_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        d2l.seed_all(seed)


def test_notebook_setup_seeds_and_makes_svg_deterministic():
    import matplotlib.pyplot as plt

    d2l.notebook_setup(seed=5)
    first = torch.rand(2)
    d2l.notebook_setup(seed=5)
    assert torch.equal(first, torch.rand(2))
    assert plt.rcParams["svg.hashsalt"] == "d2lcore"
