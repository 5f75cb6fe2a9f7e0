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


CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
SSN = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![:\w])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![:\w])")
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]\d{3}[ .-]\d{4}(?!\d)")


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
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
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
    for match in PHONE.finditer(text):
        found.append(PiiEntity("PHONE_NUMBER", *match.span(), 0.9, "validator"))
    return found
