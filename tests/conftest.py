"""Fixtures shared by the unit tests."""
import pytest


@pytest.fixture(autouse=True)
def _agg_backend_and_seed():
    """Unit tests draw off-screen and start from the same random state."""
    import matplotlib
    import matplotlib.pyplot as plt

    import d2lcore

    matplotlib.use("Agg")
    d2lcore.seed_all(0)
    yield
    plt.close("all")
