"""Data: synthetic regression data and in-memory batching (``TensorLoader``).

A ``TensorLoader`` slices a seeded permutation of tensors held in memory, the way
``fashion_mnist`` serves its 70,000 images, instead of a ``DataLoader`` fetching
examples one by one.
"""
import math
import os
from collections.abc import Callable, Iterator, Sequence

import torch

from . import _checks


def synthetic_data(w: torch.Tensor, b: float,
                   num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate ``y = Xw + b + noise``, X ~ N(0, 1), noise ~ N(0, 0.01²); y has shape (n, 1).

    Defined in 2.2 linear-regression-scratch.
    """
    num_examples = _checks.positive_int("num_examples", num_examples)
    w = torch.as_tensor(w, dtype=torch.float32)
    if w.dim() == 2 and w.shape[1] == 1:  # d2l-zh's weight-decay section passes a (d, 1) column
        w = w.reshape(-1)
    if w.dim() != 1:
        raise ValueError(f"w must be a vector or a (d, 1) column, got shape {tuple(w.shape)}")
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


class TensorLoader:
    """Iterate over minibatches of in-memory tensors, like a ``DataLoader`` of a ``TensorDataset``.

    With ``shuffle=True`` each epoch uses a fresh permutation drawn from torch's global
    generator, so ``seed_all`` makes the order reproducible. Every example appears
    exactly once per epoch; the last batch may be smaller. Batches are copies, as a
    ``DataLoader``'s are: a model that edits its input in place cannot change the data set.
    Returned by ``load_array`` (2.3 linear-regression-concise) and ``load_data_fashion_mnist``.
    """

    def __init__(self, tensors: Sequence[torch.Tensor], batch_size: int, shuffle: bool = False,
                 transform: Callable[[torch.Tensor], torch.Tensor] | None = None) -> None:
        self.transform = transform  # applied to each batch of the first tensor (e.g. resizing)
        self.batch_size = _checks.positive_int("batch_size", batch_size)
        tensors = tuple(torch.as_tensor(t) for t in tensors)
        if not tensors:
            raise ValueError("TensorLoader needs at least one tensor")
        n = tensors[0].shape[0]
        for i, t in enumerate(tensors):
            if t.shape[0] != n:
                raise ValueError(f"all tensors need the same first dimension: tensor 0 has {n}, "
                                 f"tensor {i} has {t.shape[0]}")
        self.tensors = tensors
        self.shuffle = shuffle

    def __len__(self) -> int:
        return math.ceil(self.tensors[0].shape[0] / self.batch_size)

    def __iter__(self) -> Iterator[list[torch.Tensor]]:
        n = self.tensors[0].shape[0]
        order = torch.randperm(n) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            if order is None:
                # a slice would be a view of the stored data (Fashion-MNIST's: cached per process)
                batch = [t[start:start + self.batch_size].clone() for t in self.tensors]
            else:
                idx = order[start:start + self.batch_size]
                # index_select gathers rows twice as fast as t[idx] (benchmarks/bench_loader.py)
                batch = [t.index_select(0, idx) for t in self.tensors]
            if self.transform is not None:
                batch[0] = self.transform(batch[0])
            yield batch


def load_array(data_arrays: Sequence[torch.Tensor], batch_size: int,
               is_train: bool = True) -> TensorLoader:
    """Return an iterator over minibatches of ``data_arrays`` (shuffled when ``is_train``).

    Each batch is a copy: editing it in place leaves ``data_arrays`` unchanged.
    Defined in 2.3 linear-regression-concise.
    """
    return TensorLoader(data_arrays, batch_size, shuffle=is_train)


def get_dataloader_workers() -> int:
    """Number of worker processes d2l's loaders use (4, or fewer on a smaller machine).

    d2lcore's own loaders batch in-memory tensors and need no workers.
    Defined in 2.5 image-classification-dataset.
    """
    return max(1, min(4, os.cpu_count() or 1))
