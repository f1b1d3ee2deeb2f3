"""The streaming writers: files that do not depend on how much fits in memory."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import rdf_files
from kg.exports import write_rdf, write_tables_and_network
from kg.pipeline import build
from kg.rdf_files import UnionSorter
from kg.spill import RecordFile
from tests.conftest import DEV


@pytest.fixture(scope="module")
def dev_build():
    return build([DEV])


def test_union_sorter_spills_runs_and_merges_them_sorted_and_distinct(tmp_path):
    lines = [f"<urn:s{n % 7}> <urn:p> \"{n % 5}\"" for n in range(100)]
    sorter = UnionSorter(tmp_path, run=4)
    for n in range(0, 100, 3):
        sorter.add(lines[n:n + 3])
    assert len(sorter.runs) > 1  # it did spill
    assert list(sorter) == sorted(set(lines))
    assert not list(tmp_path.iterdir())  # the runs are gone


def test_files_do_not_depend_on_the_sort_runs(dev_build, tmp_path, monkeypatch):
    """A corpus whose triples spill to disk gives the bytes of one sorted in memory."""
    write_rdf(dev_build, tmp_path / "memory")
    monkeypatch.setattr(rdf_files, "RUN", 500)
    write_rdf(dev_build, tmp_path / "spilled")
    for name in ("graph.nt", "graph.nq", "graph.ttl", "graph.trig"):
        assert (tmp_path / "memory" / name).read_bytes() == \
            (tmp_path / "spilled" / name).read_bytes(), name
    assert not [p for p in (tmp_path / "spilled").iterdir() if p.name.startswith(".")]


def test_files_hold_the_builds_quads_each_triple_once(dev_build, tmp_path):
    write_rdf(dev_build, tmp_path)
    nt = (tmp_path / "graph.nt").read_text("utf-8").splitlines()
    assert nt == sorted(set(nt))
    assert len(nt) == dev_build.triples() == len(dev_build.union)
    quads = set(ox.parse(path=tmp_path / "graph.nq", format=ox.RdfFormat.N_QUADS))
    assert quads == set(ox.parse(path=tmp_path / "graph.trig", format=ox.RdfFormat.TRIG))
    assert quads == set(dev_build.store)
    triples = {(q.subject, q.predicate, q.object)
               for q in ox.parse(path=tmp_path / "graph.ttl", format=ox.RdfFormat.TURTLE)}
    assert {(q.subject, q.predicate, q.object) for q in quads} == triples


def test_records_are_read_back_merged_in_input_order(dev_build):
    records = dev_build.extractions
    assert isinstance(records, RecordFile)
    sources = [x.article.source for x in records]
    assert sources == sorted(sources)  # build() reads a folder in name order
    assert [x.article.id for x in records[1:3]] == records.ids()[1:3]
    assert records[-1].article.id == records.ids()[-1]
    # The merge is applied on reading: no record names a person by a merged-away key.
    keys = {e.key for x in records for e in x.entities}
    assert keys <= set(dev_build.entities)
    assert sum(len(x.events) for x in records) == records.events == \
        dev_build.summary()["events"]


def test_tables_list_every_event_and_relation(dev_build, tmp_path):
    import csv

    write_tables_and_network(dev_build, tmp_path, html=False)
    with open(tmp_path / "events.csv", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) - 1 == dev_build.extractions.events
    with open(tmp_path / "relations.csv", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) - 1 == dev_build.extractions.facts
