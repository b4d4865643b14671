"""The key phrases of each theme: BERTopic's class-based TF-IDF over the theme's texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .labels import PhraseAnalyzer


class PhraseCounts:
    """The 1-3 word phrases of each text (:class:`PhraseAnalyzer`), counted once: a sparse
    texts x phrases matrix that every grouping of the same texts sums by group, so a run
    that describes its mentions by theme, by parent theme, as friction and as praise reads
    each text once.  A phrase never spans two texts.

    >>> counts = PhraseCounts(["refund never arrived", "my refund", "love it"])
    >>> counts.matrix.shape[0], "refund never arrived" in set(counts.words)
    (3, True)
    """

    def __init__(self, texts: Sequence[str]):
        from sklearn.feature_extraction.text import CountVectorizer

        # int32 counts: a million verbatims make tens of millions of entries
        vec = CountVectorizer(analyzer=PhraseAnalyzer(), dtype=np.int32)
        self.n = len(texts)
        try:
            self.matrix = vec.fit_transform(texts).tocsr()
            self.words = vec.get_feature_names_out()
        except ValueError:  # no phrase at all (digits, symbols)
            self.matrix, self.words = None, np.array([], dtype=object)

    @classmethod
    def stack(cls, parts: Sequence[PhraseCounts]) -> PhraseCounts:
        """The counts of each part's texts, one part after the other: the same matrix and
        phrases as counting all the texts at once (each part's columns move to their place
        in the sorted union of the phrases), so chunks can be counted where they are read.

        >>> a, b = PhraseCounts(["refund never arrived"]), PhraseCounts(["my refund", "love it"])
        >>> whole = PhraseCounts(["refund never arrived", "my refund", "love it"])
        >>> both = PhraseCounts.stack([a, b])
        >>> list(both.words) == list(whole.words), (both.matrix != whole.matrix).nnz
        (True, 0)
        """
        from scipy import sparse

        out = object.__new__(cls)
        out.n = sum(p.n for p in parts)
        found = [p.words for p in parts if p.matrix is not None]
        words = np.unique(np.concatenate(found)) if found else np.array([], dtype=object)
        out.words = words.astype(object)
        if not len(words):
            out.matrix = None
            return out
        blocks = []
        for p in parts:
            if p.matrix is None:
                blocks.append(sparse.csr_matrix((p.n, len(words)), dtype=np.int32))
                continue
            # both vocabularies are sorted, so each row's columns stay in order
            place = np.searchsorted(words, p.words).astype(p.matrix.indices.dtype)
            blocks.append(sparse.csr_matrix((p.matrix.data, place[p.matrix.indices],
                                             p.matrix.indptr), shape=(p.n, len(words))))
        out.matrix = sparse.vstack(blocks, format="csr", dtype=np.int32)
        return out

    def rows(self, mask: np.ndarray) -> PhraseCounts:
        """The counts of the texts ``mask`` selects (a boolean mask or positions)."""
        out = object.__new__(PhraseCounts)
        out.matrix = None if self.matrix is None else self.matrix[mask]
        out.words = self.words
        out.n = len(np.arange(self.n)[mask])
        return out


def theme_keywords(texts: Sequence[str], labels: np.ndarray, ids: Sequence[int],
                   n_keywords: int, *, counts: PhraseCounts | None = None
                   ) -> dict[int, list[tuple[str, float]]]:
    """Class-based TF-IDF key phrases per theme (BERTopic's c-TF-IDF).

    ``counts`` are the phrases of ``texts`` counted beforehand (:class:`PhraseCounts`, the
    same texts in the same order), to read them once for several groupings.
    """
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse

    if not ids:
        return {}
    counts = counts if counts is not None else PhraseCounts(texts)
    if counts.n != len(labels):
        raise ValueError(f"counts hold {counts.n} texts, labels {len(labels)}")
    if counts.matrix is None:
        return {t: [] for t in ids}
    index = {t: i for i, t in enumerate(ids)}
    rows = np.array([index.get(t, -1) for t in np.asarray(labels).tolist()], dtype=np.int64)
    keep = np.flatnonzero(rows >= 0)
    groups = sparse.csr_matrix((np.ones(len(keep)), (rows[keep], keep)),
                               shape=(len(ids), counts.n))
    by_theme = (groups @ counts.matrix).tocsc()
    used = np.flatnonzero(np.asarray(by_theme.sum(axis=0)).ravel() > 0)
    if not len(used):
        return {t: [] for t in ids}
    by_theme, words = by_theme[:, used].tocsr(), counts.words[used]
    if len(used) == 1:  # c-TF-IDF needs two phrases (numpy squeezes one to a scalar)
        return {t: [(str(words[0]), 1.0)] if by_theme[row, 0] > 0 else []
                for row, t in enumerate(ids)}
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(by_theme)
    ctfidf = sparse.csr_matrix(ctfidf)
    out: dict[int, list[tuple[str, float]]] = {}
    for row, t in enumerate(ids):
        # only the phrases the theme uses: a run's vocabulary holds a million phrases
        start, end = ctfidf.indptr[row], ctfidf.indptr[row + 1]
        cols, scores = ctfidf.indices[start:end], ctfidf.data[start:end]
        order = np.lexsort((words[cols], -scores))[:n_keywords]
        out[t] = [(str(words[cols[k]]), float(scores[k])) for k in order if scores[k] > 0]
    return out
