"""Plotting helpers with d2l's names and signatures, plus a training ``Animator``.

Figures are SVG in notebooks, without the date and random ids matplotlib
normally writes, so re-running a notebook reproduces its stored output.
"""
import math
import os
from collections.abc import Sequence
from numbers import Real
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

from . import _checks

ANIMATE_ENV = "D2LCORE_ANIMATE"
SVG_HASH_SALT = "d2lcore"


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _inline_backend() -> bool:
    return "inline" in matplotlib.get_backend().lower()


def use_svg_display() -> None:
    """Show figures as SVG in Jupyter, with no date and stable ids (does nothing outside IPython).

    Defined in 2.1 linear-regression (via ``set_figsize``).
    """
    plt.rcParams["svg.hashsalt"] = SVG_HASH_SALT
    if _in_ipython():
        from matplotlib_inline import backend_inline

        # Both settings in one call: a later call would drop earlier keyword settings.
        backend_inline.set_matplotlib_formats("svg", metadata={"Date": None})


def _check_figsize(figsize: Any) -> tuple[float, float]:
    ok = (isinstance(figsize, (tuple, list)) and len(figsize) == 2
          and all(isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) and v > 0
                  for v in figsize))
    if not ok:
        raise ValueError(f"figsize must be (width, height) in inches, two finite positive numbers, "
                         f"got {figsize!r}")
    return (float(figsize[0]), float(figsize[1]))


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Use SVG display and set the default figure size (in inches).

    Defined in 2.2 linear-regression-scratch.
    """
    figsize = _check_figsize(figsize)
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes: Any, xlabel: str | None, ylabel: str | None, xlim: Sequence[float] | None,
             ylim: Sequence[float] | None, xscale: str, yscale: str,
             legend: Sequence[str] | None) -> None:
    """Set labels, limits, scales and legend of a matplotlib ``axes``, and draw a grid.

    Defined in 2.1 linear-regression (used by ``plot``).
    """
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _as_array(x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def plot(X: Any, Y: Any = None, xlabel: str | None = None, ylabel: str | None = None,
         legend: Sequence[str] | None = None, xlim: Sequence[float] | None = None,
         ylim: Sequence[float] | None = None, xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), figsize: tuple[float, float] = (3.5, 2.5),
         axes: Any = None) -> None:
    """Plot one or several curves (d2l's ``plot``).

    ``X`` and ``Y`` may be lists, arrays or tensors (tensors that need grad are detached);
    with ``Y`` omitted, ``X`` is plotted against its index. Returns None, so a notebook
    cell that ends with ``plot(...)`` shows only the figure. Defined in 2.1 linear-regression.
    """
    if legend is None:
        legend = []

    def has_one_axis(v: Any) -> bool:
        return (hasattr(v, "ndim") and v.ndim == 1) or (
            isinstance(v, list) and (not v or not hasattr(v[0], "__len__")))

    if has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    curves = []  # checked before a figure is created: an error leaves no empty figure
    for i, (x, y) in enumerate(zip(X, Y)):
        if y is None:
            raise ValueError(f"plot: Y[{i}] is None; pass only the curves to draw, e.g. "
                             "plot(x, [y1, y2])")
        y = _as_array(y)
        x = _as_array(x) if len(x) else None
        if x is not None and x.shape[0] != y.shape[0]:
            raise ValueError(f"plot: x has {x.shape[0]} points but y has {y.shape[0]}")
        curves.append((x, y))
    set_figsize(figsize)
    axes = axes if axes is not None else plt.gca()
    axes.cla()
    for (x, y), fmt in zip(curves, fmts * (len(Y) // len(fmts) + 1)):
        if x is not None:
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


def show_images(imgs: Any, num_rows: int, num_cols: int, titles: Sequence[str] | None = None,
                scale: float = 1.5) -> np.ndarray:
    """Show a grid of images (tensors or arrays, (H, W) each); return the matplotlib axes.

    Defined in 2.5 image-classification-dataset.
    """
    num_rows = _checks.positive_int("num_rows", num_rows)
    num_cols = _checks.positive_int("num_cols", num_cols)
    if len(imgs) > num_rows * num_cols:
        raise ValueError(f"show_images: {len(imgs)} images do not fit a {num_rows}x{num_cols} grid")
    if titles is not None and len(titles) < len(imgs):
        raise ValueError(f"show_images: {len(imgs)} images but only {len(titles)} titles")
    arrays = [_as_array(img) for img in imgs]
    for i, a in enumerate(arrays):
        if a.ndim != 2 and not (a.ndim == 3 and a.shape[-1] in (3, 4)):
            batch = f"imgs has shape {tuple(imgs.shape)}, so " if hasattr(imgs, "shape") else ""
            raise ValueError(f"show_images: {batch}image {i} has shape {a.shape}; pass images of "
                             "shape (H, W) (or (H, W, 3) for colour), e.g. X.reshape(n, 28, 28) "
                             "or X.squeeze(1) for a batch of shape (n, 1, 28, 28)")
    use_svg_display()
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, arrays)):
        ax.imshow(img)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    for ax in axes[len(imgs):]:
        ax.set_visible(False)
    return axes


def animation_enabled() -> bool:
    """Whether ``Animator`` redraws during training (set ``D2LCORE_ANIMATE=0`` to turn it off).

    The test command and the command that stores notebook outputs turn it off, so that a
    cell's output is exactly one final figure; readers in JupyterLab see the curves grow.
    """
    return os.environ.get(ANIMATE_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


class Animator:
    """Plot data incrementally while training (d2l's ``Animator``).

    Defined in 2.6 softmax-regression-scratch.

    Each curve needs its own entry in ``fmts`` and, when a legend is given, in ``legend``.

    - In Jupyter the figure is updated in place, and the cell keeps one final figure.
    - In a script or IDE with a GUI backend, a window is redrawn after each ``add``.
    - Headless (Agg backend, or animation turned off) nothing is drawn until the end:
      in Jupyter the final figure appears once when the cell finishes.
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim: Sequence[float] | None = None,
                 ylim: Sequence[float] | None = None, xscale: str = "linear",
                 yscale: str = "linear", fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
                 nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (3.5, 2.5)) -> None:
        nrows = _checks.positive_int("nrows", nrows)
        ncols = _checks.positive_int("ncols", ncols)
        figsize = _check_figsize(figsize)
        legend = [] if legend is None else list(legend)
        if isinstance(fmts, str):
            fmts = (fmts,)
        self.legend = legend
        use_svg_display()
        self.fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
        self.axes: list[Any] = list(axes.flatten())
        self.config_axes = lambda: set_axes(self.axes[0], xlabel, ylabel, xlim, ylim,
                                            xscale, yscale, legend)
        self.X: list[list[float]] | None = None
        self.Y: list[list[float]] | None = None
        self.fmts = fmts
        self._handle = None
        self._live_inline = animation_enabled() and _in_ipython() and _inline_backend()
        if self._live_inline:
            # Shown through the display handle only; otherwise the inline backend would
            # show the same figure a second time when the cell ends.
            plt.close(self.fig)
        self.config_axes()

    def add(self, x: Any, y: Any) -> None:
        """Append a point (or one point per curve, when ``y`` is a sequence) and redraw.

        Numbers, 0-d tensors and NumPy scalars count as one value; ``None`` skips a curve.
        """
        y = _values(y)
        n = len(y)
        x = _values(x) * (n if _is_scalar(x) else 1)
        if len(x) != n:
            raise ValueError(f"Animator.add: {len(x)} x values for {n} y values")
        if self.X is None:
            if n > len(self.fmts):
                raise ValueError(f"Animator.add: {n} curves but only {len(self.fmts)} formats "
                                 "in fmts; "
                                 f"pass fmts with one format per curve, e.g. fmts={['-'] * n}")
            if self.legend and len(self.legend) != n:
                raise ValueError(f"Animator.add: {n} curves but {len(self.legend)} legend entries "
                                 f"({self.legend}); give one name per curve")
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        elif len(self.Y) != n:
            raise ValueError(f"Animator.add: expected {len(self.Y)} y values as before, got {n}")
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(float(a))
                # 5 significant digits is far finer than a figure shows, and it keeps the stored
                # SVG identical when a metric differs in its last bits between machines.
                self.Y[i].append(float(f"{float(b):.5g}"))
        self._redraw_axes()
        self._show()

    def _redraw_axes(self) -> None:
        ax = self.axes[0]
        ax.cla()
        for x, y, fmt in zip(self.X, self.Y, self.fmts):
            ax.plot(x, y, fmt)
        self.config_axes()

    def _show(self) -> None:
        if self._live_inline:
            from IPython import display

            if self._handle is None:
                self._handle = display.display(self.fig, display_id=True)
            else:
                self._handle.update(self.fig)
        elif animation_enabled() and not _inline_backend() and _interactive_backend():
            self.fig.canvas.draw_idle()
            plt.pause(0.001)


def _is_scalar(v: Any) -> bool:
    if isinstance(v, (torch.Tensor, np.ndarray)):
        return v.ndim == 0  # a 0-d tensor has __len__ but len() of it fails
    return not hasattr(v, "__len__") or isinstance(v, str)


def _values(v: Any) -> list:
    """One value per curve: a scalar (number, 0-d tensor or array, None) becomes a list of one."""
    if isinstance(v, (torch.Tensor, np.ndarray)):
        return v.reshape(-1).tolist()
    return [v] if _is_scalar(v) else list(v)


def _interactive_backend() -> bool:
    backend = matplotlib.get_backend().lower()
    return backend not in ("agg", "pdf", "ps", "svg", "cairo", "template", "pgf")
