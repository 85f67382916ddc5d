"""d2lcore's device helpers: num_gpus, try_gpu, try_all_gpus.

The machine running the tests may or may not have a GPU, so the GPU-present and the
CPU-only cases are both simulated by monkeypatching ``torch.cuda.device_count``
(creating a ``torch.device('cuda:i')`` object needs no GPU). One test uses the real
hardware, whatever it is.
"""
import numpy as np
import pytest
import torch

import d2lcore as d2l

CPU = torch.device("cpu")


@pytest.fixture
def gpus(monkeypatch):
    """Pretend the machine has ``n`` CUDA GPUs: ``gpus(n)``."""

    def set_count(n: int) -> None:
        monkeypatch.setattr(torch.cuda, "device_count", lambda: n)

    return set_count


def test_num_gpus_is_torch_device_count():
    n = d2l.num_gpus()
    assert isinstance(n, int) and n >= 0
    assert n == torch.cuda.device_count()


def test_real_machine_gives_a_usable_device():
    device = d2l.try_gpu()
    assert isinstance(device, torch.device)
    assert device.type == ("cuda" if d2l.num_gpus() > 0 else "cpu")
    x = torch.ones(2, device=device)
    assert x.device.type == device.type
    assert len(d2l.try_all_gpus()) == max(d2l.num_gpus(), 1)


def test_cpu_only_machine(gpus):
    gpus(0)
    assert d2l.num_gpus() == 0
    assert d2l.try_gpu() == CPU
    assert d2l.try_gpu(0) == CPU
    assert d2l.try_gpu(3) == CPU
    assert d2l.try_all_gpus() == [CPU]


def test_one_gpu(gpus):
    gpus(1)
    assert d2l.num_gpus() == 1
    assert d2l.try_gpu() == torch.device("cuda:0")
    assert d2l.try_gpu(1) == CPU  # a second GPU does not exist: fall back to the CPU
    assert d2l.try_all_gpus() == [torch.device("cuda:0")]


def test_several_gpus(gpus):
    gpus(4)
    assert d2l.num_gpus() == 4
    assert [d2l.try_gpu(i) for i in range(5)] == [torch.device(f"cuda:{i}") for i in range(4)] + [CPU]
    devices = d2l.try_all_gpus()
    assert devices == [torch.device(f"cuda:{i}") for i in range(4)]
    assert all(d.index == i for i, d in enumerate(devices))  # indexed, so equal to try_gpu(i)


def test_try_gpu_accepts_numpy_integers(gpus):
    gpus(2)
    assert d2l.try_gpu(np.int64(1)) == torch.device("cuda:1")


@pytest.mark.parametrize("n_gpus", [0, 2])
def test_negative_index_is_an_error_naming_the_argument(gpus, n_gpus):
    gpus(n_gpus)
    with pytest.raises(ValueError, match=r"^i must be a non-negative integer, got -1$"):
        d2l.try_gpu(-1)


@pytest.mark.parametrize("bad", [1.5, 1.0, "0", None, True, torch.tensor(0)])
@pytest.mark.parametrize("n_gpus", [0, 2])
def test_non_integer_index_is_an_error_naming_the_argument(gpus, n_gpus, bad):
    # checked before looking at the hardware, so a bad call fails the same way everywhere
    gpus(n_gpus)
    with pytest.raises(TypeError, match=r"^i must be a non-negative integer, got .* \(\w+\)$"):
        d2l.try_gpu(bad)
