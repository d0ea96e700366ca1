"""Documents → candidate observations with provenance, plausibility checks and confidence.

Nothing here writes to the store: facts are written to a file a person reviews before
``chainatlas import observations`` takes them (see ``chainatlas extract --out``).
"""

from chainatlas.extract.facts import Fact, extract_facts, is_english
from chainatlas.extract.gazetteer import Gazetteer

__all__ = ["Fact", "Gazetteer", "extract_facts", "is_english"]
