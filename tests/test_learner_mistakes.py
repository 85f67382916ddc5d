"""Issue 18: mistakes learners make when they adapt the chapters' code, each run as written.

Every one of these gave a quietly wrong number or an error far from its cause; d2lcore now
refuses them with a message that names the argument, the value and the fix. Cases 7 and 8
(reading and downloading Fashion-MNIST) are in test_data.py. Small synthetic data keep
these tests fast; the behaviour does not depend on the data set.
"""
import re

import pandas as pd
import pytest
import torch
from torch import nn

import d2lcore as d2l
from d2lcore import training


def regression_data(n=64):
    d2l.seed_all(0)
    features, labels = d2l.synthetic_data(torch.tensor([2, -3.4]), 4.2, n)
    return features, labels


def classification_batches(n=64, classes=3, batch_size=16):
    d2l.seed_all(0)
    X = torch.randn(n, 1, 28, 28)
    y = torch.arange(n) % classes
    return d2l.load_array((X, y), batch_size, is_train=False)


# 1. The loss must return one value per example.
def test_1_a_loss_broadcasting_to_n_by_n_is_refused():
    features, labels = regression_data()
    train_iter = d2l.load_array((features, labels.reshape(-1)), 16)  # labels (N,), outputs (N, 1)
    net = nn.Linear(2, 1)
    loss = lambda y_hat, y: (y_hat - y) ** 2 / 2  # noqa: E731  (the learner's own loss)
    updater = torch.optim.SGD(net.parameters(), lr=0.03)
    with pytest.raises(ValueError, match=r"loss returned shape \(16, 16\) for a batch of 16 examples.*"
                                         r"y_hat has shape \(16, 1\) and y has shape \(16,\).*"
                                         r"y.reshape\(y_hat.shape\)"):
        d2l.train_epoch_ch3(net, train_iter, loss, updater)


def test_1_a_loss_averaged_over_the_batch_is_refused():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    loss = lambda y_hat, y: ((y_hat - nn.functional.one_hot(y, 10)) ** 2).mean(dim=0)  # noqa: E731
    updater = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"loss returned shape \(10,\) for a batch of 16 examples"):
        d2l.train_ch3(net, classification_batches(), classification_batches(), loss, 2, updater)


def test_1_one_value_per_example_in_either_shape_is_accepted():
    features, labels = regression_data()
    net = nn.Linear(2, 1)
    data = d2l.load_array((features, labels), 16)
    for loss in (d2l.squared_loss, nn.MSELoss(reduction="none"), nn.MSELoss()):  # (N, 1), (N, 1), mean
        d2l.train_epoch_ch3(net, data, loss, torch.optim.SGD(net.parameters(), lr=0.03))
        assert d2l.evaluate_loss(net, data, loss) > 0


# 2. Fractional labels are not truncated to a class.
def test_2_cross_entropy_refuses_fractional_labels():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    with pytest.raises(ValueError, match=r"cross_entropy: y holds class indices, but y\[0\] = 0.9 "
                                         r"is not a whole number.*soft labels"):
        d2l.cross_entropy(y_hat, torch.tensor([0.9, 1.7]))
    # whole numbers stored as floats are class indices
    assert torch.allclose(d2l.cross_entropy(y_hat, torch.tensor([0.0, 2.0])),
                          d2l.cross_entropy(y_hat, torch.tensor([0, 2])))


# 3. Evaluation happens in eval mode, and the net keeps the mode it had.
def dropout_net():
    d2l.seed_all(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 10))


def test_3_evaluate_loss_of_a_dropout_net_is_the_same_each_time():
    net = dropout_net()
    data = classification_batches()
    loss = nn.CrossEntropyLoss(reduction="none")
    values = [d2l.evaluate_loss(net, data, loss) for _ in range(3)]
    assert values[0] == values[1] == values[2]
    assert net.training  # restored


def test_3_predict_ch3_right_after_training_predicts_in_eval_mode(monkeypatch):
    net = dropout_net()
    shown = []
    monkeypatch.setattr(training, "show_images", lambda imgs, r, c, titles: shown.append(titles))
    test_iter = classification_batches(n=40, batch_size=20)
    net.train()  # as train_ch3 leaves it
    d2l.predict_ch3(net, test_iter, n=20)
    d2l.predict_ch3(net, test_iter, n=20)
    assert shown[0] == shown[1] and net.training


# 4. sgd with parameters that are not a list.
def test_4_sgd_on_a_reused_parameter_generator_is_refused():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 3))
    params = net.parameters()  # a generator: good for one pass
    updater = lambda batch_size: d2l.sgd(params, 0.1, batch_size)  # noqa: E731
    with pytest.raises(ValueError, match=r"sgd: nothing to update: params is an iterator that is "
                                         r"already used up.*list\(net.parameters\(\)\)"):
        d2l.train_epoch_ch3(net, classification_batches(), nn.CrossEntropyLoss(reduction="none"),
                            updater)
    # a fresh generator at each call, as d2l's code sometimes writes, is fine
    fresh = lambda batch_size: d2l.sgd(net.parameters(), 0.1, batch_size)  # noqa: E731
    d2l.train_epoch_ch3(net, classification_batches(), nn.CrossEntropyLoss(reduction="none"), fresh)


def test_4_sgd_with_nothing_or_one_tensor_is_refused():
    with pytest.raises(ValueError, match=r"sgd: nothing to update: params is empty"):
        d2l.sgd([], 0.1, 10)
    w = torch.zeros(2, 1, requires_grad=True)
    with pytest.raises(TypeError, match=r"params is one tensor of shape \(2, 1\); pass a list"):
        d2l.sgd(w, 0.1, 10)


# 5. Labels the net has no output for.
def test_5_accuracy_refuses_labels_beyond_the_output_columns():
    d2l.seed_all(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 5))  # 5 outputs for 10 classes
    data = classification_batches(classes=10)
    with pytest.raises(ValueError, match=r"evaluate_accuracy|accuracy: y holds label 9, but y_hat has "
                                         r"5 columns \(classes 0..4\).*one output per class"):
        d2l.evaluate_accuracy(net, data)


# 6. d2l-zh's preprocessing line on load_house_prices' frames.
def test_6_kaggle_line_cannot_feed_the_label_into_the_features():
    train_data, test_data = d2l.load_house_prices(test_fraction=0.5, seed=0)
    with pytest.raises(ValueError, match=r"would include SalePrice, the label.*test_data.iloc\[:, 1:-1\]"):
        pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]))
    features = pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:-1]))
    assert "SalePrice" not in features.columns and features.shape == (2930, 79)
    # everything else a learner does with the frame behaves as a DataFrame
    assert test_data.shape == (1465, 81) and test_data.SalePrice.notna().all()
    assert "SalePrice" in repr(test_data) and "SalePrice" in test_data._repr_html_()
    assert test_data.iloc[0:4, [0, -1]].shape == (4, 2) and test_data.iloc(axis=1)[0].shape == (1465,)


# 9. Errors that name the real cause.
def test_9_a_non_leaf_parameter_is_named():
    w = torch.normal(0, 0.01, (2, 1), requires_grad=True) * 0.01  # non-leaf
    b = torch.zeros(1, requires_grad=True)
    features, labels = regression_data()
    d2l.squared_loss(d2l.linreg(features, w, b), labels).sum().backward()
    with pytest.raises(ValueError, match=r"parameter 0 \(shape \(2, 1\)\) is not a leaf tensor.*"
                                         r"requires_grad_\(\)"):
        d2l.sgd([w, b], 0.03, 10)


def test_9_gradients_never_reset_are_named():
    features, labels = regression_data()
    w = torch.normal(0, 0.01, (2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def updater(batch_size):  # the learner's SGD, without zeroing the gradients
        with torch.no_grad():
            for param in (w, b):
                param -= 0.03 * param.grad / batch_size

    net = lambda X: d2l.linreg(X, w, b)  # noqa: E731
    with pytest.raises(ValueError, match=r"gradients are not zero: the updater does not reset them"):
        d2l.train_epoch_ch3(net, d2l.load_array((features, labels), 10), d2l.squared_loss, updater)


def test_9_parameters_without_requires_grad_are_named():
    features, labels = regression_data()
    w, b = torch.normal(0, 0.01, (2, 1)), torch.zeros(1)  # requires_grad forgotten
    net = lambda X: d2l.linreg(X, w, b)  # noqa: E731
    updater = lambda batch_size: d2l.sgd([w, b], 0.03, batch_size)  # noqa: E731
    with pytest.raises(ValueError, match=r"the loss does not depend on any tensor that requires a "
                                         r"gradient.*requires_grad=True"):
        d2l.train_epoch_ch3(net, d2l.load_array((features, labels), 10), d2l.squared_loss, updater)
    frozen = nn.Linear(2, 1).requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to train"):
        d2l.train_epoch_ch3(frozen, d2l.load_array((features, labels), 10), nn.MSELoss(),
                            torch.optim.SGD(frozen.parameters(), lr=0.1))
    with pytest.raises(ValueError, match=r"parameter 0 \(shape \(2, 1\)\) does not require a gradient"):
        d2l.sgd([w, b], 0.03, 10)


def test_9_divergence_mentions_unreset_gradients():
    features, labels = regression_data()
    net = nn.Linear(2, 1)
    with pytest.raises(d2l.TrainingCheckError, match="learning rate.*never resets the gradients"):
        d2l.train_epoch_ch3(net, d2l.load_array((features, labels * 1e30), 16), d2l.squared_loss,
                            torch.optim.SGD(net.parameters(), lr=10.0))


# 10. Errors far from their cause.
def test_10_evaluate_loss_of_a_classifier_with_cross_entropy():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    data = classification_batches()
    loss = nn.CrossEntropyLoss(reduction="none")
    with torch.no_grad():
        expected = sum(float(loss(net(X), y).sum()) for X, y in data) / 64
    assert d2l.evaluate_loss(net, data, loss) == pytest.approx(expected)


def test_10_plot_with_a_none_curve_is_named():
    x = torch.arange(5.0)
    with pytest.raises(ValueError, match=r"plot: Y\[1\] is None; pass only the curves to draw"):
        d2l.plot(x, [x ** 2, None])


def test_10_show_images_of_a_channel_batch_says_how_to_reshape():
    X = torch.zeros(4, 1, 28, 28)
    with pytest.raises(ValueError, match=r"imgs has shape \(4, 1, 28, 28\), so image 0 has shape "
                                         r"\(1, 28, 28\).*X.reshape\(n, 28, 28\)"):
        d2l.show_images(X, 1, 4)


def test_10_text_labels_of_logits_ask_for_argmax():
    logits = torch.randn(6, 10)
    with pytest.raises(ValueError, match=r"labels has shape \(6, 10\), which looks like the net's "
                                         r"outputs.*net\(X\).argmax\(dim=1\)"):
        d2l.get_fashion_mnist_labels(logits)
    with pytest.raises(ValueError, match=r"labels\[0\] is 2.5, not a class index"):
        d2l.get_fashion_mnist_labels(torch.tensor([2.5]))


# 11. d2l names that d2lcore lacks.
@pytest.mark.parametrize("name, hint", [
    ("DATA_HUB", "load_house_prices"), ("download", "load_data_fashion_mnist"),
    ("arange", "call torch.arange directly"), ("train_ch6", "chapter 6 (convolutional networks)"),
    ("evaluate_accuracy_gpu", "chapter 6"), ("Vocab", "chapter 8"), ("reduce_mean", "x.mean"),
])
def test_11_d2l_names_from_elsewhere_say_what_to_use(name, hint):
    with pytest.raises(AttributeError, match=f"no attribute '{name}'.*{re.escape(hint)}"):
        getattr(d2l, name)
    assert not hasattr(d2l, name)


def test_11_unknown_names_are_plain_attribute_errors():
    with pytest.raises(AttributeError, match=r"^module 'd2lcore' has no attribute 'no_such_name'$"):
        d2l.no_such_name  # noqa: B018
