"""A seeded, scaled-down sample of each kind of numerical work the notebooks do.

Prints one JSON object: for each kind of work, a hash of every float it produced (parameters,
losses, predictions). ``tests/test_portability.py`` runs this script natively and under an
emulated older x86 CPU, with and without the pinned kernel environment, and compares the hashes:
equal hashes mean equal bits. Sizes are small because the emulated CPU is about 50x slower.

    python tests/portability_workload.py [--without-dynamo-import]

``--without-dynamo-import``: torch.optim imports ``torch._dynamo`` (and sympy) the first time an
optimizer is made, only to mark its methods as not for ``torch.compile``. That import computes
nothing, yet under the emulated CPU it costs about 10 CPU-seconds, a third of the run; with this
flag a stand-in takes its place (outside ``torch.compile`` both simply call the method). The
pinned native run keeps the real import and must still give the same bits, which shows that the
stand-in changes no result.
"""
import hashlib
import json
import math
import sys
import types

import numpy as np
import torch
from torch import nn

import d2lcore as d2l

RESULTS: dict[str, str] = {}


def record(name: str, *values) -> None:
    """Hash the exact bytes of tensors, arrays and Python floats under ``name``."""
    digest = hashlib.sha256()
    for value in values:
        if isinstance(value, torch.Tensor):
            value = value.detach().contiguous().numpy()
        digest.update(np.ascontiguousarray(np.asarray(value)).tobytes())
    RESULTS[name] = digest.hexdigest()[:16]


def sgd_steps(net, loss, updater, X, y, batch_size, steps):
    """Minibatch steps the way train_epoch_ch3 takes them; the last loss as a float."""
    for i in range(steps):
        Xb, yb = X[i * batch_size:(i + 1) * batch_size], y[i * batch_size:(i + 1) * batch_size]
        l = loss(net(Xb), yb)
        updater.zero_grad()
        l.mean().backward()
        updater.step()
    return float(l.detach().mean())


def linear_regression() -> None:
    # 2.2: synthetic data (torch.normal), linreg, squared_loss and the scratch sgd
    features, labels = d2l.synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 500)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for i in range(20):
        X, y = features[i * 10:(i + 1) * 10], labels[i * 10:(i + 1) * 10]
        d2l.squared_loss(d2l.linreg(X, w, b), y).sum().backward()
        d2l.sgd([w, b], 0.03, 10)
    record("linear regression (scratch)", features, labels, w, b)
    # 2.3 / 3.5: nn.Linear, MSELoss, torch.optim.SGD with weight decay
    net = nn.Linear(2, 1)
    net.weight.data.normal_(0, 0.01)
    opt = torch.optim.SGD(net.parameters(), lr=0.03, weight_decay=3.0)
    last = sgd_steps(net, nn.MSELoss(), opt, features, labels, 10, 20)
    record("linear regression (concise, weight decay)", *net.parameters(), last)


def softmax_regression(X: torch.Tensor, y: torch.Tensor) -> None:
    # 2.6: softmax and cross-entropy written out, updated by the scratch sgd
    W = torch.normal(0, 0.01, size=(X.shape[1], 10), requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    for i in range(8):
        Xb, yb = X[i * 32:(i + 1) * 32], y[i * 32:(i + 1) * 32]
        y_hat = d2l.softmax(Xb @ W + b)
        (-torch.log(y_hat[range(len(yb)), yb])).sum().backward()
        d2l.sgd([W, b], 0.1, 32)
    record("softmax regression (scratch)", W, b, y_hat)
    # 2.7: nn.Linear + nn.CrossEntropyLoss (LogSumExp inside)
    net = nn.Sequential(nn.Flatten(), nn.Linear(X.shape[1], 10))
    nn.init.normal_(net[1].weight, std=0.01)
    last = sgd_steps(net, nn.CrossEntropyLoss(reduction="none"),
                     torch.optim.SGD(net.parameters(), lr=0.1), X, y, 32, 8)
    record("softmax regression (concise)", *net.parameters(), last)


def mlp_and_dropout(X: torch.Tensor, y: torch.Tensor) -> None:
    # 3.2 / 3.3: ReLU MLP; 3.6: dropout written out and nn.Dropout
    net = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Linear(32, 10))
    last = sgd_steps(net, nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1),
                     X, y, 32, 8)
    record("MLP", *net.parameters(), last)

    W1 = nn.Parameter(torch.randn(X.shape[1], 32) * 0.01)
    W2 = nn.Parameter(torch.randn(32, 10) * 0.01)
    for i in range(8):
        Xb, yb = X[i * 32:(i + 1) * 32], y[i * 32:(i + 1) * 32]
        H = d2l.dropout_layer(torch.relu(Xb @ W1), 0.5)
        nn.functional.cross_entropy(H @ W2, yb).backward()
        d2l.sgd([W1, W2], 0.5, 1)
    record("dropout (scratch)", W1, W2)

    net = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Dropout(0.2),
                        nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
    last = sgd_steps(net, nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.5),
                     X, y, 32, 8)
    net.eval()
    record("dropout (concise, Xavier)", *net.parameters(), last, torch.softmax(net(X[:64]), 1))


def elementwise() -> None:
    # exp / log / softmax / activations on tensors (float32 and float64) and NumPy arrays
    x = torch.randn(5000) * 4
    # sin / cos: an answer of the autograd page plots them and their gradients
    record("torch float32 exp, log, softmax, activations, sin, cos", torch.exp(x), torch.log(x.abs() + 1e-3),
           torch.softmax(x.reshape(50, 100), 1), torch.log_softmax(x.reshape(50, 100), 1),
           torch.sigmoid(x), torch.tanh(x), torch.relu(x), x.sum(), x.std(), torch.sin(x), torch.cos(x))
    xd = x.double()
    record("torch float64 exp, log, tanh", torch.exp(xd), torch.log(xd.abs() + 1e-3), torch.tanh(xd))
    a = np.random.default_rng(0).standard_normal(5000) * 4
    for dtype in (np.float32, np.float64):
        v = a.astype(dtype)
        record(f"numpy {np.dtype(dtype).name} exp, log, tanh, sum, std", np.exp(v),
               np.log(np.abs(v) + 1e-3), np.log1p(np.abs(v)), np.tanh(v), v.sum(), v.std())


def numpy_matmul_and_figure() -> None:
    # OpenBLAS products, and a log-scale figure saved with a tight bounding box: matplotlib places
    # its contents with NumPy matrix products (a figure's size once differed in its 6th decimal)
    a = np.random.default_rng(1).standard_normal((100, 20))
    record("numpy matrix products (OpenBLAS)", a @ a.T, a.T @ a[:, :3], np.dot(a[0], a[1]))
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams["svg.hashsalt"] = "portability"
    fig, ax = plt.subplots(figsize=(3.5, 2.5))
    x = np.arange(1, 101)
    ax.plot(x, 0.5 / np.sqrt(x) + 0.17, x, 0.3 * np.exp(-x / 40) + 0.18)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.legend(["train", "valid"])
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    record("matplotlib SVG, log scale, tight bounding box", np.frombuffer(svg.getvalue(), np.uint8))


def polynomial_and_least_squares() -> None:
    # 3.4: NumPy's legacy normal sampler, powers and factorials, the labels as an elementwise
    # product and sum; least squares in float64 (LAPACK)
    true_w = np.zeros(20)
    true_w[:4] = [5, 1.2, -3.4, 5.6]
    features = np.random.normal(size=(200, 1))
    poly = np.power(features, np.arange(20).reshape(1, -1))
    for i in range(20):
        poly[:, i] /= math.gamma(i + 1)
    labels = (poly * true_w).sum(axis=1) + np.random.normal(scale=0.1, size=200)
    X, yv = torch.tensor(poly[:100, :4]), torch.tensor(labels[:100])
    w = torch.linalg.lstsq(X, yv.reshape(-1, 1)).solution
    record("polynomial features and least squares", poly, labels, w, ((X @ w).reshape(-1) - yv).pow(2).mean())


def ames() -> None:
    # 3.11 (and 3.9's Adam): pandas standardisation and dummies, Adam on the features, log-RMSE
    import pandas as pd

    train_df, test_df = d2l.load_house_prices(test_fraction=0.5, seed=0)
    features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:-1]))
    numeric = features.select_dtypes(include="number").columns
    features[numeric] = features[numeric].apply(lambda c: (c - c.mean()) / c.std()).fillna(0)
    features = pd.get_dummies(features, dummy_na=True, dtype=float)
    record("Ames standardisation (pandas)", features.to_numpy())
    X = torch.tensor(features.to_numpy()[:256], dtype=torch.float32)
    y = torch.tensor(train_df.SalePrice.to_numpy()[:256].reshape(-1, 1), dtype=torch.float32)
    net = nn.Linear(X.shape[1], 1)
    # fused=True as in the notebooks: the unfused Adam takes its square roots from MKL's vector
    # maths, whose results differ between CPUs even under MKL_CBWR (see d2lcore/kernel_env.py)
    opt = torch.optim.Adam(net.parameters(), lr=5, fused=True)
    for i in range(4):
        opt.zero_grad()
        nn.functional.mse_loss(net(X[i * 64:(i + 1) * 64]), y[i * 64:(i + 1) * 64]).backward()
        opt.step()
    with torch.no_grad():
        preds = torch.clamp(net(X), 1, float("inf"))
        # math.sqrt, as the notebook: torch.sqrt (MKL's vector maths) differs between CPUs
        log_rmse = math.sqrt(nn.functional.mse_loss(torch.log(preds), torch.log(y)).item())
    record("Ames Adam and log-RMSE", *net.parameters(), log_rmse)


def without_dynamo_import() -> None:
    """Put a stand-in for ``torch._dynamo`` where torch.optim looks for it (see the docstring)."""
    assert "torch._dynamo" not in sys.modules, "torch._dynamo is already imported"
    stand_in = types.ModuleType("torch._dynamo")
    # torch._disable_dynamo calls disable(fn, recursive, wrapping=False); optimizers call
    # graph_break() around a step. Outside torch.compile both are no-ops.
    stand_in.disable = lambda fn=None, recursive=True, wrapping=True: fn
    stand_in.graph_break = lambda: None
    sys.modules["torch._dynamo"] = stand_in
    torch._dynamo = stand_in


def main() -> None:
    if "--without-dynamo-import" in sys.argv[1:]:
        without_dynamo_import()
    torch.set_num_threads(1)  # what OMP_NUM_THREADS=1 gives a kernel; unpinned runs too
    d2l.seed_all(0)
    # images-like inputs in [0, 1] and 10 classes, as Fashion-MNIST batches are
    X = torch.rand(256, 64)
    y = torch.randint(0, 10, (256,))
    linear_regression()
    softmax_regression(X, y)
    mlp_and_dropout(X, y)
    elementwise()
    numpy_matmul_and_figure()
    polynomial_and_least_squares()
    ames()
    print(json.dumps({"capability": torch.backends.cpu.get_cpu_capability(), "results": RESULTS}))


if __name__ == "__main__":
    main()
