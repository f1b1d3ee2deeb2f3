"""Resolve time expressions against the article's date, keeping their granularity.

"in 2014" → "2014" (xsd:gYear), "in June" → "2021-06" (xsd:gYearMonth), "on Tuesday" →
"2021-11-23" (xsd:date). Weekdays, months without a year, and "last week" are read as
the most recent such time before the article (news reports the past), unless the event
is still to come (`future=True`: "will meet on Wednesday", "a summit at the end of May"
in an article of April), when they are the next such time. The result
keeps the granularity the text gives, which general date parsers throw away (they
answer a full datetime for "June"); header dates go through `dateparser` in ingest.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_FILLER = re.compile(r"\b(on|in|at|by|since|during|the|this|that|of|early|late|mid|"
                     r"beginning|end|start|middle|until|from|around|about|before|after|"
                     r"morning|afternoon|evening|night)\b|-", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _month_before(month: int, base: dt.date) -> int:
    return base.year if month <= base.month else base.year - 1


def _month_after(month: int, base: dt.date) -> int:
    return base.year if month >= base.month else base.year + 1


@lru_cache(maxsize=4096)
def resolve(expression: str, base: dt.date | None, future: bool = False) -> str | None:
    """An ISO date, year-month or year for a time expression, or None if unsure.

    `future`: the expression dates an event still to come, so a month or weekday
    without a year is the next one from the article's date, not the last."""
    text = expression.strip().lower()
    if not text or re.search(r"\d{4}s\b|centur|decade|ago\b|years?\b(?! ago)", text) and \
            not re.search(r"\b(this|last|next) year\b", text):
        return None
    words = _FILLER.sub(" ", text).replace(",", " ").split()
    years = _YEAR.findall(text)
    months = [_MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in _MONTHS]
    days = [int(w.rstrip("stndrh")) for w in words
            if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w) and 1 <= int(w.rstrip("stndrh")) <= 31]
    weekdays = [_WEEKDAYS[w] for w in words if w in _WEEKDAYS]
    if years and months and days:
        try:
            return dt.date(int(years[0]), months[0], days[0]).isoformat()
        except ValueError:
            return None
    if years and months:
        return f"{int(years[0]):04d}-{months[0]:02d}"
    if years:
        return years[0]
    if base is None:
        return None
    if months:
        year = (_month_after if future else _month_before)(months[0], base)
        if days:
            try:
                return dt.date(year, months[0], days[0]).isoformat()
            except ValueError:
                return None
        return f"{year:04d}-{months[0]:02d}"
    if weekdays:
        back = (base.weekday() - weekdays[0]) % 7
        if "next" in words or (future and "last" not in words):
            back = -((weekdays[0] - base.weekday()) % 7 or 7)
        return (base - dt.timedelta(days=back)).isoformat()
    if "yesterday" in words:
        return (base - dt.timedelta(days=1)).isoformat()
    if "tomorrow" in words:
        return (base + dt.timedelta(days=1)).isoformat()
    if "today" in words or "tonight" in words:
        return base.isoformat()
    if re.search(r"\b(recent|past|last|coming|next) (few |several )?(days|weeks|months)\b", text):
        return None  # "in recent weeks": a span with no one month or day
    if "week" in text or "weekend" in text:
        day = base
        if "last" in words or "past" in words:
            day = base - dt.timedelta(days=7)
        elif "next" in words or "coming" in words:
            day = base + dt.timedelta(days=7)
        return f"{day.year:04d}-{day.month:02d}"
    if "month" in text:
        if "last" in words or "past" in words:
            day = base.replace(day=1) - dt.timedelta(days=1)
            return f"{day.year:04d}-{day.month:02d}"
        if "next" in words or "coming" in words:
            day = base.replace(day=28) + dt.timedelta(days=4)
            return f"{day.year:04d}-{day.month:02d}"
        return f"{base.year:04d}-{base.month:02d}"
    if "year" in text:
        if "last" in words or "past" in words:
            return str(base.year - 1)
        return str(base.year + 1 if "next" in words or "coming" in words else base.year)
    return None
