"""The key phrases of each theme: BERTopic's class-based TF-IDF over the theme's texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .labels import PhraseAnalyzer


def theme_keywords(texts: Sequence[str], labels: np.ndarray, ids: Sequence[int],
                   n_keywords: int) -> dict[int, list[tuple[str, float]]]:
    """Class-based TF-IDF key phrases per theme (BERTopic's c-TF-IDF)."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    if not ids:
        return {}
    joined = [" \n ".join(texts[j] for j in np.flatnonzero(labels == t)) for t in ids]
    vec = CountVectorizer(analyzer=PhraseAnalyzer())
    try:
        counts = vec.fit_transform(joined)
    except ValueError:  # no phrase at all (digits, symbols)
        return {t: [] for t in ids}
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts)
    words = vec.get_feature_names_out()
    out: dict[int, list[tuple[str, float]]] = {}
    for row, t in enumerate(ids):
        scores = ctfidf[row].toarray().ravel()
        order = np.lexsort((words, -scores))[:n_keywords]
        out[t] = [(str(words[k]), float(scores[k])) for k in order if scores[k] > 0]
    return out
