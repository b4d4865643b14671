"""Known themes: a taxonomy an analyst already uses, given as a TOML or YAML file.

A taxonomy lists themes by name, with a description and example phrases::

    name = "E-commerce returns and refunds"
    threshold = 0.6          # optional: cosine similarity a text needs to join a known theme
    background = ["I returned it"]   # optional: on-topic phrases that name no problem

    [[theme]]
    name = "Refund not received"
    description = "The customer returned an item or cancelled, and the money has not arrived."
    examples = ["still waiting for my refund", "refund never arrived"]

(YAML: the same keys, with ``themes:`` as a list.)  A text joins the known theme whose
description or example phrase it is most similar to, when that similarity is at least the
threshold and it is more similar to that theme than to every ``background`` phrase (phrases
that are on the topic but name no problem, such as "I returned it": without them a bare
mention of returning would join whichever return theme is closest).  Every other text is left
for theme discovery, which marks what it finds as new.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import MissingExtraError, input_error

DEFAULT_THRESHOLD = 0.6
PACKAGED = Path(__file__).resolve().parents[1] / "taxonomies"


@dataclass(frozen=True)
class KnownTheme:
    """One theme of a taxonomy."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()

    def phrases(self) -> list[str]:
        """The texts that stand for this theme: its examples, then its description."""
        return [p for p in (*self.examples, self.description) if p.strip()]


@dataclass(frozen=True)
class Taxonomy:
    """A list of known themes and the similarity a text needs to join one."""

    themes: tuple[KnownTheme, ...]
    name: str = ""
    threshold: float = DEFAULT_THRESHOLD
    background: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.themes]


def packaged_taxonomies() -> list[str]:
    """Names of the taxonomies shipped with the package (usable as ``themes.taxonomy``)."""
    return sorted(p.stem for p in PACKAGED.glob("*.toml"))


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read a taxonomy from a ``.toml``, ``.yaml`` or ``.yml`` file, or a packaged name.

    Examples
    --------
    >>> tax = load_taxonomy("returns_refunds")
    >>> "Refund not received" in tax.names
    True
    """
    path = Path(path)
    if not path.exists() and path.suffix == "" and (PACKAGED / f"{path.name}.toml").exists():
        path = PACKAGED / f"{path.name}.toml"
    where = f"taxonomy file {path}"
    if not path.exists():
        raise input_error(where, "an existing TOML or YAML file", "no such file",
                          f"Check the path, or use a packaged taxonomy: {packaged_taxonomies()}.")
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise input_error(where, "valid TOML", str(exc),
                              "Fix the syntax at the place named.") from None
    elif suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise MissingExtraError("pyyaml", "yaml", "Reading a YAML taxonomy") from None
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise input_error(where, "valid YAML", str(exc).splitlines()[0],
                              "Fix the syntax at the place named.") from None
    else:
        raise input_error(where, "a .toml, .yaml or .yml file", f"suffix '{suffix}'",
                          "Rename the file or convert it to TOML.")
    return taxonomy_from_dict(data, where=where, source=str(path))


def taxonomy_from_dict(data: dict, *, where: str = "taxonomy", source: str = "") -> Taxonomy:
    """Build a :class:`Taxonomy` from parsed TOML/YAML (keys ``theme`` or ``themes``)."""
    if not isinstance(data, dict):
        raise input_error(where, "a table with a list of themes", type(data).__name__,
                          "Start the file with [[theme]] entries (TOML) or `themes:` (YAML).")
    items = data.get("theme", data.get("themes"))
    if not isinstance(items, list) or not items:
        raise input_error(where, "a non-empty list 'theme' (TOML [[theme]]) or 'themes' (YAML)",
                          f"keys {sorted(data)}", "Add at least one theme with a name.")
    themes: list[KnownTheme] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        at = f"{where}, theme {i}"
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise input_error(at, "a table with a non-empty 'name'", repr(item)[:80],
                              "Give every theme a name.")
        name = str(item["name"]).strip()
        if name.lower() in seen:
            raise input_error(at, "a name used once", f"'{name}' again",
                              "Merge the two entries or rename one.")
        seen.add(name.lower())
        examples = item.get("examples", [])
        if isinstance(examples, str):
            examples = [examples]
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise input_error(f"{at} ('{name}'), key 'examples'", "a list of strings",
                              repr(examples)[:80], "Write examples = [\"...\", \"...\"].")
        description = str(item.get("description", "") or "")
        if not examples and not description.strip():
            raise input_error(f"{at} ('{name}')", "a description or example phrases",
                              "neither", "Add a few example phrases customers would write.")
        themes.append(KnownTheme(name=name, description=description,
                                 examples=tuple(e for e in examples if e.strip())))
    threshold = data.get("threshold", DEFAULT_THRESHOLD)
    if not isinstance(threshold, (int, float)) or not -1 <= float(threshold) <= 1:
        raise input_error(f"{where}, key 'threshold'", "a number between -1 and 1",
                          repr(threshold), "Use a cosine similarity such as 0.6.")
    background = data.get("background", [])
    if isinstance(background, str):
        background = [background]
    if not isinstance(background, list) or not all(isinstance(b, str) for b in background):
        raise input_error(f"{where}, key 'background'", "a list of strings",
                          repr(background)[:80], "Write background = [\"...\", \"...\"].")
    return Taxonomy(themes=tuple(themes), name=str(data.get("name", "")),
                    threshold=float(threshold), source=source,
                    background=tuple(b for b in background if b.strip()))


def phrase_vectors(taxonomy: Taxonomy, encode) -> tuple[np.ndarray, np.ndarray]:
    """Embed every phrase of every known theme.

    Returns the (n_phrases, dim) vectors and, for each, the index of its known theme
    (-1 for a background phrase).  ``encode`` is an embedder's ``encode`` (list of str ->
    unit-length rows).
    """
    phrases: list[str] = []
    owner: list[int] = []
    for i, theme in enumerate(taxonomy.themes):
        for p in theme.phrases():
            phrases.append(p)
            owner.append(i)
    for p in taxonomy.background:
        phrases.append(p)
        owner.append(-1)
    vectors = np.asarray(encode(phrases), dtype=np.float32)
    return vectors, np.asarray(owner, dtype=np.int64)


def match_known(embeddings: np.ndarray, vectors: np.ndarray, owner: np.ndarray,
                n_known: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Known theme of each text (index into the taxonomy, or -1) and its similarity.

    A text's similarity to a known theme is its highest cosine similarity to one of the
    theme's phrases; it joins the most similar theme when that is at least ``threshold`` and
    higher than its similarity to every background phrase (``owner`` -1).
    """
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(embeddings) == 0 or len(vectors) == 0:
        return np.full(len(embeddings), -1, dtype=np.int64), np.zeros(len(embeddings))
    sims = embeddings @ vectors.T  # (n, n_phrases)
    per_theme = np.full((len(embeddings), n_known), -np.inf, dtype=np.float32)
    for k in range(n_known):
        cols = owner == k
        if cols.any():
            per_theme[:, k] = sims[:, cols].max(axis=1)
    best = per_theme.argmax(axis=1)
    best_sim = per_theme[np.arange(len(embeddings)), best]
    ok = best_sim >= threshold
    if (owner == -1).any():
        ok &= best_sim > sims[:, owner == -1].max(axis=1)
    return np.where(ok, best, -1).astype(np.int64), best_sim


def describe(taxonomy: Taxonomy) -> Sequence[str]:
    """One line per known theme, for logs and the CLI."""
    return [f"{t.name}: {len(t.examples)} examples" for t in taxonomy.themes]
