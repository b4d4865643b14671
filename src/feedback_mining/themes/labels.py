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
from itertools import accumulate

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words that carry meaning in feedback even though generic stop lists drop them.
KEEP = frozenset({"not", "no", "never", "without", "too", "very", "back", "again", "off", "out"})
# Content words in scikit-learn's English stop list (the Glasgow list): what customers
# complain about ("bill", "wrong amount", "no call back", "empty box", "full refund", "thin
# fabric", "interest rate", "personal detail"), so they may be key words and label words.
# Not "top", "bottom", "side" or "front": as strong key words they took over labels ("Top
# up" for every top-up intent of Banking77, "High hopes for this top").
CONTENT = frozenset({"bill", "amount", "call", "empty", "full", "thin", "thick", "system",
                     "detail", "interest"})
STOP = frozenset((ENGLISH_STOP_WORDS - CONTENT) | {
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
# Sentence adverbs say how the writer frames it, never what it is about ("Unfortunately the
# top", "Sadly i returned"): never a key word nor a label's edge.
ADVERBS = frozenset({"unfortunately", "sadly", "fortunately", "luckily", "hopefully",
                     "honestly", "actually", "basically", "literally", "probably", "maybe",
                     "perhaps", "however", "otherwise", "apparently", "obviously"})
# Evaluative words say how people feel, not what about: never the edge of a label phrase.
GENERIC = frozenset({
    "love", "loved", "loves", "great", "good", "nice", "perfect", "beautiful", "gorgeous",
    "amazing", "awesome", "excellent", "happy", "glad", "cute", "lovely", "wonderful", "best",
    "bad", "terrible", "awful", "horrible", "worst", "disappointed", "disappointing",
    "absolutely", "definitely", "highly", "recommend", "totally", "super", "overall",
}) | ADVERBS | {"usually", "normally", "typically"}
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'&-]*[a-z0-9]|[a-z0-9]")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes inside words are dropped ("don't" -> "dont");
    placeholders, masks, links and @handles are not words (:mod:`..clean.noise`)."""
    from ..clean.noise import content_text

    return [t.replace("'", "") for t in _TOKEN.findall(content_text(text).lower())]


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
        edge = [self._edge_ok(t) for t in tokens]  # once per token, not per phrase
        out: list[str] = []
        for n in range(1, self.max_words + 1):
            for i in range(len(tokens) - n + 1):
                if edge[i] and edge[i + n - 1]:
                    out.append(" ".join(tokens[i : i + n]))
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


# ---------------------------------------------------------------------- phrase labels
# A label may not start with these (it would read as a fragment: "and the refund", "my
# refund", "is late") ...
_BAD_START = frozenset("""
a an the and but or nor so because as if then than though although while whereas also
of to in on at for with by from about into onto over under after before since until
upon via per i me my mine we us our ours you your yours he him his she her hers it its
they them their theirs this that these those is was are were be been being am has have had
having do does did will would shall should can could may might must just really very
quite pretty even which who whom whose there here some any every each all both
""".split())
# ... nor end with these ("refund has not", "colour of the", "arrived on", "app doesn't").
_BAD_END = _BAD_START | frozenset("""
not no never too so very really just still yet again more most less least much many
what when where why how get got make made go going went please
don't doesn't didn't isn't wasn't aren't weren't can't cannot couldn't won't wouldn't
haven't hasn't hadn't shouldn't
""".split())
_CONTRACTED = frozenset("""
i'm i've i'd i'll it's that's there's here's what's you're you've we're we've they're
they've let's he's she's im ive id
""".split())
_BAD_END = _BAD_END | _CONTRACTED | frozenset("""
like felt feel feels looked look looks seemed seem seems tried try wanted want
run runs running come comes came goes went
""".split())
_BAD_START = _BAD_START | _CONTRACTED | {"please", "pls", "plz"}
_BAD_START, _BAD_END = _BAD_START | ADVERBS, _BAD_END | ADVERBS
_SPLIT = re.compile(r"[.!?;:,()\[\]\"…]+|\s[-–—]+\s")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def phrase_words(text: str) -> list[list[str]]:
    """Lower-case words of each clause of ``text`` (stop words kept, placeholders,
    masks and handles removed)."""
    from ..clean.noise import content_text

    return [ws for part in _SPLIT.split(content_text(text).lower())
            if (ws := _WORDS.findall(part))]


def is_fragment(label: str) -> bool:
    """True when ``label`` would not read as a name a person gives a problem: one word,
    over six words, starting or ending on a function word ("and the refund", "colour of
    the"), carrying a placeholder, mask or @handle, or made of numbers.

    >>> [is_fragment(x) for x in ["Refund not received", "Runs small", "Heres",
    ...                            "Ag and mother of", "Url", "30s 40s", "Xxxx account"]]
    [False, False, True, True, True, True, True]
    """
    from ..clean.noise import content_text

    if content_text(label) != label.strip() or re.search(r"(?i)\b(?:x{2,}|url)\b", label):
        return True
    words = _WORDS.findall(label.lower())
    if not 2 <= len(words) <= 6:
        return True
    if words[0] in _BAD_START - {"no", "not"} or words[-1] in _BAD_END:
        return True
    if all(re.fullmatch(r"\d+\w{0,2}", w) for w in words):
        return True
    content = [w for w in words if w not in STOP and w not in KEEP and not w.isdigit()]
    return not content


class PhraseLabeler:
    """Label a theme with the phrase its customers use most for it, 2 to 6 words long.

    Every span of 2-6 words inside a clause of the theme's texts is a candidate when it
    neither starts nor ends on a function word and holds one of the theme's key words
    (class-based TF-IDF, ``keywords``).  A candidate scores by the share of the theme's
    texts that use it, times the key-word weight it carries; with ``cue`` (a regular
    expression, e.g. the problem words of :mod:`feedback_mining.score.kinds`), a phrase
    that states the problem ("arrived late", "refund not received") wins over one that
    only names the topic ("the delivery") when it is nearly as well supported.  A longer
    phrase replaces a shorter one inside it when nearly as many texts use it.  When no
    phrase is used by enough texts (the theme's complaints are many different ones about one
    product, say), the :class:`KeyphraseLabeler` label of its key words is kept, skipping
    those ``avoid`` matches.  With ``topic_suffix``, such a label that is one word naming a
    topic (after dropping a dangling last word: "Jumpsuit looked") says so ("Dress" ->
    "Dress issues"): a one-word label reads as a fragment, and a friction row named "Dress"
    reads as if dresses were the problem.

    Parameters
    ----------
    cue : str or compiled pattern, optional
        Phrases matching it are preferred when the best of them scores at least
        ``cue_ratio`` times the best phrase.
    avoid : str, compiled pattern or callable, optional
        Phrases matching it (or for which it returns True), and phrases mostly used inside
        one of those, lose to any other (a praise row is not named "Don't waste your time"
        after its misread mentions, a friction row not "Perfect sweater").
    max_texts : int
        Texts read per theme (the first ones given: pass the most typical first).
    topic_suffix : str, optional
        Word added to a label that ``cue`` does not match and that names a topic: a one-word
        key-word label, or one ``topic`` says is a topic (friction rows: "issues").
    topic : callable, optional
        ``topic(label) -> bool``: whether a label names a topic rather than a problem
        (:class:`feedback_mining.score.views.TopicCheck`: "T shirt" -> "T shirt issues").
    """

    def __init__(self, *, cue=None, cue_ratio: float = 0.5, avoid=None, max_words: int = 6,
                 max_texts: int = 300, topic_suffix: str | None = None, topic=None):
        self.cue = cue
        self.avoid = avoid
        self.topic_suffix = topic_suffix
        self.topic = topic
        self.cue_ratio = cue_ratio
        self.max_words = max_words
        self.max_texts = max_texts

    def label(self, keywords: Sequence[tuple[str, float]], texts: Sequence[str] = ()) -> str:
        cue = re.compile(self.cue) if isinstance(self.cue, str) else self.cue
        return self._as_group(self._phrase(keywords, texts, cue), cue)

    def _as_group(self, label: str, cue) -> str:
        """``label`` + ``topic_suffix`` when it names a topic and states no problem: one word
        (after dropping a dangling last word: "Jumpsuit looked"), or a ``topic``."""
        if not self.topic_suffix or label == "Miscellaneous" \
                or label.endswith(f" {self.topic_suffix}") \
                or (cue is not None and cue.search(label)):
            return label
        words = label.split()
        while len(words) > 1 and words[-1].lower() in _BAD_END:
            words.pop()
        if len(words) == 1:
            return f"{words[0]} {self.topic_suffix}"
        return f"{label} {self.topic_suffix}" if self.topic and self.topic(label) else label

    def _phrase(self, keywords: Sequence[tuple[str, float]], texts: Sequence[str],
                cue) -> str:
        """The phrase that names the theme, before :meth:`_as_group`."""
        def fallback() -> str:
            usable = keywords
            if self.avoid is not None:
                hit = self._hit(self.avoid)
                usable = [(p, w) for p, w in keywords if not hit(p)] or keywords
            return KeyphraseLabeler(max_words=self.max_words).label(usable, texts)

        weights = self._word_weights(keywords)
        docs = [phrase_words(t) for t in list(texts)[: self.max_texts]]
        if not weights or len(docs) < 2:
            return fallback()
        counts: dict[tuple[str, ...], int] = {}
        bad_start = _BAD_START - {"no", "not", "never"}
        for clauses in docs:
            seen: set[tuple[str, ...]] = set()
            for words in clauses:
                # a span is a candidate when it starts and ends well, holds a key word and
                # repeats none: the flags are read once per word, not once per span
                weighted = list(accumulate((w in weights for w in words), initial=0))
                for i, first in enumerate(words):
                    if first in bad_start:
                        continue
                    for n in range(2, min(self.max_words, len(words) - i) + 1):
                        end = i + n
                        if words[end - 1] in _BAD_END or weighted[end] == weighted[i]:
                            continue
                        span = tuple(words[i:end])
                        if len(set(span)) == n:
                            seen.add(span)
            for span in seen:
                counts[span] = counts.get(span, 0) + 1
        need = max(2, int(np.ceil(0.02 * len(docs))))
        need_cue = max(2, int(np.ceil(0.01 * len(docs))))
        scored: dict[tuple[str, ...], float] = {}
        for span, df in counts.items():
            stated = cue is not None and bool(cue.search(" ".join(span)))
            if df < (need_cue if stated else need):
                continue
            if all(w in STOP or w in GENERIC or w in KEEP or w.isdigit() for w in span):
                continue
            # how much of the phrase is the theme's own words: "create an account" beats
            # "don't know how to create", whose other words every theme uses
            carried = sum(weights.get(w, 0.0) for w in set(span))
            density = carried / len(span)
            strongest = max(weights.get(w, 0.0) for w in span)
            score = (df / len(docs)) * min(carried, 1.5) * np.sqrt(density) * strongest
            scored[span] = score
        if not scored:
            return fallback()
        if self.avoid is not None:
            # when every supported phrase is one to avoid ("Lovely suit" for complaints
            # about suits), the key words name the row
            scored = self._avoided(scored, counts)
            if not scored:
                return fallback()
        if cue is not None:
            # a label that states the problem beats one that names the topic when it is
            # nearly as well supported ("arrived late" over "the delivery"), not when only
            # a stock phrase carries the cue ("don't know how to create")
            stated = {span: v for span, v in scored.items() if cue.search(" ".join(span))}
            if stated and max(stated.values()) >= self.cue_ratio * max(scored.values()):
                scored = stated
        best = max(scored, key=lambda s: (scored[s], len(s), s))
        # widen to a longer phrase holding it when nearly as many texts use that
        for span in sorted(scored, key=lambda s: (-len(s), s)):
            if len(span) > len(best) and _contains(span, best) \
                    and counts[span] >= 0.7 * counts[best]:
                best = span
                break
        return _sentence_case(" ".join(best))

    def _avoided(self, scored: dict[tuple[str, ...], float],
                 counts: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], float]:
        """``scored`` without the phrases ``avoid`` matches, nor the phrases mostly used
        inside one of those ("waste your time" inside "don't waste your time")."""
        hit = self._hit(self.avoid)
        # a scored phrase is used by 2 texts or more, so only an avoided phrase used by 2 or
        # more can hold 70% of its uses
        bad = [span for span, n in counts.items() if n >= 2 and hit(" ".join(span))]
        return {span: v for span, v in scored.items()
                if not hit(" ".join(span))
                and not any(len(b) > len(span) and _contains(b, span)
                            and counts[b] >= 0.7 * counts[span] for b in bad)}

    @staticmethod
    def _hit(avoid):
        """``avoid`` as a predicate on a phrase."""
        avoid = re.compile(avoid) if isinstance(avoid, str) else avoid
        return avoid if callable(avoid) else avoid.search

    @staticmethod
    def _word_weights(keywords: Sequence[tuple[str, float]]) -> dict[str, float]:
        """Weight of each content word of the key phrases, the strongest 1.0."""
        out: dict[str, float] = {}
        phrases = [(p, w) for p, w in keywords if p and w > 0]
        if not phrases:
            return out
        top = max(w for _, w in phrases)
        for phrase, w in phrases:
            for word in phrase.split():
                if word in STOP or word in KEEP or word in GENERIC:
                    continue
                out[word] = max(out.get(word, 0.0), w / top)
        return out


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))
