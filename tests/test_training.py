"""d2lcore.training: the d2l chapter 3 API, checked against torch and hand computations."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

import d2lcore as d2l


def test_linreg_and_squared_loss_match_torch():
    X, w, b = torch.randn(5, 3), torch.randn(3, 1), torch.tensor(0.5)
    torch.testing.assert_close(d2l.linreg(X, w, b), X @ w + b)
    y_hat, y = torch.randn(5, 1), torch.randn(5)
    ours = d2l.squared_loss(y_hat, y)
    assert ours.shape == (5, 1)
    torch.testing.assert_close(ours.mean() * 2, nn.functional.mse_loss(y_hat, y.reshape(5, 1)))


def test_squared_loss_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="y_hat has 4 elements, y has 5"):
        d2l.squared_loss(torch.zeros(4, 1), torch.zeros(5))


def test_sgd_matches_torch_optimizer_on_mean_loss():
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    w1 = torch.randn(3, 1, requires_grad=True)
    w2 = w1.detach().clone().requires_grad_(True)
    d2l.squared_loss(X @ w1, y).sum().backward()
    d2l.sgd([w1], lr=0.1, batch_size=8)
    opt = torch.optim.SGD([w2], lr=0.1)
    d2l.squared_loss(X @ w2, y).mean().backward()
    opt.step()
    torch.testing.assert_close(w1, w2)
    assert torch.equal(w1.grad, torch.zeros_like(w1))  # gradients are reset


def test_sgd_rejects_bad_arguments():
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="batch_size"):
        d2l.sgd([w], 0.1, 0)
    with pytest.raises(ValueError, match="lr must be a positive finite number"):
        d2l.sgd([w], -0.1, 4)
    with pytest.raises(ValueError, match="has no gradient"):
        d2l.sgd([w], 0.1, 4)


def test_accuracy_counts_correct_predictions_like_d2l():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    assert d2l.accuracy(y_hat, y) == 1.0  # d2l returns the count; /len(y) gives the rate
    assert d2l.accuracy(torch.tensor([2, 2]), y) == 1.0


def test_accuracy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="3 rows but y has 2 labels"):
        d2l.accuracy(torch.zeros(3, 4), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="do not match"):
        d2l.accuracy(torch.zeros(3), torch.zeros(2, dtype=torch.long))


def _blobs(n=600):
    """Three well separated Gaussian blobs in 2-D: any reasonable classifier reaches > 0.9."""
    centers = torch.tensor([[4.0, 0.0], [-4.0, 0.0], [0.0, 4.0]])
    y = torch.arange(n) % 3
    X = centers[y] + torch.randn(n, 2)
    return X, y


def test_evaluate_accuracy_restores_training_mode_and_matches_manual_count():
    X, y = _blobs()
    net = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5))
    net.train()
    acc = d2l.evaluate_accuracy(net, d2l.load_array((X, y), 64, is_train=False))
    assert net.training
    net.eval()
    manual = float((net(X).argmax(1) == y).float().mean())
    assert acc == pytest.approx(manual)


def test_evaluate_loss_is_the_mean_over_examples():
    X = torch.randn(50, 2)
    y = X.sum(dim=1, keepdim=True)
    net = nn.Linear(2, 1)
    for loss in (nn.MSELoss(reduction="none"), nn.MSELoss()):
        got = d2l.evaluate_loss(net, d2l.load_array((X, y), 16, is_train=False), loss)
        with torch.no_grad():
            expected = float(nn.functional.mse_loss(net(X), y))
        assert got == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("kind", ["optimizer", "scratch"])
def test_train_ch3_learns_and_returns_metrics(kind, capsys):
    X, y = _blobs()
    train_iter = d2l.load_array((X, y), 32)
    test_iter = d2l.load_array(_blobs(300), 32, is_train=False)
    if kind == "optimizer":
        net = nn.Linear(2, 3)
        updater = torch.optim.SGD(net.parameters(), lr=0.1)
        loss = nn.CrossEntropyLoss(reduction="none")
    else:  # d2l's from-scratch style: a plain function net and an updater(batch_size)
        W = torch.zeros(2, 3, requires_grad=True)
        b = torch.zeros(3, requires_grad=True)
        net = lambda X: X @ W + b  # noqa: E731
        updater = lambda batch_size: d2l.sgd([W, b], 0.1, batch_size)  # noqa: E731
        loss = lambda y_hat, y: d2l.cross_entropy(y_hat, y)  # noqa: E731
    result = d2l.train_ch3(net, train_iter, test_iter, loss, 3, updater)
    assert result.test_acc > 0.9 and result.train_loss < 0.5
    printed = capsys.readouterr().out.strip()
    assert printed == (f"train loss {result.train_loss:.3f}, train acc {result.train_acc:.3f}, "
                       f"test acc {result.test_acc:.3f}")
    assert repr(result).startswith("TrainResult(train_loss=")


def test_train_epoch_accepts_a_mean_loss_and_reports_per_example_average():
    X, y = _blobs()
    net = nn.Linear(2, 3)
    d2l.seed_all(0)
    mean_loss = d2l.train_epoch_ch3(net, d2l.load_array((X, y), 600, is_train=False),
                                    nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.0))
    with torch.no_grad():
        direct = float(nn.functional.cross_entropy(net(X), y))
    assert mean_loss[0] == pytest.approx(direct, rel=1e-5)


def test_train_ch3_check_fails_clearly_when_training_does_not_work():
    X, y = _blobs()
    net = nn.Linear(2, 3)
    updater = torch.optim.SGD(net.parameters(), lr=0.0)  # learns nothing
    with torch.no_grad():
        net.weight.zero_(), net.bias.zero_()
    data = d2l.load_array((X, y), 32)
    with pytest.raises(d2l.TrainingCheckError, match="train loss 1.099 is not below 0.5"):
        d2l.train_ch3(net, data, data, nn.CrossEntropyLoss(reduction="none"), 1, updater)
    result = d2l.train_ch3(net, data, data, nn.CrossEntropyLoss(reduction="none"), 1, updater,
                           check=False)
    assert result.train_loss == pytest.approx(torch.log(torch.tensor(3.0)).item(), rel=1e-5)


def test_train_ch3_rejects_bad_epochs_and_updaters():
    X, y = _blobs(30)
    data = d2l.load_array((X, y), 10)
    net = nn.Linear(2, 3)
    loss = nn.CrossEntropyLoss(reduction="none")
    with pytest.raises(ValueError, match="num_epochs must be a positive integer, got 0"):
        d2l.train_ch3(net, data, data, loss, 0, torch.optim.SGD(net.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="updater must be a torch.optim.Optimizer"):
        d2l.train_epoch_ch3(net, data, loss, "sgd")


def test_predict_ch3_titles_true_and_predicted_labels():
    import matplotlib.pyplot as plt

    X = torch.rand(8, 1, 28, 28)
    y = torch.arange(8)
    net = lambda X: nn.functional.one_hot(torch.full((len(X),), 9), 10).float()  # noqa: E731
    d2l.predict_ch3(net, d2l.load_array((X, y), 8, is_train=False), n=3)
    titles = [ax.get_title() for ax in plt.gcf().axes if ax.get_visible()]
    assert titles == ["t-shirt\nankle boot", "trouser\nankle boot", "pullover\nankle boot"]
    with pytest.raises(ValueError, match="n=9 but a batch holds only 8"):
        d2l.predict_ch3(net, d2l.load_array((X, y), 8, is_train=False), n=9)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    arrays("float32", (n, 5), elements=st.floats(-1e4, 1e4, width=32)),
    arrays("int64", (n,), elements=st.integers(0, 4)))))
def test_accuracy_rate_lies_in_unit_interval_and_counts_argmax_hits(data):
    y_hat, y = (torch.from_numpy(a) for a in data)
    correct = d2l.accuracy(y_hat, y)
    assert 0 <= correct / len(y) <= 1
    assert correct == float((y_hat.argmax(dim=1) == y).sum())
