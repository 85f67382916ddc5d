"""d2lcore: the shared module of 《动手学深度学习》可执行笔记 (PyTorch).

``import d2lcore as d2l`` gives the functions of the d2l package that chapters 1-4
use, with the same names and signatures, written for current torch, NumPy,
pandas and matplotlib. Importing it loads only torch and matplotlib; pandas
is imported by the function that needs it (torchvision is not needed at all).

Modules by concern: ``data`` (synthetic data, batching), ``fashion_mnist`` (finding,
reading and checking the data set), ``functional``
(softmax, losses, dropout), ``training`` (model, optimiser, metrics, training loops),
``plotting``, ``devices``, ``housing`` (Ames house prices), ``reproducibility``
(seeding, notebook setup) and ``compat`` (d2l's tensor aliases).
"""
from . import compat
from .compat import *  # noqa: F403  (d2l's tensor aliases and d2l.plt; listed in compat.__all__)
from .data import TensorLoader, get_dataloader_workers, load_array, synthetic_data
from .fashion_mnist import (fashion_mnist_tensors, find_fashion_mnist, get_fashion_mnist_labels,
                            load_data_fashion_mnist)
from .devices import num_gpus, try_all_gpus, try_gpu
from .functional import cross_entropy, dropout_layer, log_softmax, softmax, squared_loss
from .housing import load_house_prices
from .plotting import Animator, plot, set_axes, set_figsize, show_images, use_svg_display
from .reproducibility import notebook_setup, seed_all
from .training import (Accumulator, Timer, TrainResult, TrainingCheckError, accuracy,
                       evaluate_accuracy, evaluate_loss, linreg, predict_ch3, sgd, train_ch3,
                       train_epoch_ch3)



def __getattr__(name: str) -> str:
    """``__version__`` (from the installed package's metadata, written once in pyproject.toml);
    for a name d2lcore lacks, an AttributeError saying what to use instead when it is d2l's."""
    if name == "__version__":
        from importlib.metadata import version

        return version("d2lcore")
    raise AttributeError(compat.missing_name(name))


__all__ = [
    # data
    "TensorLoader", "get_dataloader_workers", "load_array", "synthetic_data",
    # fashion_mnist
    "fashion_mnist_tensors", "find_fashion_mnist", "get_fashion_mnist_labels",
    "load_data_fashion_mnist",
    # devices
    "num_gpus", "try_all_gpus", "try_gpu",
    # functional
    "cross_entropy", "dropout_layer", "log_softmax", "softmax", "squared_loss",
    # housing
    "load_house_prices",
    # plotting
    "Animator", "plot", "set_axes", "set_figsize", "show_images", "use_svg_display",
    # reproducibility
    "notebook_setup", "seed_all",
    # training
    "Accumulator", "Timer", "TrainResult", "TrainingCheckError", "accuracy", "evaluate_accuracy",
    "evaluate_loss", "linreg", "predict_ch3", "sgd", "train_ch3", "train_epoch_ch3",
    # compat: d2l's tensor aliases and d2l.plt
    *compat.__all__,
]
