"""Input-output analysis: national tables, regionalisation, multipliers, linkages, impacts (pure numpy)."""

from chainatlas.analysis.io.leontief import (
    allocation_coefficients,
    ghosh_inverse,
    input_multipliers,
    leontief_inverse,
    output_multipliers,
    ratios,
    technical_coefficients,
    type_one,
)
from chainatlas.analysis.io.linkages import backward_linkages, extraction, forward_linkages, key_sectors
from chainatlas.analysis.io.model import (
    CAVEATS,
    IOAnalysis,
    Solved,
    analyse,
    map_nodes,
    node_table,
    output_impact,
    regional_solution,
)
from chainatlas.analysis.io.regional import (
    DEFAULT_DELTA,
    DEFAULT_METHOD,
    DELTA_BAND,
    METHODS,
    quotients,
    regional_coefficients,
    simple_lq,
    size_lambda,
)
from chainatlas.analysis.io.size import Baseline, RegionShape, pick_baseline, region_shape
from chainatlas.analysis.io.table import IOTable, table_from_frame

__all__ = [
    "CAVEATS", "DEFAULT_DELTA", "DEFAULT_METHOD", "DELTA_BAND", "METHODS", "Baseline", "IOAnalysis", "IOTable",
    "RegionShape", "Solved", "allocation_coefficients", "analyse", "backward_linkages", "extraction",
    "forward_linkages", "ghosh_inverse", "input_multipliers", "key_sectors", "leontief_inverse", "map_nodes", "node_table", "pick_baseline",
    "output_impact", "output_multipliers", "quotients", "ratios", "region_shape", "regional_coefficients",
    "regional_solution", "simple_lq", "size_lambda", "table_from_frame", "technical_coefficients", "type_one",
]
