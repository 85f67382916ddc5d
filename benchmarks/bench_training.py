"""One training epoch of the chapter-3 MLP on Fashion-MNIST: d2lcore, a minimal loop, the d2l package's loop.

Model 784-256-10 (Flatten, Linear, ReLU, Linear), CrossEntropyLoss(reduction='none'), SGD lr 0.1, batch 256:
  (a) d2lcore   ``d2l.train_epoch_ch3`` over ``d2l.load_data_fashion_mnist(256)``'s train_iter;
  (b) minimal   all data preloaded as tensors, slices of a randperm, no metrics (the lower bound);
  (c) d2l 0.17  torchvision dataset + DataLoader(num_workers=4) and d2l's own train_epoch_ch3
                (its per-batch ``float(l.sum())`` and ``accuracy`` metrics), for reference.
The three alternate (one warm-up epoch each, then ``--repeats`` rounds); the script reports medians,
(a)/(b) (target <= 1.3) and (c)/(a). It then measures the machine's fp32 matmul rate and compares
the minimal loop with the time its matrix products alone would take at that rate.

    python benchmarks/bench_training.py [--repeats 5] [--workers 4] [--threads N] [--markdown FILE]
"""
import os
import tempfile
import time
import warnings
from pathlib import Path
from collections.abc import Callable

import _common
from _common import alternate, fmt_s, median

import torch
from torch import nn
import d2lcore as d2l
from bench_loader import quiet_worker_warning, torchvision_dataset, torchvision_root

BATCH, N_TRAIN, D_IN, D_HID, D_OUT = 256, 60000, 784, 256, 10


def make_model() -> tuple[nn.Module, nn.Module, torch.optim.Optimizer]:
    net = nn.Sequential(nn.Flatten(), nn.Linear(D_IN, D_HID), nn.ReLU(), nn.Linear(D_HID, D_OUT))
    loss = nn.CrossEntropyLoss(reduction="none")
    return net, loss, torch.optim.SGD(net.parameters(), lr=0.1)


# --- (c) the d2l package's code (d2l 0.17, torch.py), copied as published ---------------------
class D2LAccumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def d2l_accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def d2l_train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = D2LAccumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), d2l_accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]
# ---------------------------------------------------------------------------------------------


def minimal_epoch(net: nn.Module, loss: nn.Module, opt: torch.optim.Optimizer,
                  X: torch.Tensor, y: torch.Tensor) -> None:
    """The lower bound: a random permutation, slices of it gathered with index_select, no metrics."""
    perm = torch.randperm(X.shape[0])
    for start in range(0, X.shape[0], BATCH):
        idx = perm[start:start + BATCH]
        l = loss(net(X.index_select(0, idx)), y.index_select(0, idx))
        opt.zero_grad()
        l.mean().backward()
        opt.step()


def minimal_epoch_phases(net: nn.Module, loss: nn.Module, opt: torch.optim.Optimizer,
                         X: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    """The minimal loop with a clock between its phases; returns the seconds spent in each."""
    spent = dict.fromkeys(["gather (index_select)", "forward + loss", "backward",
                           "optimizer (zero_grad + step)"], 0.0)
    names = list(spent)
    perm = torch.randperm(X.shape[0])
    for start in range(0, X.shape[0], BATCH):
        t0 = time.perf_counter()
        idx = perm[start:start + BATCH]
        Xb, yb = X.index_select(0, idx), y.index_select(0, idx)
        t1 = time.perf_counter()
        l = loss(net(Xb), yb).mean()
        t2 = time.perf_counter()
        l.backward()
        t3 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        t4 = time.perf_counter()
        for name, dt in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[name] += dt
    return spent


def matmul_run(m: int, k: int, n: int, target_s: float = 0.2) -> tuple[Callable[[], None], float]:
    """A function that repeats ``(m×k) @ (k×n)`` for about ``target_s`` seconds, and its FLOP count."""
    a, b = torch.randn(m, k), torch.randn(k, n)
    torch.matmul(a, b)
    start = time.perf_counter()
    torch.matmul(a, b)
    reps = max(1, int(target_s / max(time.perf_counter() - start, 1e-6)))

    def run() -> None:
        for _ in range(reps):
            torch.matmul(a, b)
    return run, 2.0 * m * k * n * reps


def epoch_matmuls() -> list[tuple[int, int, int]]:
    """The (m, k, n) of the matrix products of one training step (forward and backward)."""
    B = BATCH
    return [(B, D_IN, D_HID), (B, D_HID, D_OUT),      # forward: X W1, H W2
            (D_HID, B, D_OUT), (B, D_OUT, D_HID),     # backward layer 2: dW2 = Hᵀ dO, dH = dO W2ᵀ
            (D_IN, B, D_HID)]                         # backward layer 1: dW1 = Xᵀ dZ (no dX: X needs no grad)


def matmul_only_epoch() -> None:
    """Only the matrix products of one epoch (235 steps), without autograd, loss or optimizer."""
    mats = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in epoch_matmuls()]
    for _ in range(-(-N_TRAIN // BATCH)):
        for a, b in mats:
            torch.matmul(a, b)


def with_threads(n: int, fn: Callable[[], None]) -> Callable[[], None]:
    """``fn`` run with ``n`` torch threads (the previous setting is restored)."""
    def run() -> None:
        old = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            fn()
        finally:
            torch.set_num_threads(old)
    return run


def main() -> None:
    parser = _common.base_parser(__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed alternating rounds (default 5, at least 5)")
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers of the d2l loop (d2l: 4)")
    args = _common.parse(parser)
    report = _common.Report("MLP 784-256-10: one training epoch on Fashion-MNIST, batch 256",
                            _common.command_line())
    from torch.utils.data import DataLoader

    quiet_worker_warning()
    # d2l's float(l.sum()) on a tensor that requires grad warns under torch 2.14; the code stays as published
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad=True to a scalar")
    d2l.seed_all(0)
    train_iter, _ = d2l.load_data_fashion_mnist(BATCH)
    X, y, _, _ = d2l.fashion_mnist_tensors()
    models = {key: make_model() for key in "abc"}
    small, small_flops = matmul_run(BATCH, D_IN, D_HID)
    large, large_flops = matmul_run(2048, 2048, 2048)
    with tempfile.TemporaryDirectory() as tmp:
        dataset = torchvision_dataset(torchvision_root(Path(tmp)))

        def run_a() -> None:
            net, loss, opt = models["a"]
            d2l.train_epoch_ch3(net, train_iter, loss, opt)

        def run_b() -> None:
            minimal_epoch(*models["b"], X, y)

        def run_c() -> None:
            net, loss, opt = models["c"]
            loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=args.workers)
            d2l_train_epoch_ch3(net, loader, loss, opt)

        # everything compared below alternates in one loop: the three epochs, the epoch's matrix
        # products alone, and the two matmul-rate probes
        times = alternate({"a": run_a, "b": run_b, "c": run_c, "m": matmul_only_epoch,
                           "small": small, "large": large}, args.repeats, warmup=1)
        phases = [minimal_epoch_phases(*models["b"], X, y) for _ in range(args.repeats)]
        cores = os.cpu_count() or 1
        thread_times = alternate({f"{n} thread(s)": with_threads(n, matmul_only_epoch)
                                  for n in sorted({1, cores})}, args.repeats, warmup=1)

    med = {k: median(v) for k, v in times.items()}
    tb = med["b"]
    names = {"a": "(a) d2lcore train_epoch_ch3 + load_data_fashion_mnist",
             "b": "(b) minimal loop, preloaded tensors, no metrics",
             "c": f"(c) d2l 0.17 loop + torchvision DataLoader(num_workers={args.workers})",
             "m": "(m) the epoch's matrix products alone, no autograd"}
    report.table(f"One epoch, median of {args.repeats} alternating runs after one warm-up each",
                 ["loop", "median", "min s", "max s", "÷ (b)"],
                 [[names[k], fmt_s(med[k]), f"{min(times[k]):.3f}", f"{max(times[k]):.3f}", f"{med[k] / tb:.2f}"]
                  for k in "abcm"])
    report.table("Ratios of the medians", ["ratio", "value", "target"],
                 [["(a) / (b): d2lcore over the lower bound", f"{med['a'] / tb:.2f}", "<= 1.3"],
                  ["(c) / (a): d2l package over d2lcore", f"{med['c'] / med['a']:.2f}", ""]])

    # how far is the minimal loop from the matmul roof?
    g_small = small_flops / med["small"] / 1e9
    g_large = large_flops / med["large"] / 1e9
    forward = 2 * N_TRAIN * (D_IN * D_HID + D_HID * D_OUT)
    conventional = 3 * forward                                   # backward ≈ 2× forward
    exact = sum(2 * m * k * n for m, k, n in epoch_matmuls()) * N_TRAIN // BATCH  # ≈ 2.01× forward
    report.table(f"fp32 matmul rate (torch.matmul, median of the same {args.repeats} alternating rounds)",
                 ["product", "GFLOP/s"],
                 [[f"{BATCH}x{D_IN} @ {D_IN}x{D_HID} (the epoch's largest)", f"{g_small:.1f}"],
                  ["2048x2048 @ 2048x2048", f"{g_large:.1f}"]])
    rows = []
    for label, flops in (("3 x forward (backward ≈ 2 x forward)", conventional),
                         ("exact matmul FLOPs (no input gradient of layer 1)", exact)):
        for rate_label, rate in ((f"{BATCH}x{D_IN}@{D_IN}x{D_HID} rate", g_small), ("2048² rate", g_large)):
            roof = flops / (rate * 1e9)
            rows.append([label, f"{flops / 1e9:.1f}", rate_label, fmt_s(roof), f"{roof / tb:.0%}"])
    report.table(f"Matmul roof of one epoch vs the minimal loop (b), {tb:.3f} s",
                 ["FLOP count", "GFLOP", "at", "roof time", "roof / (b)"], rows)
    total = median([sum(p.values()) for p in phases])
    report.table(f"Where the minimal loop's time goes (clock between phases; medians of {args.repeats} epochs)",
                 ["phase", "time", "share"],
                 [[name, fmt_s(median([p[name] for p in phases])), f"{median([p[name] for p in phases]) / total:.0%}"]
                  for name in phases[0]])
    one = median(thread_times["1 thread(s)"])
    report.table(f"Threads: (m) with 1 and {cores} torch threads "
                 f"(median of {args.repeats} alternating runs; load average now {os.getloadavg()[0]:.1f})",
                 ["torch threads", "median", "÷ 1 thread"],
                 [[k, fmt_s(median(v)), f"{median(v) / one:.2f}"] for k, v in thread_times.items()])
    report.write_markdown(args.markdown)


if __name__ == "__main__":
    main()
