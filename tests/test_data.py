"""d2lcore.data: synthetic data, in-memory batching and Fashion-MNIST loading."""
import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import d2lcore as d2l
from d2lcore import data as d2l_data


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(path, "wb") as f:
            f.write(raw)
    else:
        path.write_bytes(raw)


def fake_fashion_mnist(folder: Path, n_train: int = 30, n_test: int = 10) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)


@pytest.fixture
def only_fake_data(tmp_path, monkeypatch):
    """Point every search location at empty folders, then return the $D2LCORE_DATA folder."""
    monkeypatch.setattr(d2l_data, "REPO_DATA_DIR", tmp_path / "repo-data")
    monkeypatch.setattr(d2l_data, "DEBIAN_DIR", tmp_path / "debian")
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    monkeypatch.setenv("D2LCORE_DATA", str(env_dir))
    monkeypatch.setattr(d2l_data, "_CACHE", {})
    return env_dir


def test_synthetic_data_follows_the_linear_model():
    w, b = torch.tensor([2, -3.4]), 4.2
    X, y = d2l.synthetic_data(w, b, 2000)
    assert X.shape == (2000, 2) and y.shape == (2000, 1)
    residual = y.reshape(-1) - (X @ w + b)
    # the noise is N(0, 0.01^2): its sample std over 2000 draws is within 10% of 0.01
    assert abs(float(residual.std()) - 0.01) < 0.001


def test_synthetic_data_rejects_bad_arguments():
    with pytest.raises(ValueError, match="num_examples must be a positive integer"):
        d2l.synthetic_data(torch.ones(2), 0.0, 0)
    with pytest.raises(ValueError, match="w must be a vector"):
        d2l.synthetic_data(torch.ones(2, 2), 0.0, 5)


def test_synthetic_data_accepts_a_column_of_weights_like_d2l():
    # d2l-zh's weight-decay section: true_w = torch.ones((num_inputs, 1)) * 0.01
    d2l.seed_all(0)
    X, y = d2l.synthetic_data(torch.ones((200, 1)) * 0.01, 0.05, 20)
    assert X.shape == (20, 200) and y.shape == (20, 1)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), batch_size=st.integers(1, 250), shuffle=st.booleans())
def test_loader_covers_every_example_exactly_once(n, batch_size, shuffle):
    X = torch.arange(n)
    loader = d2l.load_array((X, X * 2), batch_size, is_train=shuffle)
    seen = []
    for xb, yb in loader:
        assert len(xb) <= batch_size
        assert torch.equal(yb, xb * 2)  # features and labels stay paired
        seen.append(xb)
    assert len(seen) == len(loader)
    assert sorted(torch.cat(seen).tolist()) == list(range(n))


def test_loader_shuffles_reproducibly_with_the_seed():
    X = torch.arange(100)
    loader = d2l.load_array((X,), 10)
    d2l.seed_all(1)
    a = torch.cat([b[0] for b in loader])
    d2l.seed_all(1)
    b = torch.cat([b[0] for b in loader])
    assert torch.equal(a, b) and not torch.equal(a, X)
    assert len(loader.dataset) == 100


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError)])
def test_loader_rejects_bad_batch_sizes(batch_size, error):
    with pytest.raises(error, match="batch_size"):
        d2l.load_array((torch.zeros(4),), batch_size)


def test_loader_rejects_tensors_of_different_lengths():
    with pytest.raises(ValueError, match="same first dimension"):
        d2l.load_array((torch.zeros(4), torch.zeros(5)), 2)


def test_fashion_mnist_labels():
    assert d2l.get_fashion_mnist_labels([0, 9, torch.tensor(3)]) == ["t-shirt", "ankle boot", "dress"]
    with pytest.raises(ValueError, match="0..9, got 10"):
        d2l.get_fashion_mnist_labels([10])


def test_dataloader_workers_is_small_positive():
    assert 1 <= d2l.get_dataloader_workers() <= 4


def test_fashion_mnist_from_env_folder(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    train_iter, test_iter = d2l.load_data_fashion_mnist(8)
    X, y = next(iter(train_iter))
    assert X.shape == (8, 1, 28, 28) and X.dtype == torch.float32
    assert y.dtype == torch.int64
    assert 0 <= float(X.min()) and float(X.max()) <= 1
    assert sum(len(b[1]) for b in train_iter) == 30
    assert sum(len(b[1]) for b in test_iter) == 10
    # the test set is not shuffled: labels come in file order
    assert next(iter(test_iter))[1].tolist() == list(range(8))


def test_fashion_mnist_matches_the_file_bytes(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    train_X = d2l.fashion_mnist_tensors()[0]
    raw = np.random.default_rng(0).integers(0, 256, (30, 28, 28)).astype(np.uint8)
    torch.testing.assert_close(train_X[:, 0], torch.from_numpy(raw).float() / 255)


def test_fashion_mnist_torchvision_layout_and_uncompressed(only_fake_data):
    raw_dir = only_fake_data / "FashionMNIST" / "raw"
    raw_dir.mkdir(parents=True)
    for prefix, n in (("train", 5), ("t10k", 3)):
        write_idx(raw_dir / f"{prefix}-images-idx3-ubyte", np.zeros((n, 28, 28)), compress=False)
        write_idx(raw_dir / f"{prefix}-labels-idx1-ubyte", np.zeros(n), compress=False)
    train_iter, _ = d2l.load_data_fashion_mnist(2)
    assert len(train_iter) == 3


def test_fashion_mnist_resize(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    train_iter, _ = d2l.load_data_fashion_mnist(4, resize=64)
    X, _ = next(iter(train_iter))
    assert X.shape == (4, 1, 64, 64)
    train_iter, _ = d2l.load_data_fashion_mnist(4, resize=(32, 16))
    assert next(iter(train_iter))[0].shape == (4, 1, 32, 16)


@pytest.mark.parametrize("resize", [0, -28, (28,), "64", (28, 0)])
def test_fashion_mnist_rejects_bad_resize(only_fake_data, resize):
    fake_fashion_mnist(only_fake_data)
    with pytest.raises((ValueError, TypeError), match="resize"):
        d2l.load_data_fashion_mnist(4, resize=resize)


def test_fashion_mnist_rejects_bad_batch_size(only_fake_data):
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        d2l.load_data_fashion_mnist(0)


def test_missing_dataset_names_all_three_ways(only_fake_data, monkeypatch):
    import torchvision

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    with pytest.raises(FileNotFoundError) as info:
        d2l.load_data_fashion_mnist(256)
    message = str(info.value)
    assert "network is unreachable" in message
    assert "D2LCORE_DATA" in message
    assert "data/" in message
    assert "apt-get install dataset-fashion-mnist" in message


def test_data_env_pointing_nowhere_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "missing"))
    monkeypatch.setattr(d2l_data, "_CACHE", {})
    with pytest.raises(FileNotFoundError, match="D2LCORE_DATA is set to .*missing, which is not a folder"):
        d2l.load_data_fashion_mnist(8)


def test_truncated_gzip_file_is_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz is corrupted or truncated"):
        d2l.load_data_fashion_mnist(8)


def test_short_idx_payload_is_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "t10k-labels-idx1-ubyte.gz"
    write_idx(path, np.arange(10))
    raw = gzip.decompress(path.read_bytes())[:-3]  # a valid gzip of an incomplete file
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz is truncated or corrupted"):
        d2l.load_data_fashion_mnist(8)


def test_wrong_file_type_is_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    (only_fake_data / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"<html>not found</html>"))
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz is not an IDX file"):
        d2l.load_data_fashion_mnist(8)


def test_images_and_labels_of_different_lengths_are_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    write_idx(only_fake_data / "train-labels-idx1-ubyte.gz", np.zeros(29))
    with pytest.raises(ValueError, match="train files disagree: 30 images, 29 labels"):
        d2l.load_data_fashion_mnist(8)


def test_real_fashion_mnist_has_the_published_sizes():
    """The real set: 60,000 training and 10,000 test images, 6,000 / 1,000 per class."""
    try:
        d2l.find_fashion_mnist(download=False)
    except FileNotFoundError:
        if __import__("os").environ.get("CI"):
            raise  # CI installs dataset-fashion-mnist; its absence there is a failure
        pytest.skip("Fashion-MNIST is not installed on this machine")
    train_X, train_y, test_X, test_y = d2l.fashion_mnist_tensors()
    assert train_X.shape == (60000, 1, 28, 28) and test_X.shape == (10000, 1, 28, 28)
    assert torch.bincount(train_y).tolist() == [6000] * 10
    assert torch.bincount(test_y).tolist() == [1000] * 10
