"""Domain entities and the field specifications every importer validates against.

Why specs as data: one table of fields (name, type, required, allowed values, reference) drives the
DuckDB schema, the row-level import validation, the export column order and the docs, so they cannot
drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    """Where a node sits along a chain."""

    UPSTREAM = "upstream"
    MIDSTREAM = "midstream"
    DOWNSTREAM = "downstream"


STAGE_ORDER = {Stage.UPSTREAM: 0, Stage.MIDSTREAM: 1, Stage.DOWNSTREAM: 2}
REGION_LEVELS = ("country", "province", "prefecture", "county")
LEVELS = REGION_LEVELS[1:]  # the levels a region is diagnosed, ranked and compared at (the nation is the reference)
SUBJECT_KINDS = ("region", "enterprise", "node")
COMPARATORS = ("=", ">=", ">", "<=", "<", "~")
YEAR_RANGE = (1949, 2100)  # years a figure may be of: imports, the CLI's --year and the web's ?year= agree
SOURCE_KINDS = (
    "statistics", "government", "company-report", "exchange-filing", "industry-association",
    "news", "research", "standard", "dataset", "user", "derived",
)


@dataclass(frozen=True)
class Field:
    """One column of an entity: how it is typed, checked and stored."""

    name: str
    type: str = "str"  # str | int | float | bool
    required: bool = False
    choices: tuple[str, ...] | None = None
    references: str | None = None  # entity kind whose key this column must name
    help: str = ""

    @property
    def sql_type(self) -> str:
        return {"str": "VARCHAR", "int": "INTEGER", "float": "DOUBLE", "bool": "BOOLEAN"}[self.type]


@dataclass(frozen=True)
class EntitySpec:
    """An importable kind of record: its table, key and fields."""

    kind: str
    table: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    help: str = ""

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


SPECS: dict[str, EntitySpec] = {}


def _spec(kind: str, table: str, key: tuple[str, ...], help: str, *fields: Field) -> EntitySpec:
    spec = EntitySpec(kind, table, key, fields, help)
    SPECS[kind] = spec
    return spec


_spec(
    "sources", "sources", ("id",), "Where numbers come from.",
    Field("id", required=True),
    Field("title", required=True),
    Field("publisher", required=True),
    Field("date"),
    Field("kind", choices=SOURCE_KINDS),
    Field("url"),
    Field("note"),
    Field(
        "verified", "bool",
        help="false: the figures citing it were not checked against the original (shown as unverified); "
             "true: checked; empty: cited as found, not re-checked",
    ),
)
_spec(
    "regions", "regions", ("code",), "Administrative divisions (6-digit codes).",
    Field("code", required=True, help="6-digit administrative division code"),
    Field("name_zh", required=True),
    Field("name_en", required=True),
    Field("short_zh"),
    Field("level", required=True, choices=REGION_LEVELS),
    Field("parent", references="regions"),
    Field("lon", "float"),
    Field("lat", "float"),
)
_spec(
    "chains", "chains", ("id",), "Named sets of nodes.",
    Field("id", required=True),
    Field("name_zh", required=True),
    Field("name_en", required=True),
    Field("aliases", help="'|'-separated other names"),
    Field("description_zh"),
    Field("description_en"),
    Field("main_paths", help="';'-separated paths, each '>'-separated node ids"),
)
_spec(
    "nodes", "nodes", ("id",), "Products, materials and activities of chains.",
    Field("id", required=True),
    Field("name_zh", required=True),
    Field("name_en", required=True),
    Field("stage", required=True, choices=tuple(s.value for s in Stage)),
    Field("primary", "bool", help="a primary (bulk) midstream product, e.g. electrolytic aluminium"),
    Field("unit", required=True, help="unit its quantities are counted in"),
    Field("gb4754"),
    Field("hs"),
    Field("unit_value", "float"),
    Field("unit_value_unit"),
    Field("unit_value_year", "int"),
    Field("unit_value_source", references="sources"),
    Field("aliases", help="'|'-separated other names"),
    Field("description_zh"),
    Field("description_en"),
)
_spec(
    "chain_nodes", "chain_nodes", ("chain_id", "node_id"), "Which nodes belong to which chains.",
    Field("chain_id", required=True, references="chains"),
    Field("node_id", required=True, references="nodes"),
    Field(
        "external_input", "bool",
        help="true when the node enters this chain from another (primary aluminium in IC materials): "
             "it belongs to the chain but does not rank a region within it",
    ),
)
_spec(
    "links", "links", ("source_node", "target_node"), "Input node → output node.",
    Field("source_node", required=True, references="nodes", help="the input"),
    Field("target_node", required=True, references="nodes", help="the output"),
    Field("coefficient", "float", help="units of input per unit of output"),
    Field("coefficient_unit"),
    Field("source_id", references="sources"),
)
_spec(
    "plausibility", "plausibility", ("node_id", "indicator"), "Plausible ranges per node and indicator.",
    Field("node_id", required=True, references="nodes"),
    Field("indicator", required=True),
    Field("min", "float"),
    Field("max", "float"),
    Field("unit", required=True),
)
_spec(
    "enterprises", "enterprises", ("id",), "Firms and plants.",
    Field("id", required=True, help="stable id: a slug, or the unified social credit code"),
    Field("name_zh", required=True),
    Field("name_en", required=True),
    Field("region", required=True, references="regions"),
    Field("listed", "bool"),
    Field("exchange"),
    Field("stock_code"),
    Field("high_tech", "bool"),
    Field("above_size", "bool"),
    Field("uscc", help="unified social credit code"),
    Field("source_id", references="sources"),
    Field("note"),
    Field(
        "group_id",
        help="id of the group record (an enterprise row of the head office) this plant belongs to; empty when independent",
    ),
)
_spec(
    "production", "production", ("enterprise_id", "node_id", "year"),
    "Which firm makes which node, with capacity/output/revenue where public.",
    Field("enterprise_id", required=True, references="enterprises"),
    Field("node_id", required=True, references="nodes"),
    Field("year", "int", required=True),
    Field("capacity", "float"),
    Field("output", "float"),
    Field("quantity_unit", help="unit of capacity and output; converted to the node's unit on import"),
    Field("revenue", "float"),
    Field("revenue_unit", help="currency unit of revenue; converted to yuan on import"),
    Field("source_id", required=True, references="sources"),
    Field("note"),
)
_spec(
    "indicators", "indicators", ("id",), "Definitions of observation indicators.",
    Field("id", required=True),
    Field("name_zh", required=True),
    Field("name_en", required=True),
    Field("unit"),
    Field("direction", choices=("higher", "lower")),
    Field("min", "float"),
    Field("max", "float"),
    Field("description"),
)
_spec(
    "observations", "observations", ("subject_kind", "subject_id", "node_id", "indicator", "year"),
    "Indicators of regions, firms and nodes.",
    Field("subject_kind", required=True, choices=SUBJECT_KINDS),
    Field("subject_id", required=True),
    Field("node_id", references="nodes", help="the node a region's figure is about, if any"),
    Field("indicator", required=True, references="indicators"),
    Field("year", "int", required=True),
    Field("value", "float", required=True),
    Field("unit", required=True),
    Field("source_id", required=True, references="sources"),
    Field("note"),
    Field(
        "comparator", choices=COMPARATORS,
        help="how value bounds the true figure: '>=' for 'more than half' (以上), '~' for 约/近; empty means '='",
    ),
)

_spec(
    "corrections", "corrections", ("target_kind", "target_key", "field", "date", "author"),
    "A user's correction of one field of a shipped or imported record; re-applied after every reload. "
    "Apply with `chainatlas correct`, which requires every field but value and source_id (an export of "
    "an empty corrections table has no columns, so the spec itself requires none).",
    Field("target_kind", help="the kind of the corrected record (enterprises, production…)"),
    Field("target_key", help="the record's key, its key fields joined by '|' (xinfa-group|aluminium.primary|2023)"),
    Field("field", help="the non-key field corrected"),
    Field("value", help="the corrected value as written in a file of that kind; empty clears the field"),
    Field("author"),
    Field("date", help="ISO date of the correction (YYYY-MM-DD)"),
    Field("reason"),
    Field("source_id", references="sources", help="a published source backing the correction, if any"),
)
_spec(
    "plan_targets", "plan_targets", ("region", "park", "indicator", "node_id", "target_year"),
    "Plan targets of a region or a park (规划目标): what a plan promises by when, and where it says so.",
    Field("region", required=True, references="regions", help="the region whose plan sets the target"),
    Field("park", help="the park (园区) the target is for, if narrower than the region"),
    Field("indicator", required=True, references="indicators", help="the indicator the actual figure is read from"),
    Field("node_id", references="nodes", help="the node the target is about, if any"),
    Field("target", "float", required=True),
    Field("unit", required=True),
    Field("comparator", choices=COMPARATORS, help="'>=' for 以上/不低于, '<=' for 以内/不高于; empty means '>='"),
    Field("target_year", "int", required=True),
    Field("base_year", "int", help="the year the plan starts from"),
    Field("source_id", required=True, references="sources"),
    Field("note"),
)

ASSIGNMENT_ROLES = ("producer", "trader", "service", "other")
REVIEW_DECISIONS = ("accept", "reject")

_spec(
    "registry_firms", "registry_firms", ("id",),
    "Firms of a registry export (企查查 / 天眼查 / credit system lists), imported with `import registry`.",
    Field("id", required=True, help="the unified social credit code, or 'name:<name>' when the row has none"),
    Field("name_zh", required=True),
    Field("credit_code", help="unified social credit code (统一社会信用代码)"),
    Field("region", required=True, references="regions", help="current code resolved from the address"),
    Field("region_from", help="address | credit-code | credit-code-prefecture"),
    Field("address"),
    Field("industry", help="registered industry (国标行业) as exported"),
    Field("status", help="registration status (登记状态) as exported"),
    Field("active", "bool", help="status says the firm operates (存续/在业/开业)"),
    Field("founded"),
    Field("capital"),
    Field("source_id", required=True, references="sources"),
    Field("row", "int", help="the data row of the export, from 1"),
)
_spec(
    "assignments", "assignments", ("firm_id", "node_id"),
    "Registry firm × chain node assignments made by the classifier (企业挂链).",
    Field("firm_id", required=True, references="registry_firms"),
    Field("node_id", required=True, references="nodes"),
    Field("role", required=True, choices=ASSIGNMENT_ROLES),
    Field("score", "float", required=True, help="0-1; producers at or above the declared minimum are counted"),
    Field("evidence", help="matched terms, where they were found, industry code, negations"),
    Field("source_id", required=True, references="sources"),
)
_spec(
    "assignment_reviews", "assignment_reviews", ("firm_id", "node_id"),
    "A user's accept/reject of an assignment; kept apart so re-importing the registry never loses it.",
    Field("firm_id", required=True, references="registry_firms"),
    Field("node_id", required=True, references="nodes"),
    Field("decision", required=True, choices=REVIEW_DECISIONS),
    Field("note"),
    Field("date"),
)
# Registry kinds are written by `import registry` (chainatlas.store.registry), not with the reference
# tables: they can hold millions of rows, which the facade never reads whole.
REGISTRY_KINDS = ("registry_firms", "assignments", "assignment_reviews")

# Order in which kinds must be loaded so references resolve (plausibility rules name indicators).
LOAD_ORDER = [
    "sources", "regions", "chains", "nodes", "chain_nodes", "links", "indicators", "plausibility",
    "enterprises", "production", "observations", "plan_targets", "corrections",
]


def resolve_kind(name: str) -> EntitySpec:
    """Find an entity spec by kind, accepting singular forms (``region`` → ``regions``)."""
    key = name.strip().lower().replace("-", "_")
    for candidate in (key, key + "s", key.removesuffix("s")):
        if candidate in SPECS:
            return SPECS[candidate]
    aliases = {"firms": "enterprises", "firm": "enterprises", "enterprise": "enterprises"}
    if key in aliases:
        return SPECS[aliases[key]]
    from chainatlas.errors import DataError

    raise DataError(f"unknown entity kind {name!r}; one of {', '.join(SPECS)}")


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None = None
    short_zh: str | None = None
    lon: float | None = None
    lat: float | None = None

    @property
    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.code})"


@dataclass(frozen=True)
class Node:
    id: str
    name_zh: str
    name_en: str
    stage: str
    unit: str
    primary: bool = False
    gb4754: str | None = None
    hs: str | None = None
    unit_value: float | None = None
    unit_value_unit: str | None = None
    unit_value_year: int | None = None
    unit_value_source: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.id})"


@dataclass(frozen=True)
class Chain:
    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    main_paths: tuple[tuple[str, ...], ...] = ()
    nodes: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.id})"


@dataclass(frozen=True)
class Enterprise:
    id: str
    name_zh: str
    name_en: str
    region: str
    listed: bool | None = None
    exchange: str | None = None
    stock_code: str | None = None
    high_tech: bool | None = None
    above_size: bool | None = None

    @property
    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.id})"
