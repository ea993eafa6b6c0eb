"""Handle normalisation: one canonical string per way of reaching a person.

- email: trimmed, ``mailto:`` and angle brackets dropped, lower-cased (local parts are case-insensitive
  in practice, whatever RFC 5321 allows);
- phone: E.164 with ``phonenumbers``, numbers without a country code read in the default region;
- linkedin / url: scheme, ``www.``, query, fragment and trailing slash dropped, host lower-cased;
  LinkedIn profiles become ``linkedin.com/in/<slug>``;
- chat: ``service:id``, service lower-cased, id trimmed.

Each function returns ``None`` for a value that is not a handle of that kind.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import phonenumbers

from tieline.records import Handle

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
_LINKEDIN_PROFILE = re.compile(r"^(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub|profile)/([^/?#]+)", re.I)


def email(value: str) -> str | None:
    v = value.strip().strip("<>").strip()
    if v.lower().startswith("mailto:"):
        v = v[7:]
    v = v.split("?", 1)[0].strip().strip("<>").lower()
    return v if _EMAIL.match(v) else None


def phone(value: str, region: str | None = None) -> str | None:
    v = value.strip()
    if v.lower().startswith("tel:"):
        v = v[4:]
    digits = re.sub(r"\D", "", v)
    if len(digits) < 3:
        return None
    if v.startswith("00"):
        v = "+" + v[2:]
    try:
        parsed = phonenumbers.parse(v, (region or "US").upper())
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number(parsed):
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    # Short codes and odd local numbers still identify someone: keep the digits.
    return ("+" if v.startswith("+") else "") + digits


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
        value = phone(handle.value, region)
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
