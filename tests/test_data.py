"""d2lcore.data and d2lcore.fashion_mnist: synthetic data, in-memory batching, Fashion-MNIST."""
import gzip
import hashlib
import io
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import d2lcore as d2l
from d2lcore import fashion_mnist as d2l_fm


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


def fake_gz_files(n_train: int = 30, n_test: int = 10) -> dict[str, bytes]:
    """The four .gz files of a small fake Fashion-MNIST, by name."""
    rng = np.random.default_rng(0)
    files = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        for kind, array in (("images-idx3", rng.integers(0, 256, (n, 28, 28))),
                            ("labels-idx1", np.arange(n) % 10)):
            header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d)
                                                                 for d in array.shape)
            files[f"{prefix}-{kind}-ubyte.gz"] = gzip.compress(header + array.astype(np.uint8).tobytes(),
                                                               mtime=0)
    return files


def serve_fake_mirror(monkeypatch, interrupt: str | None = None, requests: list | None = None):
    """Replace the network by a mirror serving the fake files (with HTTP range requests).

    With ``interrupt`` the download of that file stops halfway with KeyboardInterrupt (Ctrl-C),
    once. ``requests`` collects (file name, start byte) of every request.
    """
    files = fake_gz_files()
    monkeypatch.setattr(d2l_fm, "DOWNLOAD_MD5", {k: hashlib.md5(v).hexdigest() for k, v in files.items()})
    pending = {interrupt} if interrupt else set()

    class Stream(io.BytesIO):
        def __init__(self, data, stop_at=None):
            super().__init__(data)
            self.stop_at = stop_at

        def read(self, size=-1):
            if self.stop_at is not None and self.tell() >= self.stop_at:
                raise KeyboardInterrupt
            limit = size if self.stop_at is None else min(size, self.stop_at - self.tell())
            return super().read(limit)

    def fake_open(url, start):
        name = url.rsplit("/", 1)[-1]
        if requests is not None:
            requests.append((name, start))
        data = files[name][start:]
        if name in pending:
            pending.discard(name)
            return Stream(data, stop_at=len(data) // 2), start > 0
        return Stream(data), start > 0

    monkeypatch.setattr(d2l_fm, "_open_url", fake_open)
    return files


def offline(url, start):
    raise OSError("network is unreachable")


@pytest.fixture
def only_fake_data(tmp_path, monkeypatch):
    """Point every search location at empty folders, then return the $D2LCORE_DATA folder.

    The fake set has 30 training and 10 test images instead of 60,000 and 10,000.
    """
    monkeypatch.setattr(d2l_fm, "DEFAULT_DATA_DIR", tmp_path / "repo-data")
    monkeypatch.setattr(d2l_fm, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(d2l_fm, "FASHION_MNIST_SIZES", {"train": 30, "test": 10})
    monkeypatch.setattr(d2l_fm, "_open_url", offline)  # no test touches the network
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    monkeypatch.setenv("D2LCORE_DATA", str(env_dir))
    d2l_fm.clear_cache()
    yield env_dir
    d2l_fm.clear_cache()


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
    for prefix, n in (("train", 30), ("t10k", 10)):
        write_idx(raw_dir / f"{prefix}-images-idx3-ubyte", np.zeros((n, 28, 28)), compress=False)
        write_idx(raw_dir / f"{prefix}-labels-idx1-ubyte", np.zeros(n), compress=False)
    train_iter, _ = d2l.load_data_fashion_mnist(10)
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


def test_missing_dataset_names_all_three_ways(only_fake_data):
    with pytest.raises(FileNotFoundError) as info:
        d2l.load_data_fashion_mnist(256)
    message = str(info.value)
    assert "network is unreachable" in message
    assert "D2LCORE_DATA" in message
    assert str(d2l_fm.DEFAULT_DATA_DIR) in message
    assert "apt-get install dataset-fashion-mnist" in message


def test_download_needs_no_torchvision(only_fake_data, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torchvision(name, *args, **kwargs):
        if name == "torchvision" or name.startswith("torchvision."):
            raise ModuleNotFoundError("No module named 'torchvision'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torchvision)
    serve_fake_mirror(monkeypatch)
    train_iter, _ = d2l.load_data_fashion_mnist(10)
    assert len(train_iter) == 3


def test_data_folder_is_named_for_what_it_is(monkeypatch):
    """In a checkout it is the book's data/ folder; installed, it is a cache in the home folder."""
    monkeypatch.setattr(d2l_fm, "DEFAULT_DATA_DIR", d2l_fm._CHECKOUT / "data")
    assert d2l_fm._data_dir_name() == "the book's data/ folder"
    monkeypatch.setattr(d2l_fm, "DEFAULT_DATA_DIR", Path.home() / ".cache" / "d2lcore")
    assert "data/ folder" not in d2l_fm._data_dir_name()


def test_data_env_pointing_nowhere_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "missing"))
    d2l_fm.clear_cache()
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


def test_unshuffled_batches_are_copies_not_views_of_the_data():
    """A model that edits its input in place must not change the caller's tensors."""
    X, y = torch.arange(12.0).reshape(6, 2), torch.arange(6)
    original = X.clone()
    for Xb, _ in d2l.load_array((X, y), 4, is_train=False):
        Xb -= 100  # what `X -= mean` inside forward does
    assert torch.equal(X, original)


def test_an_in_place_net_cannot_corrupt_the_cached_test_set(only_fake_data):
    """Repeated evaluation gives the same accuracy; the cached images stay as read."""
    fake_fashion_mnist(only_fake_data)
    _, test_iter = d2l.load_data_fashion_mnist(4)
    before = d2l.fashion_mnist_tensors()[2].clone()

    def net(X):
        X -= 0.286  # a learner's in-place normalisation
        return X.reshape(len(X), -1)[:, :10]

    accs = [d2l.evaluate_accuracy(net, test_iter) for _ in range(3)]
    assert accs[0] == accs[1] == accs[2]
    assert torch.equal(d2l.fashion_mnist_tensors()[2], before)


def test_train_files_replaced_by_test_files_are_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    for kind in ("images-idx3", "labels-idx1"):
        src = only_fake_data / f"t10k-{kind}-ubyte.gz"
        (only_fake_data / f"train-{kind}-ubyte.gz").write_bytes(src.read_bytes())
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz holds 10 images, but the train "
                                         r"set has 30 \(that is the size of the test set"):
        d2l.load_data_fashion_mnist(8)


def test_a_label_outside_0_to_9_is_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    labels = np.arange(10) % 10
    labels[3] = 200
    write_idx(only_fake_data / "t10k-labels-idx1-ubyte.gz", labels)
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz has label 200 at position 3"):
        d2l.load_data_fashion_mnist(8)


def test_images_of_the_wrong_size_are_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    write_idx(only_fake_data / "t10k-images-idx3-ubyte.gz", np.zeros((10, 32, 32)))
    with pytest.raises(ValueError, match="holds images of 32x32 pixels, not 28x28"):
        d2l.load_data_fashion_mnist(8)


def test_env_folder_with_three_of_four_files_names_the_missing_one(only_fake_data, monkeypatch):
    """Offline, a folder the reader chose that lacks a file is named, never replaced."""
    fake_fashion_mnist(only_fake_data)
    (only_fake_data / "t10k-labels-idx1-ubyte.gz").unlink()
    complete = only_fake_data.parent / "debian"
    fake_fashion_mnist(complete)  # another full copy: it must not be used silently
    monkeypatch.setattr(d2l_fm, "DEBIAN_DIR", complete)
    with pytest.raises(FileNotFoundError, match=r"holds 3 of the 4 Fashion-MNIST files; "
                                                r"missing: t10k-labels-idx1-ubyte\[.gz\], and "
                                                r"downloading them failed \(OSError: network"):
        d2l.load_data_fashion_mnist(8)


def test_flipped_byte_inside_gzip_is_named(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-labels-idx1-ubyte.gz"
    raw = bytearray(path.read_bytes())
    start = raw.index(0, 10) + 1  # the deflate stream begins after the stored file name
    raw[start + 2] ^= 0xFF  # a damaged code table: zlib.error, not a CRC mismatch
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte.gz is corrupted or truncated \(error: "):
        d2l.load_data_fashion_mnist(8)


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_permission_error_not_corruption(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-labels-idx1-ubyte.gz"
    path.chmod(0)
    try:
        with pytest.raises(PermissionError, match="cannot be read .permission denied.") as info:
            d2l.load_data_fashion_mnist(8)
        assert "delete" not in str(info.value)
    finally:
        path.chmod(0o644)


def test_permission_error_message_names_the_fix(only_fake_data, monkeypatch):
    """The same check where the tests run as root: opening the file is refused."""
    fake_fashion_mnist(only_fake_data)
    real_open = gzip.open

    def refuse(path, *args, **kwargs):
        if "train-labels" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(d2l_fm.gzip, "open", refuse)
    with pytest.raises(PermissionError, match=r"train-labels-idx1-ubyte.gz cannot be read "
                                              r"\(permission denied\); make it readable") as info:
        d2l.load_data_fashion_mnist(8)
    assert "delete" not in str(info.value)


def test_clear_cache_makes_the_next_load_read_the_files_again(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    first = d2l.fashion_mnist_tensors()
    assert d2l.fashion_mnist_tensors() is first  # cached
    d2l_fm.clear_cache()
    again = d2l.fashion_mnist_tensors()
    assert again is not first and torch.equal(again[0], first[0])


# Issue 18, case 7: a reader that believes a header must not decompress gigabytes.
def test_a_gzip_bomb_is_refused_from_its_header(only_fake_data):
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as f:  # a valid header promising 10^12 bytes, then zeros
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 10**6, 1000, 1000))
        f.write(bytes(10**6))
    with pytest.raises(ValueError, match=r"damaged header: it promises 1,000,000,000,000 bytes"):
        d2l.load_data_fashion_mnist(8)


def test_the_reader_stops_at_the_promised_size(only_fake_data, monkeypatch):
    """A file of zeros in place of the images: at most the header is decompressed."""
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(bytes(8 * 2**20))
    asked = []
    real_open = gzip.open

    def counting_open(*args, **kwargs):
        f = real_open(*args, **kwargs)
        real_read = f.read
        f.read = lambda n=-1: asked.append(n) or real_read(n)
        return f

    monkeypatch.setattr(d2l_fm.gzip, "open", counting_open)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz is not an IDX file"):
        d2l.load_data_fashion_mnist(8)
    assert asked and all(0 <= n <= 2**20 for n in asked) and sum(asked) < 100, asked


def test_sizes_are_products_of_python_integers(only_fake_data):
    """dims (65536, 65536, 65536, ...) wrap to 0 as an int64 product; as Python ints they do not."""
    fake_fashion_mnist(only_fake_data)
    path = only_fake_data / "train-labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 2**16, 2**16, 2**32 - 1))
    (only_fake_data / "train-images-idx3-ubyte.gz").write_bytes(path.read_bytes())
    assert int(np.prod(np.array([2**32, 2**32], dtype=np.int64))) == 0  # the trap
    with pytest.raises(ValueError, match="damaged header"):
        d2l.load_data_fashion_mnist(8)


# Issue 18, case 8: downloads are atomic, serialised and resumed.
def test_download_into_an_empty_env_folder(only_fake_data, monkeypatch):
    files = serve_fake_mirror(monkeypatch)
    train_iter, test_iter = d2l.load_data_fashion_mnist(10)
    assert len(train_iter) == 3 and len(test_iter) == 1
    assert sorted(p.name for p in only_fake_data.iterdir()) == sorted(files)  # no .part left


def test_an_interrupted_download_resumes_where_it_stopped(only_fake_data, monkeypatch):
    requests = []
    files = serve_fake_mirror(monkeypatch, interrupt="t10k-images-idx3-ubyte.gz", requests=requests)
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C during the third file
        d2l.load_data_fashion_mnist(10)
    names = sorted(p.name for p in only_fake_data.iterdir())
    assert names == ["t10k-images-idx3-ubyte.gz.part", "train-images-idx3-ubyte.gz",
                     "train-labels-idx1-ubyte.gz"]  # no half-written file under a real name
    half = (only_fake_data / "t10k-images-idx3-ubyte.gz.part").stat().st_size
    train_iter, _ = d2l.load_data_fashion_mnist(10)  # the next run completes it
    assert len(train_iter) == 3
    assert ("t10k-images-idx3-ubyte.gz", half) in requests  # resumed, not restarted
    assert (only_fake_data / "t10k-images-idx3-ubyte.gz").read_bytes() == files["t10k-images-idx3-ubyte.gz"]


def test_a_part_longer_than_the_file_starts_over(only_fake_data, monkeypatch):
    """The server refuses the range (HTTP 416) of a damaged, too long .part: download it anew."""
    import urllib.error

    files = serve_fake_mirror(monkeypatch)
    serve = d2l_fm._open_url

    def refuse_bad_ranges(url, start):
        if start >= len(files[url.rsplit("/", 1)[-1]]):
            raise urllib.error.HTTPError(url, 416, "Range Not Satisfiable", {}, None)
        return serve(url, start)

    monkeypatch.setattr(d2l_fm, "_open_url", refuse_bad_ranges)
    (only_fake_data / "train-images-idx3-ubyte.gz.part").write_bytes(bytes(10**6))
    train_iter, _ = d2l.load_data_fashion_mnist(10)
    assert len(train_iter) == 3


def test_a_damaged_download_is_not_kept(only_fake_data, monkeypatch):
    serve_fake_mirror(monkeypatch)
    monkeypatch.setitem(d2l_fm.DOWNLOAD_MD5, "train-labels-idx1-ubyte.gz", "0" * 32)
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte.gz arrived damaged"):
        d2l.load_data_fashion_mnist(10)
    assert not (only_fake_data / "train-labels-idx1-ubyte.gz").exists()
    assert not (only_fake_data / "train-labels-idx1-ubyte.gz.part").exists()


def test_two_processes_downloading_at_once_take_turns(only_fake_data, monkeypatch):
    """While one process holds the folder's lock, another waits, then downloads nothing."""
    import fcntl
    import os
    import threading

    requests = []
    serve_fake_mirror(monkeypatch, requests=requests)
    fd = os.open(only_fake_data, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "another notebook" is downloading
    result = {}
    waiter = threading.Thread(target=lambda: result.update(reason=d2l_fm._download(only_fake_data)))
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and requests == []  # it waits for the lock
    for name, data in fake_gz_files().items():  # the other process finishes its download
        (only_fake_data / name).write_bytes(data)
    os.close(fd)
    waiter.join(10)
    assert result == {"reason": ""} and requests == []  # found them complete: nothing fetched
