"""Reading feedback tables and writing outputs atomically."""

from .readers import load, load_with_config, read_table
from .writers import atomic_write, neutralise_formulas, safe_cell, write_csv, write_parquet

__all__ = [
    "atomic_write",
    "load",
    "load_with_config",
    "neutralise_formulas",
    "read_table",
    "safe_cell",
    "write_csv",
    "write_parquet",
]
