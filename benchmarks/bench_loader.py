"""One epoch of Fashion-MNIST training batches: d2lcore's in-memory loader vs the d2l package's pipeline.

d2l 0.17 builds its loader as
    torchvision.datasets.FashionMNIST(root, train=True, transform=transforms.ToTensor(), download=False)
    DataLoader(dataset, batch_size=256, shuffle=True, num_workers=4)
which decodes every image through PIL and ``ToTensor`` in every epoch. d2lcore parses the IDX files
once into a float tensor and slices a random permutation of it. The script alternates the two
(one untimed warm-up epoch each, then ``--repeats`` alternating rounds) and reports medians and the
ratio; also with ``num_workers=0`` and the one-off first-load cost of each.

    python benchmarks/bench_loader.py [--repeats 5] [--workers 4] [--threads N] [--markdown FILE]
"""
import gzip
import shutil
import tempfile
import warnings
from pathlib import Path
from collections.abc import Callable, Iterable

import _common
from _common import alternate, fmt_s, median

import torch
import d2lcore as d2l
from d2lcore import fashion_mnist as d2l_data

BATCH = 256


def torchvision_root(tmp: Path) -> Path:
    """A torchvision-style root: <tmp>/FashionMNIST/raw/ holding the four gunzipped IDX files."""
    raw = tmp / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for src in d2l.find_fashion_mnist(download=False).values():
        name = src.name[:-3] if src.suffix == ".gz" else src.name
        with (gzip.open(src, "rb") if src.suffix == ".gz" else open(src, "rb")) as fin, \
                open(raw / name, "wb") as fout:
            shutil.copyfileobj(fin, fout)
    return tmp


def torchvision_dataset(root: Path) -> "torch.utils.data.Dataset":
    """The d2l package's training set: PIL images converted by ``ToTensor`` item by item."""
    import torchvision
    from torchvision import transforms

    return torchvision.datasets.FashionMNIST(root=str(root), train=True,
                                             transform=transforms.ToTensor(), download=False)


def epoch(loader: Iterable) -> int:
    """Draw every batch once; return the number of examples seen (a check that all were drawn)."""
    n = 0
    for _X, y in loader:
        n += y.shape[0]
    return n


def fancy_index_epoch(X: torch.Tensor, y: torch.Tensor) -> int:
    """d2lcore's loop gathering with ``X[idx]`` instead of ``X.index_select(0, idx)`` (its choice before 3bfa153)."""
    perm, n = torch.randperm(X.shape[0]), 0
    for start in range(0, X.shape[0], BATCH):
        idx = perm[start:start + BATCH]
        Xb, yb = X[idx], y[idx]
        n += min(Xb.shape[0], yb.shape[0])
    return n


def quiet_worker_warning() -> None:
    """d2l uses 4 workers whatever the machine; DataLoader warns about that on fewer cores."""
    warnings.filterwarnings("ignore", message="This DataLoader will create", category=UserWarning)


def d2lcore_first_load() -> None:
    """Parse the IDX files and convert them to tensors, as the first call in a process does."""
    d2l_data.clear_cache()
    d2l.fashion_mnist_tensors()


def main() -> None:
    parser = _common.base_parser(__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed alternating rounds (default 5)")
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers of the d2l pipeline (d2l: 4)")
    args = _common.parse(parser)
    report = _common.Report("Fashion-MNIST loader: one training epoch, batch 256", _common.command_line())
    from torch.utils.data import DataLoader

    quiet_worker_warning()
    with tempfile.TemporaryDirectory() as tmp:
        root = torchvision_root(Path(tmp))
        # one-off cost: d2lcore parses + converts all 70,000 images; torchvision parses the raw files
        first = alternate({"d2lcore": d2lcore_first_load,
                           "torchvision": lambda: torchvision_dataset(root)}, args.repeats, warmup=1)
        dataset = torchvision_dataset(root)
        d2l_train, _ = d2l.load_data_fashion_mnist(BATCH)

        loaders: dict[str, Callable[[], Iterable]] = {
            "d2lcore load_data_fashion_mnist": lambda: d2l_train,
            f"torchvision + DataLoader(num_workers={args.workers})":
                lambda: DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=args.workers),
            "torchvision + DataLoader(num_workers=0)":
                lambda: DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=0),
        }
        for name, make in loaders.items():
            assert epoch(make()) == 60000, name
        variants = {name: (lambda make=make: epoch(make())) for name, make in loaders.items()}
        X, y, _, _ = d2l.fashion_mnist_tensors()
        variants["(d2lcore's loop with X[idx] instead of index_select)"] = lambda: fancy_index_epoch(X, y)
        times = alternate(variants, args.repeats, warmup=1)

    base = median(times["d2lcore load_data_fashion_mnist"])
    rows: list[list[str]] = []
    for name, ts in times.items():
        rows.append([name, fmt_s(median(ts)), f"{min(ts):.3f}", f"{max(ts):.3f}", f"{median(ts) / base:.1f}x"])
    report.table(f"One epoch (60,000 images, {len(d2l_train)} batches), median of {args.repeats} "
                 "alternating runs after one warm-up each",
                 ["pipeline", "median", "min s", "max s", "÷ d2lcore"], rows)
    report.table("First load, once per process (median of the same alternation)",
                 ["step", "median"],
                 [["d2lcore: parse IDX + convert 70,000 images to float tensors", fmt_s(median(first["d2lcore"]))],
                  ["torchvision: FashionMNIST(train=True) dataset construction", fmt_s(median(first["torchvision"]))]])
    report.write_markdown(args.markdown)


if __name__ == "__main__":
    main()
