"""`kg eval` on the dev set: the scores must not fall under their floors."""

from __future__ import annotations

import pytest

from kg.evaluate import evaluate, format_report

from .conftest import DEV

# A little under what the extractor reaches today; raise them as it improves.
FLOORS = {
    "entities (typed)": 0.95,
    "officialOf": 0.88,
    "leaderOf": 0.82,
    "role": 0.92,
    "memberOf": 0.90,
    "locatedIn": 0.80,
    "event pairs": 0.635,
    "typed events": 0.555,
}


@pytest.fixture(scope="module")
def report():
    return evaluate(DEV)


def test_all_dev_articles_are_scored(report):
    assert report["articles"] == 11


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_scores_stay_above_their_floor(report, measure):
    assert report["scores"][measure]["f1"] >= FLOORS[measure], format_report(report)


def test_date_accuracy(report):
    # 55 of 65 matched events; the two last matched (assets frozen by Obama) have no
    # time in their sentence, so the ratio fell from 55/63 while no date got worse
    assert report["date accuracy"]["accuracy"] >= 0.84


def test_show_errors_names_articles_and_misses(report):
    text = format_report(report, show_errors=True)
    assert "== d01" in text and "FN" in text
