"""d2lcore.functional against torch's own softmax, log_softmax, cross_entropy, squared_loss and dropout."""
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import d2lcore as d2l

# float32 arithmetic on values up to 1e4: compare with a relative tolerance of 1e-5
# and an absolute one scaled to the logits' magnitude (one float32 ulp at 1e4 is ~1e-3).
logit_arrays = st.integers(1, 6).flatmap(lambda n: st.integers(2, 12).flatmap(
    lambda q: arrays("float32", (n, q), elements=st.floats(-1e4, 1e4, width=32))))


@settings(max_examples=200, deadline=None)
@given(logit_arrays)
def test_softmax_is_finite_and_matches_torch(logits):
    logits = torch.from_numpy(logits)
    ours = d2l.softmax(logits)
    assert torch.isfinite(ours).all()
    torch.testing.assert_close(ours, torch.softmax(logits, dim=1), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(ours.sum(dim=1), torch.ones(len(logits)), rtol=0, atol=1e-5)


@settings(max_examples=200, deadline=None)
@given(logit_arrays, st.data())
def test_cross_entropy_of_probabilities_matches_torch(logits, data):
    """d2l.cross_entropy takes probabilities, as the scratch section teaches."""
    logits = torch.from_numpy(logits)
    y = torch.tensor(data.draw(st.lists(st.integers(0, logits.shape[1] - 1),
                                        min_size=len(logits), max_size=len(logits))))
    probs = torch.softmax(logits.double(), dim=1)
    ours = d2l.cross_entropy(probs, y)
    ref = F.nll_loss(torch.log(probs), y, reduction="none")
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=0)
    # where the true class's probability is a normal float64, it equals torch's cross-entropy of
    # the logits; below finfo.tiny (e.g. exp(-739) from logits [0, 739]) it is subnormal, holds
    # fewer significant bits, and its log differs in the 6th digit (hypothesis found that case)
    picked = probs.gather(1, y.reshape(-1, 1)).reshape(-1)
    normal = picked >= torch.finfo(torch.float64).tiny
    torch.testing.assert_close(ours[normal], F.cross_entropy(logits.double(), y, reduction="none")[normal],
                               rtol=1e-6, atol=1e-9)


def test_log_softmax_matches_torch_where_naive_formula_overflows():
    logits = torch.tensor([[1000.0, 0.0, -1000.0]])
    naive = torch.log(torch.exp(logits) / torch.exp(logits).sum())
    assert not torch.isfinite(naive).all()  # why the careful form exists
    torch.testing.assert_close(d2l.log_softmax(logits), torch.log_softmax(logits, dim=1))


def test_cross_entropy_is_the_notebook_formula():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    torch.testing.assert_close(d2l.cross_entropy(y_hat, y), -torch.log(torch.tensor([0.1, 0.5])))


def test_cross_entropy_refuses_logits_and_says_what_to_use():
    logits = torch.tensor([[2.0, -1.0, 0.5]])
    with pytest.raises(ValueError, match=r"cross_entropy takes probabilities.*nn.CrossEntropyLoss"):
        d2l.cross_entropy(logits, torch.tensor([0]))
    with pytest.raises(ValueError, match="takes probabilities"):  # non-negative scores, not normalised
        d2l.cross_entropy(torch.tensor([[2.0, 1.0, 0.5]]), torch.tensor([0]))


def test_cross_entropy_lets_nan_through_so_training_can_name_divergence():
    y_hat = torch.tensor([[float("nan")] * 3, [0.2, 0.3, 0.5]])
    loss = d2l.cross_entropy(y_hat, torch.tensor([0, 2]))
    assert torch.isnan(loss[0]) and float(loss[1]) == pytest.approx(-math.log(0.5))


def test_cross_entropy_names_one_hot_labels():
    with pytest.raises(ValueError, match=r"one-hot labels pass y.argmax\(dim=1\)"):
        d2l.cross_entropy(torch.full((2, 3), 1 / 3), torch.eye(3)[:2])


@pytest.mark.parametrize("bad", [torch.zeros(3), torch.zeros(2, 3, 4)])
def test_softmax_rejects_non_matrices(bad):
    with pytest.raises(ValueError, match=r"logits must have shape \(batch, classes\)"):
        d2l.softmax(bad)


def test_cross_entropy_rejects_mismatched_or_out_of_range_labels():
    with pytest.raises(ValueError, match="vector of 2 labels"):
        d2l.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"y holds label 3, but y_hat has 3 columns \(classes 0..2\)"):
        d2l.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="y holds label -1, but class indices start at 0"):
        d2l.cross_entropy(torch.full((2, 3), 1 / 3), torch.tensor([0, -1]))
    with pytest.raises(TypeError, match=r"cross_entropy: y must be a torch.Tensor, got list"):
        d2l.cross_entropy(torch.full((2, 3), 1 / 3), [0, 1])  # the same error as accuracy's


def test_dropout_extremes_and_expectation():
    X = torch.arange(16, dtype=torch.float32).reshape(2, 8)
    assert torch.equal(d2l.dropout_layer(X, 0), X)
    assert torch.equal(d2l.dropout_layer(X, 1), torch.zeros_like(X))
    out = d2l.dropout_layer(X, 0.5)
    kept = out != 0
    # kept elements are scaled by 1 / (1 - p); dropped ones are zero
    torch.testing.assert_close(out[kept], X[kept] * 2)
    big = torch.ones(200_000)
    # the mean is preserved: std of the mean is sqrt(p/(1-p)/n) ~ 0.0022, so 0.01 is > 4 sigma
    assert abs(float(d2l.dropout_layer(big, 0.5).mean()) - 1) < 0.01


def test_dropout_matches_torch_drop_rate():
    torch.manual_seed(0)
    ours = (d2l.dropout_layer(torch.ones(100_000), 0.2) == 0).float().mean()
    theirs = (F.dropout(torch.ones(100_000), 0.2) == 0).float().mean()
    # both drop ~20%; binomial std is 0.0013, so 0.01 is a safe bound
    assert abs(float(ours) - 0.2) < 0.01 and abs(float(theirs) - 0.2) < 0.01


@pytest.mark.parametrize("p, error", [(-0.1, ValueError), (1.5, ValueError), ("0.5", TypeError)])
def test_dropout_rejects_probabilities_outside_unit_interval(p, error):
    with pytest.raises(error, match="dropout"):
        d2l.dropout_layer(torch.ones(3), p)


def test_squared_loss_matches_torch():
    y_hat, y = torch.randn(5, 1), torch.randn(5)
    ours = d2l.squared_loss(y_hat, y)
    assert ours.shape == (5, 1)
    torch.testing.assert_close(ours.mean() * 2, F.mse_loss(y_hat, y.reshape(5, 1)))


def test_squared_loss_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="y_hat has 4 elements, y has 5"):
        d2l.squared_loss(torch.zeros(4, 1), torch.zeros(5))
