"""Numbers and lateness as a reader of each language writes them (Indonesian 1,5 jam; English
1.5 hours; "tercatat tepat pada batas waktu", never "0 jam terlambat"): used by the rules'
explanations (rules/explanations.py) and by the notifications staff get (domain/notifications.py).
"""
from __future__ import annotations

import math

# {late} in a rule's description: how late the clock was missed, in words (from the fact hours_late)
LATE = {"id": {"zero": "tercatat tepat pada batas waktu", "seconds": "kurang dari 1 menit terlambat",
               "minutes": "{n} menit terlambat", "minute": "{n} menit terlambat",
               "hours": "{n} jam terlambat", "hour": "{n} jam terlambat"},
        "en": {"zero": "recorded at the deadline", "seconds": "less than a minute late",
               "minutes": "{n} minutes late", "minute": "{n} minute late",
               "hours": "{n} hours late", "hour": "{n} hour late"}}


def number_text(value: float, lang: str = "en") -> str:
    """A number as a reader of `lang` writes it: whole numbers plainly, others with at most two
    decimals and the language's decimal mark (Indonesian 1,5; English 1.5)."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def late_text(hours, lang: str = "en") -> str:
    """How late a deadline was missed, in words: at the deadline itself, under a minute, in minutes
    below an hour, else in hours ("tercatat tepat pada batas waktu", "25 menit terlambat",
    "1,5 jam terlambat"; "recorded at the deadline", "25 minutes late", "1.5 hours late")."""
    words = LATE[lang if lang in LATE else "en"]
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not math.isfinite(hours):
        return words["hours"].format(n=str(hours))
    if hours <= 0:
        return words["zero"]
    minutes = round(hours * 60)
    if minutes < 1:
        return words["seconds"]
    if minutes < 60:
        return words["minute" if minutes == 1 else "minutes"].format(n=minutes)
    n = number_text(round(hours, 2), lang)
    return words["hour" if n == "1" else "hours"].format(n=n)
