"""Handle normalisation: one canonical string per way of reaching a person.

- email: trimmed, ``mailto:`` and angle brackets dropped, lower-cased (local parts are case-insensitive
  in practice, whatever RFC 5321 allows);
- phone: E.164 with ``phonenumbers`` when the country is known (from the number, the export or ``--region``),
  the digits as written otherwise; an extension is kept as ``;ext=N``;
- linkedin / url: scheme, ``www.``, query, fragment and trailing slash dropped, host lower-cased;
  LinkedIn profiles become ``linkedin.com/in/<slug>``;
- chat: ``service:id``, service lower-cased, id trimmed.

Each function returns ``None`` for a value that is not a handle of that kind.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import phonenumbers
from phonenumbers.phonenumberutil import _choose_formatting_pattern_for_number

from tieline.records import Handle

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
_LINKEDIN_PROFILE = re.compile(r"^(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub|profile)/([^/?#]+)", re.I)


def email(value: str) -> str | None:
    v = value.strip().strip("<>").strip()
    if v.lower().startswith("mailto:"):
        v = v[7:]
    v = v.split("?", 1)[0].strip().strip("<>").lower()
    return v if _EMAIL.match(v) else None


_EXTENSION = re.compile(r"\s*(?:;\s*ext=|,|#|\b(?:x|ext\.?|extn\.?|extension)\s*)\s*(\d{1,7})\s*$", re.I)
MIN_DIGITS = 7  # shorter numbers (short codes, "123456") identify nobody


def phone(value: str, region: str | None = None) -> str | None:
    """E.164 (``+442079460958``) when the country is known, else the digits as written; ``;ext=N`` kept.

    The country comes from the number itself (``+44``, ``0044``) or from ``region`` (the export or
    ``--region``), never from a default: a national number in an unknown country is stored as written and
    matches only the same digits. A number written without the trunk prefix its region requires
    (``(555) 123-4567`` read as British) is not that region's number either.
    """
    v = value.strip()
    if v.lower().startswith("tel:"):
        v = v[4:]
    ext = ""
    m = _EXTENSION.search(v)
    if m and len(re.sub(r"\D", "", v[: m.start()])) >= MIN_DIGITS:
        ext, v = f";ext={m.group(1)}", v[: m.start()]
    v = v.split(";", 1)[0].strip()
    digits = re.sub(r"\D", "", v)
    if len(digits) < 3:
        return None
    international = v.startswith("+") or digits.startswith("00") and v.lstrip("( ").startswith("00")
    if international:
        digits = digits[2:] if not v.startswith("+") else digits
        parsed = _parse("+" + digits, None)
    elif region and len(digits) >= MIN_DIGITS:
        parsed = _parse(digits, region.upper())
        if parsed is not None and not _written_as_national(parsed, digits, region.upper()):
            parsed = None
    else:
        parsed = None
    # A number with its country code is written E.164 when it can be; whether it is valid is asked only
    # when it would join people (matchable_phone). One read in a region must be valid there to be its.
    if parsed is not None and (
        international and phonenumbers.is_possible_number(parsed) or phonenumbers.is_valid_number(parsed)
    ):
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)) + ext
    return ("+" if international else "") + digits + ext


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _written_as_national(parsed: phonenumbers.PhoneNumber, digits: str, region: str) -> bool:
    """Whether digits with no country code read as a number of ``region`` as people there write it."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = meta.national_prefix if meta is not None else None
    if not prefix or digits.startswith(prefix):
        return True
    nsn = phonenumbers.national_significant_number(parsed)
    fmt = _choose_formatting_pattern_for_number(meta.number_format, nsn) if meta else None
    rule = fmt.national_prefix_formatting_rule if fmt is not None else None
    return not rule or prefix not in rule or bool(fmt and fmt.national_prefix_optional_when_formatting)


@lru_cache(maxsize=200_000)
def matchable_phone(value: str) -> bool:
    """Whether a stored phone number may point at a person at all: valid, long enough, not a placeholder."""
    base = value.split(";", 1)[0]
    digits = base.lstrip("+")
    if len(digits) < MIN_DIGITS or len(set(digits)) <= 2 or digits in "01234567890" or digits in "9876543210":
        return False
    if base.startswith("+"):
        parsed = _parse(base, None)
        return parsed is not None and phonenumbers.is_valid_number(parsed)
    return True


COUNTRIES: dict[str, str] = {}


def region_of(country: str | None) -> str | None:
    """An ISO region code for a country as exports write it (``India``, ``GB``, ``United Kingdom``)."""
    if not country:
        return None
    if not COUNTRIES:
        # The geocoder's data take a third of a second to load: only an import that reads countries needs them.
        from phonenumbers.geocoder import _region_display_name

        for code in phonenumbers.SUPPORTED_REGIONS:
            COUNTRIES[code.casefold()] = code
            name = _region_display_name(code, "en")
            if name:
                COUNTRIES[name.casefold()] = code
        COUNTRIES.update({"uk": "GB", "usa": "US", "england": "GB", "scotland": "GB", "wales": "GB"})
    text = country.strip().casefold()
    # "Bengaluru, Karnataka, India": the country comes last
    return COUNTRIES.get(text) or COUNTRIES.get(text.rsplit(",", 1)[-1].strip())


def url(value: str) -> str | None:
    v = value.strip()
    if not v or " " in v:
        return None
    if "://" not in v:
        v = "https://" + v
    try:
        parts = urlsplit(v)
        host = (parts.hostname or "").lower()
    except ValueError:  # "[" or "http://[x": not a URL (found by the property test)
        return None
    if not host or "." not in host:
        return None
    if host.startswith("www."):
        host = host[4:]
    path = unquote(parts.path).rstrip("/")
    canonical = host + path
    m = _LINKEDIN_PROFILE.match(canonical)
    if m:
        return f"linkedin.com/{m.group(1).lower()}/{m.group(2).lower()}"
    return canonical


def chat(value: str) -> str | None:
    v = value.strip()
    if ":" not in v:
        return None
    service, ident = v.split(":", 1)
    service, ident = service.strip().lower(), ident.strip()
    return f"{service}:{ident}" if service and ident else None


def normalise(handle: Handle, region: str | None = None) -> tuple[str, str] | None:
    """(kind, canonical value) for a handle, or None when it is not usable."""
    kind = handle.kind
    if kind == "email":
        value = email(handle.value)
    elif kind == "phone":
        value = phone(handle.value, region_of(handle.country) or region)
    elif kind in ("url", "linkedin"):
        value = url(handle.value)
        if value is not None and value.startswith("linkedin.com/"):
            kind = "linkedin"
        elif value is not None:
            kind = "url"
    elif kind == "chat":
        value = chat(handle.value)
    else:
        return None
    return (kind, value) if value else None


def guess(value: str, region: str | None = None) -> tuple[str, str] | None:
    """Normalise a handle typed by a user without a kind: email, URL, phone, or ``service:id``."""
    v = value.strip()
    if "@" in v and (n := email(v)):
        return ("email", n)
    if re.match(r"^(https?://|www\.|[a-z]{2,3}\.linkedin\.com|linkedin\.com)", v, re.I):
        return normalise(Handle("url", v), region)
    if re.match(r"^[+\d(][\d\s().\-/]{4,}$", v):
        return normalise(Handle("phone", v), region)
    return normalise(Handle("chat", v), region)
