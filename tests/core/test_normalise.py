from __future__ import annotations

import pytest

from tieline.ingest.normalise import email, guess, normalise, phone, url
from tieline.records import Handle


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ADA@Example.com", "ada@example.com"),
        ("  mailto:Ada@Example.COM ", "ada@example.com"),
        ("<grace@navy.mil>", "grace@navy.mil"),
        ("mailto:ada@example.com?subject=hi", "ada@example.com"),
        ("not an address", None),
        ("two@@example.com", None),
        ("", None),
    ],
)
def test_emails_are_lower_cased_and_stripped(raw: str, expected: str | None) -> None:
    assert email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+44 20 7946 0958", None, "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("(415) 555-0132", "US", "+14155550132"),
        ("0044 20 7946 0958", None, "+442079460958"),
        ("tel:+1-415-555-0132", None, "+14155550132"),
        ("12", None, None),
        ("", None, None),
    ],
)
def test_phone_numbers_become_e164(raw: str, region: str | None, expected: str | None) -> None:
    assert phone(raw, region) == expected


def test_short_codes_keep_their_digits() -> None:
    assert phone("72404") == "72404"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/in/Ada-Lovelace/", "linkedin.com/in/ada-lovelace"),
        ("http://uk.linkedin.com/in/ada-lovelace?trk=x#top", "linkedin.com/in/ada-lovelace"),
        ("linkedin.com/in/ada%2Dlovelace", "linkedin.com/in/ada-lovelace"),
        ("https://Example.com/people/ada/", "example.com/people/ada"),
        ("no spaces allowed.com/x y", None),
        ("localhost", None),
    ],
)
def test_profile_urls_have_one_canonical_form(raw: str, expected: str | None) -> None:
    assert url(raw) == expected


def test_a_url_handle_on_linkedin_becomes_a_linkedin_handle() -> None:
    assert normalise(Handle("url", "https://www.linkedin.com/in/grace")) == (
        "linkedin",
        "linkedin.com/in/grace",
    )


def test_chat_ids_keep_the_id_and_fold_the_service() -> None:
    assert normalise(Handle("chat", " WhatsApp:Grace Hopper ")) == ("chat", "whatsapp:Grace Hopper")
    assert normalise(Handle("chat", "no-service")) is None


def test_guess_reads_what_a_user_types() -> None:
    assert guess("Ada@Example.com") == ("email", "ada@example.com")
    assert guess("+44 20 7946 0958") == ("phone", "+442079460958")
    assert guess("https://linkedin.com/in/ada") == ("linkedin", "linkedin.com/in/ada")
    assert guess("telegram:user42") == ("chat", "telegram:user42")
