"""Text that carries no feedback: placeholders, handles, masking tokens and pleasantries.

A redacted verbatim keeps ``[URL]`` or ``[EMAIL]`` where personal data was; exports mask
their own data as ``XXXX`` or ``xx/xx/2024``; support tweets open with ``@brand``; chats
open with "Hi" and close with "Thanks!".  None of that says what the customer's problem is,
so none of it may form or name a theme:

- :func:`content_text` strips it from a text before the text is embedded or its words are
  counted for labels;
- :func:`has_content` tells whether anything is left (a segment of only "Thank you
  support!" is dropped; a verbatim of nothing else is set aside as ``no_content``).

The display text (what quotes and tables show) is left as it was.
"""

from __future__ import annotations

import re

NO_CONTENT = "no_content"

# ``[EMAIL]``, ``[ORDER_ID]``... as written by clean/pii.py, and ``{{Order Number}}``-style
# template slots some exports leave in.
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*\]|\{\{[^{}]{1,40}\}\}")
# Masking by the source system: XXXX, xx/xx/2024, ****1234, #####.
_MASK = re.compile(r"(?i)\b(?:x{2,}[/\-.]?)+(?:\d+)?\b|[*#]{3,}\d*")
_HANDLE = re.compile(r"(?<![\w.])@\w{1,30}")
_HASHTAG_ONLY = re.compile(r"(?<![\w])#(?=\w)")
_URLISH = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# What each pattern above needs to match somewhere in the text: most texts hold none of it,
# and one search is cheaper than five substitutions (the labels read every mention's words).
_MAYBE_NOISE = re.compile(r"(?i)[\[{@#*]|xx|https?:|www\.")

# Words of greeting, thanks, politeness and sign-off.  A piece made only of these (and of
# the customer's or agent's name, which redaction or masking may have removed) is not
# feedback.  "help" and "please" alone ("please help") are a plea, not a problem.
PLEASANTRY_WORDS = frozenset("""
hi hii hiii hey heya hello helo hello hallo yo dear team sir madam maam mam guys all there
morning afternoon evening good day night greetings
thanks thank thankyou thanx thx ty tq tks many much so very lot lots you u your ur in advance
appreciate appreciated appreciation kind kindly regards best cheers bye goodbye cya later
please pls plz plss help assist assistance support customer service care admin
again once more still waiting reply respond response asap urgent urgently
ok okay okey alright right sure yes yeah yep no nope
a an the and or for to of me us we i my our it is am are was be this that have has had
do does did just let know can could would will get got had hope well doing
question questions query queries inquiry enquiry quick something anything wondering wonder
ask asking asked message messaged dm dmd sent send follow followed following up
""".split())


def content_text(text: str) -> str:
    """``text`` without placeholders, masking tokens, @handles and links, spaces squeezed.

    >>> content_text("@AmazonHelp my refund [ORDER_ID] never came, see [URL] XXXX")
    'my refund never came, see'
    """
    if not _MAYBE_NOISE.search(text):
        return _SPACE.sub(" ", text).strip(" ,;:-")
    text = _PLACEHOLDER.sub(" ", text)
    text = _URLISH.sub(" ", text)
    text = _MASK.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG_ONLY.sub("", text)
    return _SPACE.sub(" ", text).strip(" ,;:-")


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not pleasantries, placeholders, masks or handles."""
    return [w for w in _WORD.findall(content_text(text).lower())
            if w not in PLEASANTRY_WORDS]


def has_content(text: str) -> bool:
    """False for a text made only of greetings, thanks, placeholders, masks and handles.

    >>> has_content("Thank you support!"), has_content("Hi @brand [URL]")
    (False, False)
    >>> has_content("Had a question."), has_content("Thanks, but my refund never arrived")
    (False, True)
    """
    return bool(content_words(text))
