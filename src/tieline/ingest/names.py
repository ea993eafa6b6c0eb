"""People's names, parsed and compared: what says two records may be one person.

A name is folded before it is compared: invisible characters dropped, compatibility forms and
look-alike letters from another script mapped to plain Latin, accents and case folded. It is then
split into given, middle and family names — from the record's own fields where a source has them,
otherwise by ``nameparser`` (``Lovelace, Ada``, ``Dr. Ada Lovelace``, ``Ada Lovelace Jr.``) — and
two names are scored with ``rapidfuzz`` part by part.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from rapidfuzz import fuzz

# Letters of other scripts that look like Latin ones, used to fake or mistype a Latin name.
_LOOK_ALIKE = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјорсхуѕԁһӏɑοαειτκνρχΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "ABESIJKMHOPCTXYaeijopcxysdhlaoaeitkvpxABEHIKMNOPTXYZ",
)
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


@dataclass(frozen=True, slots=True)
class Name:
    given: str
    middle: str
    family: str
    suffix: str

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


def fold(text: str) -> str:
    """Invisible characters out, look-alikes to Latin (only in a name that mixes scripts), accents and case off."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc", "Mn", "Zl", "Zp"))
    if _mixes_scripts(text):
        text = text.translate(_LOOK_ALIKE)
    text = text.casefold()
    if any("а" <= c <= "я" or c == "ё" for c in text):
        text = "".join(_CYRILLIC.get(c, c) for c in text).replace("-", "")
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    kept = "".join(c if c.isalnum() or c in " ,.'-" else " " for c in text if not unicodedata.combining(c))
    # a hyphen joins one name (Jean-Pierre is not Jean-Paul); an apostrophe is dropped (O'Brien, OBrien)
    return " ".join(kept.replace("'", "").split())


def _mixes_scripts(text: str) -> bool:
    latin = other = False
    for c in text:
        if c.isalpha():
            if c.isascii():
                latin = True
            elif "\u0370" <= c <= "\u04ff":
                other = True
    return latin and other


@lru_cache(maxsize=100_000)
def parse(name: str, given: str | None = None, family: str | None = None) -> Name:
    """Given / middle / family / suffix, folded; the record's own fields win over parsing the whole name."""
    human = HumanName(fold(name)) if name else None
    g = fold(given) if given else (human.first if human else "")
    f = fold(family) if family else (human.last if human else "")
    middle = human.middle if human and not given else ""
    suffix = human.suffix if human else ""
    if human is not None and not given and not family and human.nickname and not g:
        g = human.nickname
    return Name(g.strip(" .,"), middle.strip(" .,"), f.strip(" .,"), suffix.strip(" .,"))


def _given_score(a: str, b: str) -> float:
    if not a or not b:
        return 0.6
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:  # an initial: "A. Lovelace"
        return 0.85 if a[0] == b[0] else 0.0
    ratio = fuzz.ratio(a, b) / 100
    return ratio if ratio >= 0.8 else 0.0


def similarity(a: Name, b: Name) -> float:
    """0 to 1: how alike two parsed names are. The family names must be alike; order may be swapped."""
    return max(_similarity(a, b), 0.95 * _similarity(a, Name(b.family, b.middle, b.given, b.suffix)))


def _similarity(a: Name, b: Name) -> float:
    if not a.family or not b.family:
        return 0.0
    family = 1.0 if a.family == b.family else fuzz.ratio(a.family, b.family) / 100
    if family < 0.85:
        return 0.0
    return family * _given_score(a.given, b.given)


def same_for_sure(a: Name, b: Name) -> bool:
    """Names alike enough to join two records that share only a phone number: every part the same."""
    return (
        bool(a.given and a.family)
        and a.given == b.given
        and a.family == b.family
        and a.suffix == b.suffix
        and _middles_agree(a.middle, b.middle)
    )


def _middles_agree(a: str, b: str) -> bool:
    """No middle name, the same one, or an initial of it (Grace B. Hopper, Grace Brewster Hopper)."""
    if not a or not b or a == b:
        return True
    return (len(a) == 1 or len(b) == 1) and a[0] == b[0]
