"""The sample that ships with the package.

``load_sample()`` returns 3,000 real e-commerce clothing reviews (a seeded random sample of
the *Women's E-Commerce Clothing Reviews* data set, released under CC0 1.0 on Kaggle by
Nick Brooks), with their 1-5 rating mapped as the CSAT score and the department as a
segment.  See ``datasets/data/README.md`` for the credit and how the sample was drawn.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from ..io.readers import load

SAMPLE_FILE = "womens_reviews_sample.csv.gz"


def sample_path() -> str:
    """Path of the bundled sample file (gzip-compressed CSV)."""
    return str(resources.files(__package__).joinpath("data", SAMPLE_FILE))


def load_sample(*, raw: bool = False) -> pd.DataFrame:
    """Load the bundled review sample.

    Parameters
    ----------
    raw : bool
        ``True`` returns the file's own columns; ``False`` (default) maps them like
        ``fm.load(..., text="Review Text", id="review_id", score="Rating",
        score_type="csat", segments=["Department Name"])``.

    Examples
    --------
    >>> df = load_sample()
    >>> len(df), list(df.columns)
    (3000, ['id', 'text', 'score', 'Department Name'])
    """
    frame = pd.read_csv(sample_path(), dtype={"review_id": str})
    if raw:
        return frame
    mapped = load(frame, **SAMPLE_MAPPING)
    mapped.attrs["feedback_mining"]["source"] = f"bundled sample ({SAMPLE_FILE})"
    return mapped


SAMPLE_MAPPING = {
    "text": "Review Text",
    "id": "review_id",
    "score": "Rating",
    "score_type": "csat",
    "segments": ["Department Name"],
}
