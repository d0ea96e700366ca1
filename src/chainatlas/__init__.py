"""chainatlas: regional industrial-chain analysis — chains, regions, firms, diagnosis, complexity.

The one door is :func:`open_atlas`; see the README for a tour.
"""

from typing import TYPE_CHECKING

from chainatlas.errors import (
    ChainAtlasError,
    DataError,
    ImportRowError,
    StoreLocked,
    UnitError,
    UnknownChain,
    UnknownEnterprise,
    UnknownNode,
    UnknownRegion,
)

if TYPE_CHECKING:
    from chainatlas.atlas import Atlas, open_atlas

__version__ = "0.1.0"


def __getattr__(name: str):
    """Load the facade (pandas, numpy, DuckDB) on first use, so ``chainatlas --help`` starts fast."""
    if name in ("Atlas", "open_atlas"):
        from chainatlas import atlas

        return getattr(atlas, name)
    raise AttributeError(f"module 'chainatlas' has no attribute {name!r}")
__all__ = [
    "Atlas", "ChainAtlasError", "DataError", "ImportRowError", "StoreLocked", "UnitError", "UnknownChain",
    "UnknownEnterprise", "UnknownNode", "UnknownRegion", "open_atlas", "__version__",
]
