import pytest

from chainatlas.extract.gazetteer import reference_gazetteer


@pytest.fixture(scope="session")
def gaz():
    """The shipped atlas's names, read from its files (no store needed)."""
    return reference_gazetteer()
