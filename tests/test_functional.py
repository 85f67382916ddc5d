"""d2lcore.functional against torch's own softmax, log_softmax, cross_entropy and dropout."""
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
def test_cross_entropy_is_finite_and_matches_torch(logits, data):
    logits = torch.from_numpy(logits)
    y = torch.tensor(data.draw(st.lists(st.integers(0, logits.shape[1] - 1),
                                        min_size=len(logits), max_size=len(logits))))
    ours = d2l.cross_entropy(logits, y)
    assert torch.isfinite(ours).all()
    ref = F.cross_entropy(logits, y, reduction="none")
    scale = float(logits.abs().max()) + 1
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-6 * scale)


def test_log_softmax_matches_torch_where_naive_formula_overflows():
    logits = torch.tensor([[1000.0, 0.0, -1000.0]])
    naive = torch.log(torch.exp(logits) / torch.exp(logits).sum())
    assert not torch.isfinite(naive).all()  # why the careful form exists
    torch.testing.assert_close(d2l.log_softmax(logits), torch.log_softmax(logits, dim=1))


def test_cross_entropy_of_probabilities_from_d2l_notebooks():
    # d2l's notebook form -log(y_hat[range(n), y]) on softmax output equals ours on logits.
    logits = torch.randn(5, 4)
    y = torch.tensor([0, 3, 1, 2, 3])
    y_hat = torch.softmax(logits, dim=1)
    torch.testing.assert_close(d2l.cross_entropy(logits, y), -torch.log(y_hat[range(5), y]))


@pytest.mark.parametrize("bad", [torch.zeros(3), torch.zeros(2, 3, 4)])
def test_softmax_rejects_non_matrices(bad):
    with pytest.raises(ValueError, match=r"logits must have shape \(batch, classes\)"):
        d2l.softmax(bad)


def test_cross_entropy_rejects_mismatched_or_out_of_range_labels():
    with pytest.raises(ValueError, match="vector of 2 labels"):
        d2l.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"labels in y must lie in \[0, 2\]"):
        d2l.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3]))


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
