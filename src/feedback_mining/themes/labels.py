"""Readable theme labels built from key phrases.

Keywords come from BERTopic's class-based TF-IDF over 1-3 word phrases.  The phrase
analyzer never lets a phrase start or end with a stop word, but keeps stop words inside
("refund not received", "size too small"), so labels read like a person wrote them.

A labeler is any object with ``label(keywords, texts) -> str``; plug in your own (an LLM,
say) with ``ThemeModel(labeler=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words that carry meaning in feedback even though generic stop lists drop them.
KEEP = frozenset({"not", "no", "never", "without", "too", "very", "back", "again", "off", "out"})
STOP = frozenset(ENGLISH_STOP_WORDS | {
    "im", "ive", "dont", "didnt", "doesnt", "wasnt", "isnt", "cant", "wont", "id", "youre",
    "just", "really", "like", "get", "got", "also", "would", "could", "one", "thing", "things",
    "lot", "bit", "way", "still", "even", "much", "well", "want", "wanted", "need", "know",
    "think", "say", "said", "make", "made", "little", "pretty", "quite", "bought", "ordered",
    "order", "item", "product", "u", "ur", "pls", "please", "hi", "hello", "thanks", "thank",
}) - frozenset({"not", "no", "never", "without"})
# Evaluative words say how people feel, not what about: never the edge of a label phrase.
GENERIC = frozenset({
    "love", "loved", "loves", "great", "good", "nice", "perfect", "beautiful", "gorgeous",
    "amazing", "awesome", "excellent", "happy", "glad", "cute", "lovely", "wonderful", "best",
    "bad", "terrible", "awful", "horrible", "worst", "disappointed", "disappointing",
    "absolutely", "definitely", "highly", "recommend", "totally", "super", "overall",
})
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'&-]*[a-z0-9]|[a-z0-9]")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes inside words are dropped ("don't" -> "dont")."""
    return [t.replace("'", "") for t in _TOKEN.findall(_PLACEHOLDER.sub(" ", text).lower())]


class PhraseAnalyzer:
    """Callable analyzer for ``CountVectorizer``: 1-3 word phrases that neither start nor end
    with a stop word or a number."""

    def __init__(self, max_words: int = 3):
        self.max_words = max_words

    def _edge_ok(self, token: str) -> bool:
        return (token not in STOP and token not in KEEP and token not in GENERIC
                and not token.isdigit() and len(token) > 1)

    def __call__(self, text: str) -> list[str]:
        tokens = tokenize(text)
        out: list[str] = []
        for n in range(1, self.max_words + 1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i : i + n]
                if self._edge_ok(gram[0]) and self._edge_ok(gram[-1]):
                    out.append(" ".join(gram))
        return out


class KeyphraseLabeler:
    """Label a theme with its strongest multi-word key phrase.

    Parameters
    ----------
    max_words : int
        Longest label, in words (labels are 1 to ``max_words`` words; 2-6 is typical).
    """

    def __init__(self, *, max_words: int = 6):
        self.max_words = max_words

    def label(self, keywords: Sequence[tuple[str, float]], texts: Sequence[str] = ()) -> str:
        """Pick a label from ``keywords``: (phrase, weight) pairs, strongest first."""
        phrases = [(p, w) for p, w in keywords if p and w > 0]
        if not phrases:
            return "Miscellaneous"
        top_weight = phrases[0][1]
        multi = [(p, w) for p, w in phrases[:10] if " " in p and w >= 0.35 * top_weight]
        if multi:
            best = multi[0][0]
            # add the strongest single word the phrase lacks, when it is strong too
            extra = next((p for p, w in phrases[:3] if " " not in p and p not in best.split()
                          and w >= 0.8 * top_weight), None)
            label = f"{best} / {extra}" if extra and len(best.split()) < self.max_words - 1 else best
        else:
            words = [p for p, _ in phrases[:2]]
            label = " / ".join(words)
        return _sentence_case(" ".join(label.split()[: self.max_words + 1]))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def dedupe_labels(labels: list[str], keywords: list[list[str]]) -> list[str]:
    """Make labels unique by adding the first keyword the label does not contain yet."""
    seen: dict[str, int] = {}
    out = []
    for label, words in zip(labels, keywords, strict=True):
        new = label
        if new.lower() in seen:
            extra = next((w for w in words if w.lower() not in new.lower()), None)
            new = f"{label} ({extra})" if extra else label
            if new.lower() in seen:
                new = f"{label} ({seen[label.lower()] + 1})"
        seen[label.lower()] = seen.get(label.lower(), 0) + 1
        seen.setdefault(new.lower(), 1)
        out.append(new)
    return out
