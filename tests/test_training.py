"""d2lcore.training: the d2l chapter 3 API, checked against torch and hand computations."""
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

import d2lcore as d2l


def test_linreg_matches_torch():
    X, w, b = torch.randn(5, 3), torch.randn(3, 1), torch.tensor(0.5)
    torch.testing.assert_close(d2l.linreg(X, w, b), X @ w + b)


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
        net = lambda X: d2l.softmax(X @ W + b)  # noqa: E731
        updater = lambda batch_size: d2l.sgd([W, b], 0.1, batch_size)  # noqa: E731
        loss = d2l.cross_entropy  # takes probabilities, as the scratch section teaches
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


# --- reduction='sum': a scalar loss is a sum, not a mean -----------------------------------

def _sum_vs_none(loss_sum, loss_none, kind):
    """Train one epoch twice from the same start; return (metrics, parameters) of each run."""
    X, y = _blobs()
    runs = []
    for loss in (loss_sum, loss_none):
        d2l.seed_all(0)
        net = nn.Linear(2, 3)
        if kind == "scratch":
            updater = lambda batch_size, net=net: d2l.sgd(list(net.parameters()), 0.1, batch_size)  # noqa: E731
        else:
            updater = torch.optim.SGD(net.parameters(), lr=0.1 / (30 if loss is loss_sum else 1))
        metrics = d2l.train_epoch_ch3(net, d2l.load_array((X, y), 30), loss, updater)  # 20 full batches
        runs.append((metrics, [p.detach().clone() for p in net.parameters()]))
    return runs


@pytest.mark.parametrize("kind", ["scratch", "optimizer"])
def test_a_summed_loss_reports_and_steps_like_per_example_losses(kind):
    """The printed loss is per example; the from-scratch updater steps by the mean gradient.

    With an optimizer the summed loss's gradient is batch_size times the mean's, as in plain
    PyTorch (the concise linear-regression exercise): lr / batch_size gives the same steps.
    """
    (m_sum, p_sum), (m_none, p_none) = _sum_vs_none(nn.CrossEntropyLoss(reduction="sum"),
                                                    nn.CrossEntropyLoss(reduction="none"), kind)
    assert m_sum[0] == pytest.approx(m_none[0], rel=1e-5) and m_sum[1] == m_none[1]
    for a, b in zip(p_sum, p_none):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_train_ch3_with_a_summed_loss_passes_its_check(capsys):
    X, y = _blobs()
    net = nn.Linear(2, 3)
    data = d2l.load_array((X, y), 32)
    result = d2l.train_ch3(net, data, d2l.load_array(_blobs(300), 32, is_train=False),
                           nn.CrossEntropyLoss(reduction="sum"), 3,
                           torch.optim.SGD(net.parameters(), lr=0.1 / 32))
    assert result.test_acc > 0.9 and result.train_loss < 0.5


def test_evaluate_loss_of_a_summed_loss_is_the_mean_over_examples():
    X = torch.randn(50, 2)
    y = X.sum(dim=1, keepdim=True)
    net = nn.Linear(2, 1)
    got = d2l.evaluate_loss(net, d2l.load_array((X, y), 16, is_train=False), nn.MSELoss(reduction="sum"))
    with torch.no_grad():
        expected = float(nn.functional.mse_loss(net(X), y))
    assert got == pytest.approx(expected, rel=1e-5)


def test_a_scalar_loss_of_unknown_reduction_is_refused():
    X, y = _blobs(30)
    net = nn.Linear(2, 3)
    mean_ce = lambda y_hat, y: nn.functional.cross_entropy(y_hat, y)  # noqa: E731
    with pytest.raises(ValueError, match=r"loss returned a single number.*reduction='none'"):
        d2l.train_epoch_ch3(net, d2l.load_array((X, y), 10), mean_ce,
                            torch.optim.SGD(net.parameters(), lr=0.1))


# --- divergence and NaN predictions -----------------------------------------------------------

def test_divergence_is_named_even_with_check_false():
    X, y = _blobs()
    net = nn.Linear(2, 3)
    data = d2l.load_array((X, y), 32)
    updater = torch.optim.SGD(net.parameters(), lr=1e38)  # far too large: the loss overflows
    with pytest.raises(d2l.TrainingCheckError,
                       match=r"training diverged \(loss (nan|inf) at epoch 1, batch \d+\).*learning rate"):
        d2l.train_ch3(net, data, data, nn.CrossEntropyLoss(reduction="none"), 3, updater, check=False)


def test_accuracy_never_counts_a_nan_prediction_as_correct():
    y_hat = torch.tensor([[float("nan")] * 3, [0.1, 0.8, 0.1], [float("nan"), 1.0, 0.0]])
    y = torch.tensor([0, 1, 1])
    assert d2l.accuracy(y_hat, y) == 1.0  # only the finite row; argmax of a NaN row would be 0
    assert d2l.accuracy(torch.tensor([float("nan"), 2.0]), torch.tensor([0, 2])) == 1.0


# --- the mistakes learners make get a message naming the fix ------------------------------------

def test_one_hot_labels_are_named():
    X, y = _blobs(30)
    net = nn.Linear(2, 3)
    data = d2l.load_array((X, nn.functional.one_hot(y, 3).float()), 10)
    with pytest.raises(ValueError, match=r"looks like one-hot labels.*y.argmax\(dim=1\)"):
        d2l.train_ch3(net, data, data, nn.CrossEntropyLoss(reduction="none"), 2,
                      torch.optim.SGD(net.parameters(), lr=0.1))


@pytest.mark.parametrize("convert", [lambda t: t.numpy(), lambda t: t.tolist()])
def test_accuracy_of_numpy_arrays_or_lists_says_to_convert(convert):
    y_hat, y = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    with pytest.raises(TypeError, match=r"y_hat must be a torch.Tensor, got (ndarray|list); "
                                        r"convert it with torch.as_tensor"):
        d2l.accuracy(convert(y_hat), y)
    with pytest.raises(TypeError, match="y must be a torch.Tensor"):
        d2l.accuracy(y_hat, convert(y))


def test_a_loss_class_instead_of_an_instance_is_named():
    X, y = _blobs(30)
    net = nn.Linear(2, 3)
    data = d2l.load_array((X, y), 10)
    with pytest.raises(TypeError, match=r"loss is the class CrossEntropyLoss.*CrossEntropyLoss\(reduction='none'\)"):
        d2l.train_ch3(net, data, data, nn.CrossEntropyLoss, 1, torch.optim.SGD(net.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="loss is the class MSELoss"):
        d2l.evaluate_loss(net, data, nn.MSELoss)


def test_sgd_passed_unwrapped_as_updater_says_how_to_wrap_it():
    X, y = _blobs(30)
    data = d2l.load_array((X, y), 10)
    net = nn.Linear(2, 3)
    with pytest.raises(TypeError, match=r"updater=d2l.sgd .*lambda batch_size: d2l.sgd\("):
        d2l.train_ch3(net, data, data, nn.CrossEntropyLoss(reduction="none"), 1, d2l.sgd)
    with pytest.raises(TypeError, match="updater is the class SGD"):
        d2l.train_epoch_ch3(net, data, nn.CrossEntropyLoss(reduction="none"), torch.optim.SGD)


def test_a_generator_as_train_iter_is_named_before_it_runs_dry():
    X, y = _blobs(30)
    net = nn.Linear(2, 3)
    batches = ((X[i:i + 10], y[i:i + 10]) for i in range(0, 30, 10))
    data = d2l.load_array((X, y), 10)
    with pytest.raises(TypeError, match=r"train_iter is an iterator \(generator\), which is used up "
                                        r"after one epoch"):
        d2l.train_ch3(net, batches, data, nn.CrossEntropyLoss(reduction="none"), 2,
                      torch.optim.SGD(net.parameters(), lr=0.1), check=False)
    # a list of batches can be iterated every epoch
    d2l.train_ch3(net, list(data), list(data), nn.CrossEntropyLoss(reduction="none"), 2,
                  torch.optim.SGD(net.parameters(), lr=0.1), check=False)


# --- Timer and Accumulator --------------------------------------------------------------------

def test_timer_records_and_averages():
    timer = d2l.Timer()
    time.sleep(0.001)
    t1 = timer.stop()
    timer.start()
    t2 = timer.stop()
    assert timer.times == [t1, t2] and t1 > 0
    assert timer.sum() == pytest.approx(t1 + t2)
    assert timer.avg() == pytest.approx((t1 + t2) / 2)
    assert timer.cumsum() == pytest.approx([t1, t1 + t2])


def test_timer_avg_without_times_is_a_clear_error():
    timer = d2l.Timer()
    with pytest.raises(ValueError, match="no time recorded"):
        timer.avg()


def test_accumulator_sums_each_slot_and_resets():
    acc = d2l.Accumulator(2)
    acc.add(1, 10)
    acc.add(torch.tensor(2.5), 5)
    assert (acc[0], acc[1]) == (3.5, 15.0)
    acc.reset()
    assert acc.data == [0.0, 0.0]


def test_accumulator_rejects_wrong_arity_and_size():
    acc = d2l.Accumulator(3)
    with pytest.raises(ValueError, match="expects 3 values, got 2"):
        acc.add(1, 2)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        d2l.Accumulator(0)
