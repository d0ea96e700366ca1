"""chainatlas: regional industrial-chain analysis — chains, regions, firms, diagnosis, complexity.

The one door is :func:`open_atlas`; see the README for a tour.
"""

from chainatlas.atlas import Atlas, open_atlas
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

__version__ = "0.1.0"
__all__ = [
    "Atlas", "ChainAtlasError", "DataError", "ImportRowError", "StoreLocked", "UnitError", "UnknownChain",
    "UnknownEnterprise", "UnknownNode", "UnknownRegion", "open_atlas", "__version__",
]
