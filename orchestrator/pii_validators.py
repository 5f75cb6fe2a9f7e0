"""PII found by format and checksum, where a strict one exists.

A checksum tells a card number from an order number with certainty, which no tagger can;
these spans are trusted on their own (source "validator").
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PiiEntity:
    type: str
    start: int
    end: int
    score: float
    source: str  # "model", "validator" or "model+validator"


CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){11,18}\d(?![\d-])")
# Maestro issues 12-digit cards too, under 50 and 56-69; other 12-digit runs are not cards.
MAESTRO_12 = re.compile(r"50|5[6-9]|6\d")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
SSN = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![:\w])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![:\w])")
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]\d{3}[ .-]\d{4}(?!\d)")
# Other national formats ("032 288 79 44", "(02) 4028 5461", "+49 30 901820"): digit groups
# that only count with a "+" country code, a phone word shortly before ("call", "mobile",
# "text ... at") or an "-Office"/"-Fax" label after. Without one, "order 1234 5678" and
# "from 1 200 to 3 400" would be phone numbers.
GROUPED_DIGITS = re.compile(
    r"(?<![\w+.])(\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{2,6}(?:[ .-]\d{2,6}){1,4}(?!\w)(?![.,]\d)"
)
PHONE_CUE = re.compile(
    r"\b(?:phone|mobile|cell|cellphone|call|text|tel|telephone|fax|whatsapp|sms|dial|ring"
    r"|contact)\b[^.!?\n]{0,30}$",
    re.IGNORECASE,
)
PHONE_LABEL = re.compile(r"\s*-?\s*\(?(?:office|fax|mobile|home|work|cell)\b", re.IGNORECASE)
NOT_PHONE_CUE = re.compile(
    r"\b(?:order|invoice|account|tracking|ticket|reference|ref|serial|case|id)\b"
    r"\W*(?:number|no\.?|#)?\W*$",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """Rules of the SSA: no 000/666/9xx area, no 00 group, no 0000 serial."""
    return (
        area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


def find_validated(text: str) -> list[PiiEntity]:
    found: list[PiiEntity] = []
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        length_ok = 13 <= len(digits) <= 19 or (
            len(digits) == 12 and MAESTRO_12.match(digits) is not None
        )
        if length_ok and luhn_valid(digits) and len(set(digits)) > 1:
            found.append(PiiEntity("CREDIT_CARD", *match.span(), 1.0, "validator"))
    for match in IBAN.finditer(text):
        if iban_valid(match.group()):
            found.append(PiiEntity("IBAN_CODE", *match.span(), 1.0, "validator"))
    for match in SSN.finditer(text):
        if ssn_valid(*match.groups()):
            found.append(PiiEntity("US_SSN", *match.span(), 1.0, "validator"))
    for match in EMAIL.finditer(text):
        found.append(PiiEntity("EMAIL_ADDRESS", *match.span(), 1.0, "validator"))
    for pattern in (IPV4, IPV6):
        for match in pattern.finditer(text):
            try:
                address = ipaddress.ip_address(match.group())
            except ValueError:
                continue
            if not (address.is_loopback or address.is_unspecified):
                found.append(PiiEntity("IP_ADDRESS", *match.span(), 1.0, "validator"))
    phones = [match.span() for match in PHONE.finditer(text)]
    for match in GROUPED_DIGITS.finditer(text):
        overlapping = any(start < match.end() and match.start() < end for start, end in phones)
        if not overlapping and is_phone(text, match):
            phones.append(match.span())
    for span in sorted(phones):
        found.append(PiiEntity("PHONE_NUMBER", *span, 0.9, "validator"))
    return found


def is_phone(text: str, match: re.Match[str]) -> bool:
    digits = sum(c.isdigit() for c in match.group())
    if not 7 <= digits <= 15:
        return False
    before = text[max(0, match.start() - 40) : match.start()]
    if NOT_PHONE_CUE.search(before):
        return False
    return (
        match.group(1) is not None
        or PHONE_CUE.search(before) is not None
        or PHONE_LABEL.match(text, match.end()) is not None
    )
