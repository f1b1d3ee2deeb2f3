import datetime as dt

import pytest

from kg.dates import resolve

BASE = dt.date(2021, 11, 24)  # a Wednesday


@pytest.mark.parametrize("text,expected", [
    ("on Tuesday", "2021-11-23"),
    ("Wednesday", "2021-11-24"),
    ("last week", "2021-11"),
    ("in June", "2021-06"),
    ("This February", "2021-02"),
    ("December", "2020-12"),  # months after the article's are last year's
    ("in 2014", "2014"),
    ("March 2014", "2014-03"),
    ("24 November 2021", "2021-11-24"),
    ("April 18, 2024", "2024-04-18"),
    ("mid-October", "2021-10"),
    ("this year", "2021"),
    ("last year", "2020"),
    ("the 1990s", None),
    ("decades", None),
    ("February 30", None),
])
def test_resolve(text, expected):
    assert resolve(text, BASE) == expected


def test_relative_dates_need_the_article_date():
    assert resolve("on Tuesday", None) is None
    assert resolve("in 2014", None) == "2014"
