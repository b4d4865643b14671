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
    # weak verbs and fillers that make poor label edges ("balance did", "app says")
    "did", "does", "doing", "done", "says", "saying", "asked", "asking", "tried", "trying",
    "able", "unable", "sure", "unsure", "explain", "mean", "means", "today", "yesterday",
    "ago", "happened", "happen", "going", "let", "tell", "told", "help", "possible",
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
    """Label a theme with the key phrase that is both distinctive and common in it.

    Each of the strongest key phrases (class-based TF-IDF weight) is scored by its weight
    times the share of the theme's texts that contain it, single words counting less than
    2-4 word phrases (which read like a person wrote them).  A winning single word is widened to the most
    common 2-3 word phrase around it in the theme's texts when that phrase is frequent
    enough.  Labels never start or end with a stop word, so they are never only stop words.

    Parameters
    ----------
    max_words : int
        Longest label, in words.
    """

    def __init__(self, *, max_words: int = 6):
        self.max_words = max_words

    def label(self, keywords: Sequence[tuple[str, float]], texts: Sequence[str] = ()) -> str:
        """Pick a label from ``keywords``: (phrase, weight) pairs, strongest first."""
        phrases = [(p, w) for p, w in keywords if p and w > 0
                   and len(p.split()) <= self.max_words]
        if not phrases:
            return "Miscellaneous"
        top_weight = phrases[0][1]
        docs = [f" {' '.join(tokenize(t))} " for t in list(texts)[:200]]

        def coverage(phrase: str) -> float:
            if not docs:
                return 0.0
            needle = f" {phrase} "
            return sum(needle in d for d in docs) / len(docs)

        def score(phrase: str, weight: float) -> float:
            n = len(phrase.split())
            bonus = 0.6 if n == 1 else 1.0 if n <= 4 else 0.8
            return (weight / top_weight) * (0.25 + coverage(phrase)) * bonus

        candidates = phrases[:15]
        best, best_weight = max(candidates, key=lambda pw: score(*pw))
        if " " not in best:
            multi = [(p, w) for p, w in candidates if " " in p]
            phrase = max(multi, key=lambda pw: score(*pw)) if multi else None
            if phrase and score(*phrase) >= 0.35 * score(best, best_weight):
                best = phrase[0]
            elif docs:
                best = self._widen(best, docs, coverage(best)) or best
        return _sentence_case(" ".join(best.split()[: self.max_words]))

    def _widen(self, word: str, docs: list[str], word_coverage: float) -> str | None:
        """The most common 2-3 word phrase holding ``word``, if it covers enough texts."""
        analyzer = PhraseAnalyzer(max_words=3)
        counts: dict[str, int] = {}
        for d in docs:
            for gram in set(analyzer(d)):
                if " " in gram and word in gram.split():
                    counts[gram] = counts.get(gram, 0) + 1
        if not counts:
            return None
        gram, count = max(counts.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))
        return gram if count / len(docs) >= 0.25 * word_coverage and count >= 2 else None


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
