"""Fashion-MNIST: finding, reading, checking and caching the data set of chapters 2-3.

The four IDX files are looked up in ``$D2LCORE_DATA``, the default data folder (a
checkout's ``data/``, else a user cache) and Debian's ``dataset-fashion-mnist``, or
downloaded. They are parsed once per process into tensors kept in memory, checked
against the published sizes, and batched by ``data.TensorLoader``.
"""
import gzip
import hashlib
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

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
# What the published files hold; a file that disagrees was swapped, cut short or is another set.
FASHION_MNIST_SIZES = {"train": 60000, "test": 10000}
IMAGE_SHAPE = (28, 28)
# The most bytes an IDX file may promise: the 60,000 training images. A damaged or hostile header
# must not make the reader decompress gigabytes.
MAX_IDX_BYTES = 60000 * 28 * 28
# Where the files are downloaded from, with the MD5 of each .gz (torchvision's list).
DOWNLOAD_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DOWNLOAD_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MNIST_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def get_fashion_mnist_labels(labels: Sequence[int]) -> list[str]:
    """Return the text labels of Fashion-MNIST class indices (a list, or a vector of indices).

    Defined in 2.5 image-classification-dataset.
    """
    shape = tuple(getattr(labels, "shape", ()))
    if len(shape) > 1:
        raise ValueError(f"get_fashion_mnist_labels: labels has shape {shape}, which looks like "
                         "the net's outputs (one score per class); pass class indices: "
                         "net(X).argmax(dim=1)")
    names = []
    for position, label in enumerate(labels):
        i = _checks.class_index("get_fashion_mnist_labels", f"labels[{position}]", label)
        if not 0 <= i < len(FASHION_MNIST_LABELS):
            raise ValueError(f"Fashion-MNIST labels lie in 0..9, got {i}")
        names.append(FASHION_MNIST_LABELS[i])
    return names


def _read_exactly(f: BinaryIO, n: int) -> bytes:
    """Read ``n`` bytes, or fewer at the end of the file, without reading further."""
    chunks, left = [], n
    while left > 0:
        chunk = f.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_idx(path: Path, expected_dims: int) -> np.ndarray:
    """Read an IDX file (optionally gzipped): the header, then at most the bytes it promises."""
    opener = gzip.open if path.suffix == ".gz" else open
    header_size = 4 + 4 * expected_dims
    try:
        with opener(path, "rb") as f:
            header = _read_exactly(f, header_size)
            if header[:4] != bytes([0, 0, 0x08, expected_dims]) or len(header) < header_size:
                raise ValueError(f"Fashion-MNIST file {path} is not an IDX file of {expected_dims} "
                                 "dimension(s) of unsigned bytes")
            dims = [int.from_bytes(header[4 + 4 * i:8 + 4 * i], "big")
                    for i in range(expected_dims)]
            promised = 1
            for d in dims:  # Python integers: an int64 product of four 32-bit sizes can wrap
                promised *= d
            if promised > MAX_IDX_BYTES:
                raise ValueError(f"Fashion-MNIST file {path} has a damaged header: it promises "
                                 f"{promised:,} bytes of data, more than any Fashion-MNIST file "
                                 f"holds ({MAX_IDX_BYTES:,}); delete it and provide the file again")
            raw = _read_exactly(f, promised + 1)  # one byte more tells a too long file
    except PermissionError as exc:  # not a damaged file: deleting it would be the wrong advice
        raise PermissionError(f"Fashion-MNIST file {path} cannot be read (permission denied); "
                              f"make it readable (chmod a+r {path}) or set ${DATA_ENV} to a "
                              "folder holding a copy you can read") from exc
    except (OSError, EOFError, zlib.error) as exc:  # truncated or damaged gzip stream
        raise ValueError(f"Fashion-MNIST file {path} is corrupted or truncated "
                         f"({type(exc).__name__}: {exc}); delete it and provide the file again"
                         ) from exc
    if len(raw) != promised:
        held = f"{len(raw)}" if len(raw) <= promised else "more"
        raise ValueError(f"Fashion-MNIST file {path} is truncated or corrupted: header promises "
                         f"{promised} bytes of data, file holds {held}")
    return np.frombuffer(raw, dtype=np.uint8).reshape(dims)


def _find_in(root: Path) -> tuple[dict[str, Path] | None, tuple[Path, dict[str, Path]] | None]:
    """Return (the four Fashion-MNIST files under ``root``, gz or not, or None;
    the first folder holding only some of them with those it holds, or None)."""
    partial = None
    for folder in (root, root / "fashion-mnist", root / "FashionMNIST" / "raw"):
        found = {}
        for key, name in FASHION_MNIST_FILES.items():
            for candidate in (folder / name, folder / (name + ".gz")):
                if candidate.is_file():
                    found[key] = candidate
                    break
        if len(found) == len(FASHION_MNIST_FILES):
            return found, None
        partial = partial or (found and (folder, found)) or None
    return None, partial


def _candidate_roots() -> list[Path]:
    roots = []
    if os.environ.get(DATA_ENV):
        root = Path(os.environ[DATA_ENV]).expanduser()
        if not root.is_dir():
            raise FileNotFoundError(f"${DATA_ENV} is set to {root}, which is not a folder")
        roots.append(root)
    return roots + [DEFAULT_DATA_DIR, DEBIAN_DIR]


def _data_dir_name() -> str:
    in_checkout = DEFAULT_DATA_DIR == _CHECKOUT / "data"
    return "the book's data/ folder" if in_checkout else "d2lcore's data cache"


def _open_url(url: str, start: int) -> tuple[Any, bool]:
    """Open ``url`` from byte ``start``; return the stream and whether the server resumed there.

    The only function that touches the network (tests replace it).
    """
    import urllib.request

    headers = {"Range": f"bytes={start}-"} if start else {}
    response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60)
    return response, response.status == 206


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that one process at a time downloads into it.

    Where ``fcntl`` does not exist (Windows) downloads are not serialised; the renames still
    keep every file whole.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _fetch(name: str, folder: Path) -> None:
    """Download ``name`` into ``folder``: into ``name.part``, resumed where an interrupted
    download stopped, checked against its MD5, then renamed, so ``name`` is never partial."""
    part = folder / (name + ".part")
    if not (part.is_file() and _md5(part) == DOWNLOAD_MD5[name]):  # else: complete, not yet renamed
        start = part.stat().st_size if part.is_file() else 0
        try:
            stream, resumed = _open_url(DOWNLOAD_URL + name, start)
        except OSError as exc:  # HTTP 416: the .part is longer than the file (damaged): restart
            if not (start and getattr(exc, "code", None) == 416):
                raise
            stream, resumed = _open_url(DOWNLOAD_URL + name, 0)
        with stream, open(part, "ab" if resumed else "wb") as out:
            while chunk := stream.read(1 << 16):
                out.write(chunk)
        digest = _md5(part)
        if digest != DOWNLOAD_MD5[name]:
            part.unlink()
            raise ValueError(f"{name} arrived damaged (MD5 {digest}, "
                             f"expected {DOWNLOAD_MD5[name]})")
    os.replace(part, folder / name)


def _download(folder: Path) -> str:
    """Download the Fashion-MNIST files ``folder`` lacks; return why it failed, or ""."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):  # a second process waits here, then finds the files present
            for stem in FASHION_MNIST_FILES.values():
                if not any((folder / n).is_file() for n in (stem, stem + ".gz")):
                    _fetch(stem + ".gz", folder)
    except Exception as exc:  # no network, a proxy, a full disk... (Ctrl-C keeps the .part)
        return f"{type(exc).__name__}: {exc}"
    return ""


def find_fashion_mnist(download: bool = True) -> dict[str, Path]:
    """Locate the Fashion-MNIST files: $D2LCORE_DATA, the book's data/ folder (installed: a
    user cache), Debian's package, else download them (into $D2LCORE_DATA when it is set).

    A $D2LCORE_DATA folder holding only some of the files is completed by downloading the
    others (an interrupted download resumes), never replaced by another location.
    Defined in 2.5 image-classification-dataset, like the loader that uses it.
    """
    roots = _candidate_roots()
    env_root = roots[0] if os.environ.get(DATA_ENV) else None
    partial = None
    for root in roots:
        found, partial = _find_in(root)
        if found:
            return found
        if root == env_root and partial:
            break  # the reader chose this folder: falling back would hide the missing files
        partial = None
    target = env_root or DEFAULT_DATA_DIR
    reason = _download(target) if download else "download=False"
    if not reason:
        found, _ = _find_in(target)
        if found:
            return found
        reason = "the download finished but the files are not where expected"
    if partial:
        folder, found = partial
        missing = [name + "[.gz]" for key, name in FASHION_MNIST_FILES.items() if key not in found]
        raise FileNotFoundError(f"{folder} holds {len(found)} of the 4 Fashion-MNIST files; "
                                f"missing: {', '.join(missing)}, and downloading them failed "
                                f"({reason}). Add them there, or unset ${DATA_ENV}")
    raise FileNotFoundError(
        f"Fashion-MNIST was not found and could not be downloaded ({reason}). Provide it in one "
        f"of three ways: (1) put the four .gz files in a folder and set ${DATA_ENV} to it; "
        f"(2) put them in {_data_dir_name()} ({DEFAULT_DATA_DIR}); "
        "(3) on Debian/Ubuntu run `apt-get install dataset-fashion-mnist` "
        f"(installs them in {DEBIAN_DIR}). With network access they are downloaded automatically.")


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
                         f"pixels, not {IMAGE_SHAPE[0]}x{IMAGE_SHAPE[1]}; provide the original "
                         "file again")
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
    """Return (train_X, train_y, test_X, test_y): images (n, 1, 28, 28), float32 in [0, 1],
    and labels, int64.

    The files are read once per process (per search location) and the tensors cached
    (``clear_cache()`` forgets them). Sizes, image shape and labels are checked against
    the published data set. Defined in 2.5 image-classification-dataset.
    """
    key = tuple(_candidate_roots())
    if key not in _CACHE:
        files = find_fashion_mnist()
        arrays = [_read_idx(files[k], 3 if k.endswith("images") else 1)
                  for k in FASHION_MNIST_FILES]
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
