"""The embedded reference atlas: curated data files and their loader (no analysis here)."""

from chainatlas.reference.loader import data_dir, reference_batches, systems

__all__ = ["data_dir", "reference_batches", "systems"]
