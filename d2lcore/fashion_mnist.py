"""Fashion-MNIST: finding, reading, checking and caching the data set of chapters 2-3.

The four IDX files are looked up in ``$D2LCORE_DATA``, the default data folder (a
checkout's ``data/``, else a user cache) and Debian's ``dataset-fashion-mnist``, or
downloaded. They are parsed once per process into tensors kept in memory, checked
against the published sizes, and batched by ``data.TensorLoader``.
"""
import gzip
import os
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from . import _checks
from .data import TensorLoader

DATA_ENV = "D2LCORE_DATA"
_CHECKOUT = Path(__file__).resolve().parent.parent
# In a checkout of the book: its data/ folder. Installed as a package (Colab, Binder): a user cache.
DEFAULT_DATA_DIR = (_CHECKOUT / "data" if (_CHECKOUT / "_toc.yml").exists()
                    else Path.home() / ".cache" / "d2lcore")
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# What the published files hold; a file that disagrees was swapped, cut short or is another data set.
FASHION_MNIST_SIZES = {"train": 60000, "test": 10000}
IMAGE_SHAPE = (28, 28)
FASHION_MNIST_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def get_fashion_mnist_labels(labels: Sequence[int]) -> list[str]:
    """Return the text labels of Fashion-MNIST class indices.

    Defined in 2.5 image-classification-dataset.
    """
    names = []
    for label in labels:
        i = int(label)
        if not 0 <= i < len(FASHION_MNIST_LABELS):
            raise ValueError(f"Fashion-MNIST labels lie in 0..9, got {i}")
        names.append(FASHION_MNIST_LABELS[i])
    return names


def _read_idx(path: Path, expected_dims: int) -> np.ndarray:
    """Read an IDX file (optionally gzipped) and check its header against its size."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except PermissionError as exc:  # not a damaged file: deleting it would be the wrong advice
        raise PermissionError(f"Fashion-MNIST file {path} cannot be read (permission denied); "
                              f"make it readable (chmod a+r {path}) or set ${DATA_ENV} to a "
                              "folder holding a copy you can read") from exc
    except (OSError, EOFError, zlib.error) as exc:  # truncated or damaged gzip stream
        raise ValueError(f"Fashion-MNIST file {path} is corrupted or truncated "
                         f"({type(exc).__name__}: {exc}); delete it and provide the file again") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] != expected_dims:
        raise ValueError(f"Fashion-MNIST file {path} is not an IDX file of {expected_dims} "
                         "dimension(s) of unsigned bytes")
    header = 4 + 4 * expected_dims
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(expected_dims)]
    if len(raw) != header + int(np.prod(dims)):
        raise ValueError(f"Fashion-MNIST file {path} is truncated or corrupted: header promises "
                         f"{int(np.prod(dims))} bytes of data, file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find_in(root: Path, complete_or_fail: bool = False) -> dict[str, Path] | None:
    """Return the four Fashion-MNIST files under ``root`` (gz or not), or None.

    With ``complete_or_fail`` a folder holding only some of them is an error naming the
    missing ones (for $D2LCORE_DATA: the reader chose it, so falling back would hide the mistake).
    """
    partial = None
    for folder in (root, root / "fashion-mnist", root / "FashionMNIST" / "raw"):
        found = {}
        for key, name in FASHION_MNIST_FILES.items():
            for candidate in (folder / name, folder / (name + ".gz")):
                if candidate.is_file():
                    found[key] = candidate
                    break
        if len(found) == len(FASHION_MNIST_FILES):
            return found
        partial = partial or (found and (folder, found))
    if partial and complete_or_fail:
        folder, found = partial
        missing = [name + "[.gz]" for key, name in FASHION_MNIST_FILES.items() if key not in found]
        raise FileNotFoundError(f"{folder} holds {len(found)} of the 4 Fashion-MNIST files; "
                                f"missing: {', '.join(missing)}. Add them there, or unset ${DATA_ENV}")
    return None


def _candidate_roots() -> list[Path]:
    roots = []
    if os.environ.get(DATA_ENV):
        root = Path(os.environ[DATA_ENV]).expanduser()
        if not root.is_dir():
            raise FileNotFoundError(f"${DATA_ENV} is set to {root}, which is not a folder")
        roots.append(root)
    return roots + [DEFAULT_DATA_DIR, DEBIAN_DIR]


def _data_dir_name() -> str:
    return "the book's data/ folder" if DEFAULT_DATA_DIR == _CHECKOUT / "data" else "d2lcore's data cache"


def _download(target: Path) -> str:
    """Download Fashion-MNIST into ``target`` with torchvision; return why it failed, or ""."""
    try:
        import torchvision
    except ImportError:
        return ("torchvision, which downloads it, is not installed: "
                "pip install torchvision, or pip install 'd2lcore[data]'")
    try:
        for train in (True, False):
            torchvision.datasets.FashionMNIST(root=str(target), train=train, download=True)
    except Exception as exc:  # no network, a proxy, a full disk...
        return f"{type(exc).__name__}: {exc}"
    return ""


def find_fashion_mnist(download: bool = True) -> dict[str, Path]:
    """Locate the Fashion-MNIST files: $D2LCORE_DATA, the book's data/ folder (installed: a
    user cache), Debian's package, else download them with torchvision.

    Defined in 2.5 image-classification-dataset, like the loader that uses it.
    """
    roots = _candidate_roots()
    env_set = bool(os.environ.get(DATA_ENV))
    for i, root in enumerate(roots):
        found = _find_in(root, complete_or_fail=env_set and i == 0)
        if found:
            return found
    target = roots[0] if env_set else DEFAULT_DATA_DIR
    reason = _download(target) if download else "download=False"
    if not reason:
        found = _find_in(target)
        if found:
            return found
        reason = "the download finished but the files are not where expected"
    raise FileNotFoundError(
        "Fashion-MNIST was not found and could not be downloaded (" + reason + "). Provide it in one of "
        f"three ways: (1) put the four .gz files in a folder and set ${DATA_ENV} to it; "
        f"(2) put them in {_data_dir_name()} ({DEFAULT_DATA_DIR}); "
        "(3) on Debian/Ubuntu run `apt-get install dataset-fashion-mnist` "
        f"(installs them in {DEBIAN_DIR}). With network access and torchvision installed they are "
        "downloaded automatically.")


_CACHE: dict[tuple, tuple[torch.Tensor, ...]] = {}


def clear_cache() -> None:
    """Forget the Fashion-MNIST tensors read so far: the next load reads the files again."""
    _CACHE.clear()


def _resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Resize a batch of images (n, 1, H, W) bilinearly, with antialiasing, staying in [0, 1]."""
    return torch.nn.functional.interpolate(images, size=size, mode="bilinear", antialias=True,
                                           align_corners=False).clamp_(0, 1)


def _check_split(split: str, X: np.ndarray, y: np.ndarray, files: dict[str, Path]) -> None:
    """Check one split against the published sizes, image shape and label range."""
    images, labels = files[f"{split}_images"], files[f"{split}_labels"]
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"Fashion-MNIST {split} files disagree: {X.shape[0]} images, "
                         f"{y.shape[0]} labels ({images.name}, {labels.name})")
    if tuple(X.shape[1:]) != IMAGE_SHAPE:
        raise ValueError(f"Fashion-MNIST file {images} holds images of {X.shape[1]}x{X.shape[2]} "
                         f"pixels, not {IMAGE_SHAPE[0]}x{IMAGE_SHAPE[1]}; provide the original file again")
    expected = FASHION_MNIST_SIZES[split]
    if X.shape[0] != expected:
        other = "test" if split == "train" else "training"
        hint = (f" (that is the size of the {other} set: were the files swapped?)"
                if X.shape[0] in FASHION_MNIST_SIZES.values() else "")
        raise ValueError(f"Fashion-MNIST file {images} holds {X.shape[0]} images, but the {split} "
                         f"set has {expected}{hint}; provide the original files again")
    if y.size and int(y.max()) >= len(FASHION_MNIST_LABELS):
        i = int(np.argmax(y >= len(FASHION_MNIST_LABELS)))
        raise ValueError(f"Fashion-MNIST file {labels} has label {int(y[i])} at position {i}; "
                         "labels lie in 0..9: provide the original file again")


def fashion_mnist_tensors() -> tuple[torch.Tensor, ...]:
    """Return (train_X, train_y, test_X, test_y): images (n, 1, 28, 28) float32 in [0, 1], labels int64.

    The files are read once per process (per search location) and the tensors cached
    (``clear_cache()`` forgets them). Sizes, image shape and labels are checked against
    the published data set. Defined in 2.5 image-classification-dataset.
    """
    key = tuple(_candidate_roots())
    if key not in _CACHE:
        files = find_fashion_mnist()
        arrays = [_read_idx(files[k], 3 if k.endswith("images") else 1) for k in FASHION_MNIST_FILES]
        train_X, train_y, test_X, test_y = arrays
        _check_split("train", train_X, train_y, files)
        _check_split("test", test_X, test_y, files)
        tensors = []
        for X, y in ((train_X, train_y), (test_X, test_y)):
            images = torch.from_numpy(X.copy()).unsqueeze(1).float().div_(255)
            tensors += [images, torch.from_numpy(y.astype(np.int64))]
        _CACHE[key] = tuple(tensors)
    return _CACHE[key]


def _check_resize(resize: int | tuple[int, int] | None) -> tuple[int, int] | None:
    if resize is None:
        return None
    if isinstance(resize, (tuple, list)):
        if len(resize) != 2:
            raise ValueError(f"resize must be an int or (height, width), got {resize!r}")
        h = _checks.positive_int("resize height", resize[0])
        w = _checks.positive_int("resize width", resize[1])
        return (h, w)
    r = _checks.positive_int("resize", resize)
    return (r, r)


def load_data_fashion_mnist(batch_size: int, resize: int | tuple[int, int] | None = None
                            ) -> tuple[TensorLoader, TensorLoader]:
    """Return (train_iter, test_iter) over Fashion-MNIST; the training batches are shuffled.

    Batches are ``X`` of shape (batch_size, 1, 28, 28) (or ``resize``: an int for a square,
    or (height, width)), float32 in [0, 1], and ``y`` int64 class indices, as with d2l's loader.
    Defined in 2.5 image-classification-dataset.
    """
    # Checked here, not only by TensorLoader, so that a bad argument fails before the files are
    # read or downloaded.
    batch_size = _checks.positive_int("batch_size", batch_size)
    size = _check_resize(resize)
    train_X, train_y, test_X, test_y = fashion_mnist_tensors()
    # Resizing batch by batch keeps memory at the 28x28 set's 220 MB (70,000 images at 224x224
    # would take 14 GB) and costs only the batches actually read.
    transform = None if size is None else (lambda X: _resize(X, size))
    return (TensorLoader((train_X, train_y), batch_size, shuffle=True, transform=transform),
            TensorLoader((test_X, test_y), batch_size, shuffle=False, transform=transform))
