"""Personal data is replaced by typed placeholders; ordinary numbers are left alone."""

from __future__ import annotations

import pytest

from feedback_mining.clean.pii import PiiRedactor
from feedback_mining.errors import ConfigError


@pytest.fixture(scope="module")
def redactor():
    return PiiRedactor().fit()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jane.doe+shop@mail.example.co.uk please", "EMAIL"),
        ("call +44 20 7946 0958 after 5", "PHONE"),
        ("call 020 7946 0958 after 5", "PHONE"),
        ("call (212) 555-0187 after 5", "PHONE"),
        ("call 0049 30 901820 after 5", "PHONE"),
        ("mon portable 06 12 34 56 78 merci", "PHONE"),
        ("call +33 (0)1 42 68 53 00 today", "PHONE"),
        ("card 4111 1111 1111 1111 charged twice", "CARD"),
        ("card 3782-822463-10005 charged", "CARD"),
        ("refund to DE89 3704 0044 0532 0130 00 please", "IBAN"),
        ("refund to GB82WEST12345698765432 please", "IBAN"),
        ("see https://shop.example.com/returns?id=4 now", "URL"),
        ("see www.example.org for it", "URL"),
        ("send it to 1777 Kramer Court, Johnsonfurt, NE 80119 today", "ADDRESS"),
        ("send it to Hauptstraße 5, 10115 Berlin today", "ADDRESS"),
        ("order #A1234567 never came", "ORDER_ID"),
        ("order 123-4567890-1234567 never came", "ORDER_ID"),
        ("tracking number 1Z999AA10123456784 is stuck", "TRACKING_ID"),
        ("parcel RR123456789GB is stuck", "TRACKING_ID"),
        ("my account no. 88812345 was charged", "ACCOUNT_ID"),
    ],
)
def test_each_type_is_replaced_by_its_placeholder(redactor, text, kind):
    red, counts = redactor.redact(text)
    assert counts == {kind: 1}
    assert f"[{kind}]" in red
    # the words around it survive
    assert red.split()[0] == text.split()[0]


@pytest.mark.parametrize(
    "text",
    [
        "it cost $45.99 and took 2 weeks",
        "I wear a size 12, 5'4\" and 130 lbs, 34B",
        "my order arrived 3 days late",
        "returned it on 12/03/2021 at 10:30, 30% off",
        "for reference 32-26-35, size 00p",
        "ordered 20 items in 2019 and 4 were missing",
        "refund of £120.50 is still missing after 7-10 business days",
        "I loved it after seeing it online.it is a pullover",
        "fine.It was ok, e.g. the fit",
    ],
)
def test_ordinary_numbers_are_not_personal_data(redactor, text):
    assert redactor.redact(text) == (text, {})


def test_card_must_pass_luhn(redactor):
    assert redactor.redact("card 4111 1111 1111 1112 charged")[1] == {}


def test_iban_must_pass_checksum(redactor):
    assert "IBAN" not in redactor.redact("refund to DE89 3704 0044 0532 0130 01 please")[1]
    assert "IBAN" not in redactor.redact("refund to GB82WEST12345698765433 please")[1]


def test_custom_order_pattern_and_type():
    r = PiiRedactor(order_patterns=[r"\bZX-\d{4}\b"],
                    extra_patterns={"MEMBER_NO": [r"\bM\d{6}\b"]}).fit()
    red, counts = r.redact("box ZX-1234 for member M123456")
    assert red == "box [ORDER_ID] for member [MEMBER_NO]"
    assert counts == {"ORDER_ID": 1, "MEMBER_NO": 1}


def test_bad_pattern_names_the_setting():
    with pytest.raises(ConfigError, match="order_patterns"):
        PiiRedactor(order_patterns=["(unclosed"]).fit()


def test_unknown_region_names_the_setting():
    with pytest.raises(ConfigError, match="phone_regions"):
        PiiRedactor(phone_regions=["XX"]).fit()


def test_person_needs_a_name_model_unless_after_a_title(redactor):
    # no model configured: a bare name is not guessed...
    assert redactor.redact("Anna Smith was rude")[1] == {}
    # ...but a name after a title is one (the title stays)
    assert redactor.redact("Thanks to Mr Anders Berg Holm, my rider") == (
        "Thanks to Mr [PERSON], my rider", {"PERSON": 1})
    assert redactor.redact("mr berg sang a song, ms. lee too")[0] == \
        "mr [PERSON] sang a song, ms. [PERSON] too"
    for text in ["I miss the old app", "thank you sir for the help", "Dr. is in today",
                 "my size is ms"]:
        assert redactor.redact(text) == (text, {}), text


def test_a_name_after_a_role_or_before_customer_service_is_redacted(redactor):
    assert redactor.redact("The rider Oskarsson was polite, agent named Brunhilde too")[0] \
        == "The rider [PERSON] was polite, agent named [PERSON] too"
    assert redactor.redact("Ingrid from customer service sorted it") == (
        "[PERSON] from customer service sorted it", {"PERSON": 1})
    # an English word after a role is no name, and a name is not looked for across lines
    for text in ["the driver was nice", "driver Nice guy", "Driver Overcharged me",
                 "Lack of customer service", "Disappointed at the customer service",
                 "the driver\nGrab was late"]:
        assert redactor.redact(text) == (text, {}), text


def test_person_with_a_user_supplied_spacy_pipeline(tmp_path):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "anna"}, {"LOWER": "smith"}]}])
    nlp.to_disk(tmp_path / "names")
    r = PiiRedactor(name_model=str(tmp_path / "names")).fit()
    assert r.redact("Anna Smith was rude, call 020 7946 0958") == (
        "[PERSON] was rude, call [PHONE]", {"PERSON": 1, "PHONE": 1})


def test_missing_name_model_says_what_to_do(tmp_path):
    from feedback_mining.errors import ModelError

    with pytest.raises(ModelError, match="pii_name_model"):
        PiiRedactor(name_model=str(tmp_path / "nope")).fit()


def test_placeholders_never_become_theme_keywords():
    from feedback_mining.themes.labels import tokenize

    assert tokenize("Refund to [IBAN] late, call [PHONE] or [ORDER_ID]") == [
        "refund", "to", "late", "call", "or"]
