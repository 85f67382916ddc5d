"""d2lcore.utils: seeding, Timer, Accumulator."""
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


def test_timer_records_and_averages():
    timer = d2l.Timer()
    t1 = timer.stop()
    timer.start()
    t2 = timer.stop()
    assert timer.times == [t1, t2]
    assert timer.sum() == pytest.approx(t1 + t2)
    assert timer.avg() == pytest.approx((t1 + t2) / 2)
    assert timer.cumsum() == pytest.approx([t1, t1 + t2])


def test_timer_avg_without_times_is_a_clear_error():
    timer = d2l.Timer()
    with pytest.raises(ValueError, match="no time recorded"):
        timer.avg()


def test_accumulator_sums_each_slot_and_resets():
    acc = d2l.Accumulator(2)
    acc.add(1, 10)
    acc.add(torch.tensor(2.5), 5)
    assert (acc[0], acc[1]) == (3.5, 15.0)
    acc.reset()
    assert acc.data == [0.0, 0.0]


def test_accumulator_rejects_wrong_arity_and_size():
    acc = d2l.Accumulator(3)
    with pytest.raises(ValueError, match="expects 3 values, got 2"):
        acc.add(1, 2)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        d2l.Accumulator(0)
