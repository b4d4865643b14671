"""Personal data: find it and replace it with typed placeholders before any model sees text.

What is caught, and how (see ``docs/pii.md`` for the limits):

- ``[EMAIL]``: Presidio's e-mail recogniser; the domain is checked against the public suffix
  list bundled with ``tldextract`` (offline, never fetched).
- ``[URL]``: addresses with a scheme (``https://``) or ``www.``, and bare domains on common
  top-level domains (``shop.example.com``).
- ``[IBAN]``: Presidio's IBAN recogniser (country format and mod-97 checksum).
- ``[CARD]``: Presidio's card recogniser plus a generic 13-19 digit pattern, all Luhn-checked.
- ``[PHONE]``: ``phonenumbers.PhoneNumberMatcher``: any number written with ``+`` or ``00``,
  and national formats of the regions in ``phone_regions``; only numbers that are valid in
  the numbering plan.
- ``[ORDER_ID]``, ``[TRACKING_ID]``, ``[ACCOUNT_ID]``: configurable regular expressions; the
  defaults need a keyword ("order #", "tracking number", "account no") or a known carrier
  format (UPS ``1Z...``, UPU ``AB123456789GB``, USPS 20-22 digits).
- ``[ADDRESS]``: street addresses in US/UK, German and French styles, postcodes that follow
  them, and US military addresses.
- ``[PERSON]``: a name after a title ("Mr Berg" -> "Mr [PERSON]", "ms lee", "Dr. Anna
  Smith"), after a role or before "from customer service" ("the rider Oskarsson", "Ingrid
  from customer service"; :mod:`.names`); any other name only when a spaCy model with a
  named-entity recogniser is given (``name_model``): none is bundled, so "Anna Smith was
  rude" is not caught by default.

Ordinary numbers ("2 weeks", "size 12", "$45.99", "order arrived 3 days late") are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..errors import ConfigError, ModelError, config_error
from .names import ROLE_SIGNAL, TITLE_SIGNAL, role_names, titled_names

TYPES = (
    "EMAIL", "URL", "IBAN", "TRACKING_ID", "ORDER_ID", "ACCOUNT_ID", "CARD", "PHONE",
    "ADDRESS", "PERSON",
)
# When two findings overlap, the type listed first wins (then the longer span).
_PRIORITY = {t: i for i, t in enumerate(TYPES)}

_PATTERN_SETTINGS = {"ORDER_ID": "clean.order_patterns", "TRACKING_ID": "clean.tracking_patterns",
                     "ACCOUNT_ID": "clean.account_patterns"}
DEFAULT_PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "IE", "AU", "IN")

_ID = (
    r"(?P<id>\d{3,6}(?:[ ]\d{3,6}(?!\w)){1,3}"  # digit groups: "8774 9401"
    # not body measurements (36-26-36) or ranges (34-36)
    r"|(?!\d{2}-\d{2}-\d{2}\b|\d{1,3}-\d{1,3}\b)(?=[A-Z0-9_./-]*\d)[A-Z0-9](?:[A-Z0-9_/-]|\.(?=[A-Z0-9])){3,}[A-Z0-9])"
)
_SEP = (
    r"\b\s*(?:card|account)?\s*(?:no\.?|nr\.?|num(?:ber)?\.?|#|id|code|ref\.?)?\s*"
    r"(?:is|was|:|#|-)?\s*#?\s*"
)

DEFAULT_ORDER_PATTERNS = (
    r"(?i)\b(?:order|ord|purchase|invoice|receipt|confirmation|reference|ref|case|ticket|rma|"
    r"return|refund|booking|transaction|txn)" + _SEP + _ID,
    r"\b\d{3}-\d{7}-\d{7}\b",  # marketplace style 123-1234567-1234567
    r"(?<![\w$£€])#\d{5,}\b",  # "#1234567"
    r"\b(?:ORD|SO|PO|INV|RMA|ORDER)[-_]?\d[\d-]{3,}\d\b",
)
DEFAULT_TRACKING_PATTERNS = (
    r"(?i)\b(?:tracking|track|trace|parcel|package|shipment|consignment|waybill|awb)"
    + _SEP + _ID,
    r"\b1Z[0-9A-Z]{16}\b",  # UPS
    r"\b[A-Z]{2}\d{9}[A-Z]{2}\b",  # UPU S10 (Royal Mail, La Poste, ...)
    r"\b9[1-5]\d{2}(?:[ ]?\d{4}){4}(?:[ ]?\d{2}){1,2}\b",  # USPS 20-22 digits
)
DEFAULT_ACCOUNT_PATTERNS = (
    r"(?i)\b(?:account|acct|a/c|customer|member(?:ship)?|loyalty|user|client|username|"
    r"login)" + _SEP + _ID,
)

# -------------------------------------------------------------------- addresses
_STREET_SUFFIX = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    "Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres|Close|"
    "Grove|Gardens?|Mews|Row|Walk|Hill|Hills|Park|Loop|Path|Pike|Plaza|Ridge|Run|View|Views|"
    "Village|Villages|Ville|Port|Ports|Point|Points|Pass|Pines|Spring|Springs|Stream|Station|"
    "Summit|Tunnel|Turnpike|Union|Unions|Valley|Valleys|Vista|Well|Wells|Alley|Annex|Arcade|"
    "Bayou|Beach|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|"
    "Canyon|Cape|Causeway|Center|Centers|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|"
    "Course|Courts|Cove|Coves|Creek|Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives|"
    "Estate|Estates|Expressway|Extension|Extensions|Fall|Falls|Ferry|Field|Fields|Flat|Flats|"
    "Ford|Fords|Forest|Forge|Forges|Fork|Forks|Fort|Freeway|Garden|Gateway|Glen|Glens|Green|"
    "Greens|Groves|Harbor|Harbors|Haven|Heights|Hollow|Inlet|Island|Islands|Isle|Junction|"
    "Junctions|Key|Keys|Knoll|Knolls|Lake|Lakes|Land|Landing|Light|Lights|Lock|Locks|Lodge|"
    "Mall|Manor|Manors|Meadow|Meadows|Mill|Mills|Mission|Motorway|Mount|Mountain|Mountains|"
    "Neck|Orchard|Oval|Overpass|Parks|Parkways|Plain|Plains|Prairie|Radial|Ramp|Ranch|Rapid|"
    "Rapids|Rest|Ridges|River|Roads|Route|Shoal|Shoals|Shore|Shores|Skyway|Squares|Stravenue|"
    "Streets|Throughway|Trace|Track|Trafficway|Underpass|Via|Viaduct|Wall|Ways|Parade|Rise|"
    "Vale|Wharf|Wood|Woods|Yard|Rue|Spur|Spurs|Pine|Circles|Crossings|Glens|Lanes|Routes|"
    "Lodges|Extensions|Loaf|Ovals|Cliffs|Fields|Hollows|Mount|Ports|Pikes|Ridges|Shoals|Squares|"
    "Passage|Trailer|Approach|Circus|Centre|Gate|Crossroads|Highlands|Heath|Bank|Embankment"
)
_UNIT = (r"(?:,?\s*(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm)\b\.?|#)"
         r"\s*\w{1,6}\b)")
_US_TAIL = r"(?:,?\s+[A-Z][\w' .-]{1,30}?,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b)"
_UK_POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|[A-Z]{1,2}\d{1,2}[A-Z]?)\s*\d[A-Z]{2}\b"
_ADDRESS_PATTERNS = (
    # 12 Kramer Court, Apt 5, Johnsonfurt, NE 80119 / 17 Jones Light, North Holly, S6 7LJ
    r"\b(?:(?:Flat|Apt\.?|Unit|Suite)\s*\w{1,5},?\s+)?\d{1,6}[A-Za-z]?,?\s+"
    r"(?:[A-Z][\w'.-]*\s+){1,4}?(?:" + _STREET_SUFFIX + r")s?\b\.?" + _UNIT + r"?"
    + r"(?:" + _US_TAIL + r"|(?:,?\s+[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?){0,2},?\s+"
    + _UK_POSTCODE + r")?",
    # Flat 6, Christian Roads, Trevormouth, SP8P 4NY (no house number)
    r"\b(?:Flat|Apartment|Studio)\s+\w{1,5},?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:" + _STREET_SUFFIX
    + r")s?\b(?:,?\s+[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?){0,2},?\s+" + _UK_POSTCODE,
    # Hauptstraße 5, 10115 Berlin / Josefine-Kade-Allee 9-4
    r"\b[A-ZÄÖÜ][\wäöüß-]*(?:(?<=-)[SWGPARDUC]|[swgpardc])(?:traße|trasse|tr\.|eg|asse|latz|"
    r"llee|ing|amm|fer|haussee)\s+\d{1,4}(?:\s?[a-z]\b|[-/]\d{1,4})?\b"
    r"(?:,?\s+\d{5}\s+[A-ZÄÖÜ][\wäöüß-]+(?:\s[A-ZÄÖÜ][\wäöüß-]+)?)?",
    # 12, rue de la Paix, 75002 Paris / boulevard Lucy Roussel, 23744 Mathieu
    r"(?i:\b(?:\d{1,4}(?:\s?(?:bis|ter))?,?\s+)?(?:rue|avenue|boulevard|bd|place|chemin|all[ée]e|"
    r"impasse|quai|route|cours|square))\s+(?:(?:de|du|des|la|le|l'|d')\s*)*[A-ZÉ][\w'-]+"
    r"(?:\s+[A-ZÉ][\w'-]+)?(?:,?\s+\d{5}\s+[A-ZÉ][\w' -]+)?",
    # US military: PSC 1234, Box 5678, APO AA 12345 / USNS Smith, FPO AE 12345
    r"\b(?:(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}|(?:USNS|USNV|USS|USCGC)\s+[A-Z][a-z]+)"
    r",?\s+(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}\b",
)

_BARE_TLDS = (
    "com|net|org|io|co|info|biz|shop|store|app|online|eu|us|uk|co\\.uk|de|fr|es|nl|be|ie|ca|"
    "au|com\\.au|ch|se|dk|pl|pt|ly|tv|xyz|site|dev"
)
_URL = re.compile(
    r"\b(?i:(?:https?|ftp)://|www\.)[^\s<>\"'()\[\]{}]+[^\s<>\"'()\[\]{}.,;:!?]"
    # bare domains only in lower case, so "fine.It was" is not a domain
    r"|\b(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _BARE_TLDS + r")\b"
    r"(?:/[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?])?(?![\w@])"
    # top-level domains that are also English words ("purchase.it", "fit.in") need a path
    r"|\b(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:it|in|me|no|at|be|is|so)"
    r"/[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?]"
)
# 12-19 digits (Maestro has 12) starting like a card network's IIN (2-6)
_CARD_GENERIC = r"\b(?<![\d-])[2-6](?:[ -]?\d){11,18}\b(?![\d-])"
_DIGITS = re.compile(r"\d")
# 7+ digits with short separators: cheap test before the phone matchers run
_PHONE_CANDIDATE = re.compile(r"\d(?:[\s().\-/]{0,3}\d){6,}")
_COUNTRY_PREFIX = re.compile(r"(?:\+|\b00)\d{1,3}[ .-]?$")
_ANY_SIGNAL = re.compile(r"[@]|\d|www\.|://|\.[a-z]{2,}\b|(?i:rue|avenue|boulevard)")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: character offsets in the text and its type."""

    start: int
    end: int
    type: str

    @property
    def placeholder(self) -> str:
        return f"[{self.type}]"


class PiiRedactor:
    """Find personal data and replace it with typed placeholders.

    Parameters
    ----------
    types : sequence of str, optional
        Which types to redact (default: all of :data:`TYPES`; ``PERSON`` only with a
        ``name_model``).
    phone_regions : sequence of str
        ISO country codes whose national phone formats are recognised ("020 7946 0018" in
        GB); numbers written with ``+`` or ``00`` are recognised whatever the region.
    order_patterns, tracking_patterns, account_patterns : sequence of str, optional
        Regular expressions; a named group ``id`` is what gets replaced (so "order #" stays),
        otherwise the whole match.  ``None`` keeps the defaults; extra patterns are added with
        ``extra_patterns``.
    extra_patterns : dict, optional
        ``{"ORDER_ID": [...], "MEMBER_NO": [...]}``: more patterns per type (new type names
        become new placeholders).
    name_model : str, optional
        Name or path of an installed spaCy pipeline with an ``ner`` component; its ``PERSON``
        entities become ``[PERSON]``.

    Examples
    --------
    >>> r = PiiRedactor().fit()
    >>> r.redact("Order #A1234567 late, mail ann@example.com. Size 12, $45.99.")
    ('Order #[ORDER_ID] late, mail [EMAIL]. Size 12, $45.99.', {'ORDER_ID': 1, 'EMAIL': 1})
    """

    def __init__(
        self,
        *,
        types: Sequence[str] | None = None,
        phone_regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
        order_patterns: Sequence[str] | None = None,
        tracking_patterns: Sequence[str] | None = None,
        account_patterns: Sequence[str] | None = None,
        extra_patterns: dict[str, Sequence[str]] | None = None,
        name_model: str | None = None,
    ):
        self.types = types
        self.phone_regions = phone_regions
        self.order_patterns = order_patterns
        self.tracking_patterns = tracking_patterns
        self.account_patterns = account_patterns
        self.extra_patterns = extra_patterns
        self.name_model = name_model

    # ------------------------------------------------------------------ fitting
    def fit(self, texts: Iterable[str] | None = None) -> PiiRedactor:
        """Build the recognisers (nothing is learned from ``texts``)."""
        import phonenumbers

        types = [t.upper() for t in (self.types if self.types is not None else TYPES)]
        pattern_sets: dict[str, list[str]] = {
            "ORDER_ID": list(self.order_patterns if self.order_patterns is not None
                             else DEFAULT_ORDER_PATTERNS),
            "TRACKING_ID": list(self.tracking_patterns if self.tracking_patterns is not None
                                else DEFAULT_TRACKING_PATTERNS),
            "ACCOUNT_ID": list(self.account_patterns if self.account_patterns is not None
                               else DEFAULT_ACCOUNT_PATTERNS),
            "ADDRESS": list(_ADDRESS_PATTERNS),
        }
        for name, patterns in (self.extra_patterns or {}).items():
            key = str(name).upper()
            pattern_sets.setdefault(key, []).extend(patterns)
            if key not in types:
                types.append(key)
        known = set(TYPES) | set(pattern_sets)
        unknown = [t for t in types if t not in known]
        if unknown:
            raise config_error("clean.pii_types", f"drawn from {', '.join(TYPES)}", unknown)
        self.types_ = tuple(types)
        self.patterns_: dict[str, list[re.Pattern[str]]] = {}
        for key, patterns in pattern_sets.items():
            if key not in self.types_:
                continue
            compiled = []
            for p in patterns:
                try:
                    compiled.append(re.compile(p))
                except re.error as exc:
                    setting = _PATTERN_SETTINGS.get(key, "clean.extra_patterns")
                    raise ConfigError(
                        f"setting '{setting}': pattern {p!r} is not a valid "
                        f"regular expression ({exc}); fix or remove it."
                    ) from None
            self.patterns_[key] = compiled
        regions = [str(r).upper() for r in self.phone_regions]
        bad = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if bad:
            raise config_error("clean.phone_regions", "ISO 3166 country codes such as GB, US", bad)
        self.phone_regions_ = tuple(regions)
        wanted = {"EMAIL", "CARD", "IBAN"} & set(self.types_)
        self.presidio_ = _presidio_recognisers() if wanted else {}
        self.nlp_ = None
        if "PERSON" in self.types_ and self.name_model:
            self.nlp_ = _load_name_model(self.name_model)
        return self

    # ------------------------------------------------------------------ finding
    def find(self, text: str) -> list[Finding]:
        """Return the non-overlapping findings in ``text``, in order."""
        if not hasattr(self, "types_"):
            self.fit()
        if not text or (self.nlp_ is None and not any(
                p.search(text) for p in (_ANY_SIGNAL, TITLE_SIGNAL, ROLE_SIGNAL))):
            return []
        found: list[Finding] = []
        types = self.types_
        has_digits = bool(_DIGITS.search(text))
        if "EMAIL" in types and "@" in text:
            found += self._presidio(text, "EMAIL")
        if "URL" in types:
            found += [Finding(m.start(), m.end(), "URL") for m in _URL.finditer(text)]
        if has_digits:
            if "IBAN" in types:
                found += self._presidio(text, "IBAN")
            if "CARD" in types:
                found += self._presidio(text, "CARD")
            for key, patterns in self.patterns_.items():
                for pattern in patterns:
                    for m in pattern.finditer(text):
                        if "id" in pattern.groupindex and m.group("id") is not None:
                            found.append(Finding(m.start("id"), m.end("id"), key))
                        else:
                            found.append(Finding(m.start(), m.end(), key))
            if "PHONE" in types and _PHONE_CANDIDATE.search(text):
                found += self._phones(text)
        if "PERSON" in types and TITLE_SIGNAL.search(text):
            found += [Finding(a, b, "PERSON") for a, b in titled_names(text)]
        if "PERSON" in types and ROLE_SIGNAL.search(text):
            found += [Finding(a, b, "PERSON") for a, b in role_names(text)]
        if self.nlp_ is not None:
            doc = self.nlp_(text)
            found += [Finding(e.start_char, e.end_char, "PERSON") for e in doc.ents
                      if e.label_ in {"PERSON", "PER"}]
        return _resolve(found)

    def _presidio(self, text: str, key: str) -> list[Finding]:
        out = []
        for rec in self.presidio_[key]:
            for r in rec.analyze(text, rec.supported_entities, None):
                # "+55 11..." and "0044 ..." are phone numbers, whatever Luhn says.
                if key == "CARD" and (text[r.start:r.start + 2] == "00"
                                      or text[max(0, r.start - 1):r.start] == "+"):
                    continue
                out.append(Finding(r.start, r.end, key))
        return out

    def _phones(self, text: str) -> list[Finding]:
        import phonenumbers

        out: list[Finding] = []
        seen: set[tuple[int, int]] = set()
        for region in self.phone_regions_:
            for m in phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID, max_tries=200
            ):
                start = m.start
                # "+44 (0)20 ..." is matched from "(0)": take the country code along.
                cc = _COUNTRY_PREFIX.search(text, 0, start)
                if cc and text[start:start + 3] == "(0)":
                    start = cc.start()
                if len(str(m.number.national_number)) < 7:  # "36-27-35" is a figure
                    continue
                if (start, m.end) not in seen:
                    seen.add((start, m.end))
                    out.append(Finding(start, m.end, "PHONE"))
        return out

    # ------------------------------------------------------------------ redaction
    def redact(self, text: str) -> tuple[str, dict[str, int]]:
        """Return ``text`` with findings replaced by ``[TYPE]`` and the count per type."""
        findings = self.find(text)
        if not findings:
            return text, {}
        pieces = []
        last = 0
        for f in findings:
            pieces.append(text[last:f.start])
            pieces.append(f.placeholder)
            last = f.end
        pieces.append(text[last:])
        return "".join(pieces), dict(Counter(f.type for f in findings))

    def transform(self, texts: Iterable[str]) -> tuple[list[str], dict[str, int]]:
        """Redact many texts; return them with the total count per type."""
        total: Counter[str] = Counter()
        out = []
        for text in texts:
            red, counts = self.redact(text)
            out.append(red)
            total.update(counts)
        return out, dict(total)


def _resolve(found: list[Finding]) -> list[Finding]:
    """Keep the highest-priority, then longest, finding where findings overlap."""
    if len(found) < 2:
        return found
    # a type of the user's own (extra_patterns) is more specific than the defaults
    order = sorted(found, key=lambda f: (_PRIORITY.get(f.type, 2.5), -(f.end - f.start), f.start))
    taken: list[Finding] = []
    for f in order:
        if f.end <= f.start:
            continue
        if all(f.end <= t.start or f.start >= t.end for t in taken):
            taken.append(f)
    return sorted(taken, key=lambda f: f.start)


@lru_cache(maxsize=1)
def _presidio_recognisers() -> dict[str, list[Any]]:
    """Presidio's pattern recognisers, used directly (no NLP engine, nothing downloaded)."""
    import tldextract
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
    )

    # The bundled public suffix snapshot; an empty URL list means it is never fetched.
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return extract(pattern_text).fqdn != ""

    cards = CreditCardRecognizer(
        patterns=[*CreditCardRecognizer.PATTERNS, Pattern("Any card (Luhn)", _CARD_GENERIC, 0.3)]
    )
    return {"EMAIL": [OfflineEmailRecognizer()], "CARD": [cards], "IBAN": [IbanRecognizer()]}


@lru_cache(maxsize=4)
def _load_name_model(name: str) -> Any:
    import spacy

    try:
        nlp = spacy.load(name, exclude=["lemmatizer", "textcat"])
    except OSError as exc:
        raise ModelError(
            f"setting 'clean.pii_name_model': spaCy pipeline {name!r} could not be loaded "
            f"({exc}). Give the path of an installed spaCy model with an 'ner' component, "
            "or leave the setting empty to skip person names."
        ) from None
    if not {"ner", "entity_ruler", "span_ruler"} & set(nlp.pipe_names):
        raise ModelError(
            f"setting 'clean.pii_name_model': spaCy pipeline {name!r} has no 'ner' component, "
            "so it cannot find names. Give a pipeline with one (e.g. en_core_web_sm)."
        )
    return nlp


def redactor_from_config(config: Any) -> PiiRedactor:
    """Build a fitted :class:`PiiRedactor` from a :class:`~feedback_mining.config.CleanConfig`."""
    return PiiRedactor(
        types=config.pii_types or None,
        phone_regions=config.phone_regions,
        order_patterns=config.order_patterns or None,
        tracking_patterns=config.tracking_patterns or None,
        account_patterns=config.account_patterns or None,
        name_model=config.pii_name_model,
    ).fit()


def redact_series(
    texts: pd.Series, redactor: PiiRedactor | None = None
) -> tuple[pd.Series, dict[str, int]]:
    """Redact a column of texts; same index. Returns the column and the counts per type."""
    redactor = redactor or PiiRedactor().fit()
    out, counts = redactor.transform(str(t) for t in texts.tolist())
    return pd.Series(out, index=texts.index, dtype=object), counts
