"""d2lcore.plotting: d2l's plot helpers, deterministic SVG, and the Animator in each environment."""
import io
import os
import queue

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import d2lcore as d2l
from d2lcore import plotting


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _draw_something():
    x = np.linspace(0, 1, 20)
    d2l.plot(x, [x, x ** 2], "x", "f(x)", legend=["x", "x^2"])
    return plt.gcf()


def test_svg_output_is_identical_across_draws():
    d2l.use_svg_display()
    first = _svg(_draw_something())
    plt.close("all")
    second = _svg(_draw_something())
    assert first == second
    assert "<dc:date>" not in first


def test_plot_returns_none_and_draws_each_curve_with_labels():
    x = torch.arange(0.0, 3.0, 0.5, requires_grad=True)  # tensors needing grad are accepted
    assert d2l.plot(x, [x * 2, x * 3], xlabel="x", ylabel="y", legend=["2x", "3x"]) is None
    ax = plt.gca()
    assert len(ax.get_lines()) == 2
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2x", "3x"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), np.arange(0, 3, 0.5) * 3)


def test_plot_of_y_only_uses_the_index():
    d2l.plot([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(plt.gca().get_lines()[0].get_xdata(), [0, 1, 2])


def test_plot_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 3 points but y has 4"):
        d2l.plot([1, 2, 3], [1, 2, 3, 4])


def test_set_figsize_sets_default_and_rejects_bad_sizes():
    d2l.set_figsize((4, 3))
    assert tuple(plt.rcParams["figure.figsize"]) == (4, 3)
    with pytest.raises(ValueError, match="figsize"):
        d2l.set_figsize((0, 3))


def test_show_images_grid_and_titles():
    axes = d2l.show_images(torch.rand(5, 28, 28), 2, 3, titles=list("abcde"))
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:5]] == list("abcde")
    assert not axes[5].get_visible()  # the spare cell of the grid is hidden
    with pytest.raises(ValueError, match="7 images do not fit a 2x3 grid"):
        d2l.show_images(torch.rand(7, 28, 28), 2, 3)
    with pytest.raises(ValueError, match="num_rows must be a positive integer"):
        d2l.show_images(torch.rand(1, 28, 28), 0, 3)


def test_animator_headless_draws_all_points_without_output(capsys, monkeypatch):
    monkeypatch.setenv("D2LCORE_ANIMATE", "1")  # even when animation is on, Agg shows nothing
    animator = d2l.Animator(xlabel="epoch", legend=["a", "b"], xlim=[1, 3])
    for epoch in range(1, 4):
        animator.add(epoch, (epoch * 0.1, None if epoch == 2 else epoch * 0.2))
    lines = animator.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), [0.1, 0.2, 0.3])
    np.testing.assert_allclose(lines[1].get_xdata(), [1, 3])  # None values are skipped
    assert capsys.readouterr() == ("", "")


def test_animator_redraws_a_gui_window_each_add(monkeypatch):
    pauses = []
    monkeypatch.setenv("D2LCORE_ANIMATE", "1")
    monkeypatch.setattr(plotting, "_interactive_backend", lambda: True)
    monkeypatch.setattr(plotting.plt, "pause", pauses.append)
    animator = d2l.Animator()
    for i in range(4):
        animator.add(i, i)
    assert len(pauses) == 4


def test_animator_rejects_changing_number_of_curves():
    animator = d2l.Animator()
    animator.add(1, (1, 2))
    with pytest.raises(ValueError, match="expected 2 y values as before, got 3"):
        animator.add(2, (1, 2, 3))


KERNEL_CODE = """
import os
os.environ['D2LCORE_ANIMATE'] = {animate!r}
import d2lcore as d2l
d2l.use_svg_display()
animator = d2l.Animator(xlim=[1, 5])
for i in range(1, 6):
    animator.add(i, i * 0.1)
"""


@pytest.fixture(scope="module")
def kernel():
    """One IPython kernel for this module's Jupyter tests (each start imports torch anew)."""
    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def _run_in_kernel(kc, animate: str):
    """Run KERNEL_CODE in the kernel with D2LCORE_ANIMATE=animate; return the iopub message types.

    ``animation_enabled`` reads the variable when an Animator is created, so setting it in the
    kernel is the same as starting the kernel with it.
    """
    msg_id = kc.execute(KERNEL_CODE.format(animate=animate))
    kinds = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=60)
        except queue.Empty:
            raise AssertionError("kernel did not finish") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            return kinds
        if kind in ("display_data", "update_display_data", "error", "stream"):
            assert "image/svg+xml" in msg["content"].get("data", {"image/svg+xml": 1}), msg
            kinds.append(kind)


def test_animator_in_jupyter_updates_one_figure_in_place(kernel):
    assert _run_in_kernel(kernel, "1") == ["display_data"] + ["update_display_data"] * 4


def test_animator_in_jupyter_without_animation_shows_one_final_figure(kernel):
    assert _run_in_kernel(kernel, "0") == ["display_data"]


@pytest.mark.parametrize("figsize", [(float("nan"), 2), (3, float("inf")), (3,), "3x2", (True, 2)])
def test_set_figsize_rejects_sizes_that_would_fail_later(figsize):
    with pytest.raises(ValueError, match="figsize must be .width, height. in inches"):
        d2l.set_figsize(figsize)


def test_animator_with_more_curves_than_formats_is_an_error_not_a_dropped_curve():
    animator = d2l.Animator()  # four default formats
    with pytest.raises(ValueError, match=r"5 curves but only 4 formats in fmts"):
        animator.add(1, (1, 2, 3, 4, 5))
    animator = d2l.Animator(fmts=["-"] * 5)
    animator.add(1, (1, 2, 3, 4, 5))
    assert len(animator.axes[0].get_lines()) == 5


def test_animator_with_a_legend_per_curve_only():
    animator = d2l.Animator(legend=["train", "test"])
    with pytest.raises(ValueError, match=r"3 curves but 2 legend entries"):
        animator.add(1, (0.1, 0.2, 0.3))


def test_animator_accepts_zero_dim_tensors_as_single_values():
    animator = d2l.Animator()
    animator.add(torch.tensor(1), torch.tensor(0.5))
    animator.add(2, (torch.tensor(0.25),))
    np.testing.assert_allclose(animator.axes[0].get_lines()[0].get_ydata(), [0.5, 0.25])
    np.testing.assert_allclose(animator.axes[0].get_lines()[0].get_xdata(), [1, 2])
