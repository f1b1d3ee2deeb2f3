"""`kg build --store DIR`: a persistent store that grows article by article."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg import parallel
from kg.exports import write_all
from kg.pipeline import build
from kg.query import select
from kg.store import GraphStore, StoreError

from .conftest import DEV, SEEDS

DEV_TEXTS = sorted(DEV.glob("d*.txt"))


def _outputs(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.is_file()}


def _state(store: Path) -> dict[str, bytes]:
    """Everything a store holds, file by file (the lock file aside)."""
    return {str(p.relative_to(store)): p.read_bytes() for p in sorted(store.rglob("*"))
            if p.is_file() and p.name != ".lock" and ".kg-cache" not in p.parts}


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A store grown in two builds, and the same articles stored in one build."""
    tmp = tmp_path_factory.mktemp("store")
    first = build([SEEDS, *DEV_TEXTS[:4]], store=tmp / "grown")
    second = build(DEV_TEXTS[4:], store=tmp / "grown")
    write_all(second, tmp / "grown-out", html=False)
    once = build([SEEDS, *DEV_TEXTS], store=tmp / "once")
    write_all(once, tmp / "once-out", html=False)
    return tmp, first, second, once


def test_a_store_grown_in_steps_equals_one_built_at_once(grown):
    tmp, first, second, once = grown
    assert first.added == 5 and second.added == len(DEV_TEXTS) - 4
    assert len(second.extractions) == len(once.extractions) == len(DEV_TEXTS) + 1
    assert _outputs(tmp / "grown-out") == _outputs(tmp / "once-out")


def test_the_store_holds_the_same_facts_as_a_build_in_memory(grown):
    tmp, _, second, _ = grown
    memory = build([SEEDS, *DEV_TEXTS])
    # The store holds the articles' graphs and, as its default graph, their union.
    assert set(second.store) == set(memory.store) | set(memory.union)
    assert second.triples() == memory.triples() == len(memory.union)
    # And its files say the same, to a strict parser: TriG and N-Quads hold the articles'
    # graphs only, Turtle and N-Triples their union.
    import pyoxigraph as ox

    for name, fmt, expected in (("graph.trig", ox.RdfFormat.TRIG, memory.store),
                                ("graph.nq", ox.RdfFormat.N_QUADS, memory.store),
                                ("graph.ttl", ox.RdfFormat.TURTLE, memory.union),
                                ("graph.nt", ox.RdfFormat.N_TRIPLES, memory.union)):
        parsed = ox.Store()
        parsed.bulk_load(path=str(tmp / "grown-out" / name), format=fmt)
        assert set(parsed) == set(expected), name


def test_adding_known_articles_parses_nothing_and_changes_nothing(grown, monkeypatch):
    tmp = grown[0]
    before = _state(tmp / "once")

    def no_parsing(*args, **kwargs):
        raise AssertionError("an article already in the store was parsed again")

    monkeypatch.setattr(parallel, "run_here", no_parsing)
    monkeypatch.setattr(parallel, "run", no_parsing)
    again = build([SEEDS, DEV_TEXTS[0]], store=tmp / "once")
    assert again.added == 0 and again.known == 2
    assert _state(tmp / "once") == before


def test_new_articles_merge_into_the_stored_entities(tmp_path):
    """An old article's short name joins the full name that a later article gives."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Zelensky met NATO officials in Brussels on Monday, "
                               "asking for more air defence.\n")
    (src / "b.txt").write_text("Ukrainian President Volodymyr Zelensky said on Tuesday that "
                               "Russia had attacked Kharkiv overnight.\n")
    store = tmp_path / "store"
    first = build([src / "a.txt"], store=store)
    short = {e.key for e in first.entities.values() if e.label == "Zelensky"}
    assert short, sorted(e.label for e in first.entities.values())
    second = build([src / "b.txt"], store=store)
    people = [e for e in second.entities.values() if "Zelensky" in e.label]
    assert [e.label for e in people] == ["Volodymyr Zelensky"]
    # The first article's graph now names the merged node, and no trace of the old one
    # is left anywhere in the store.
    names, rows = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?m kg:mentionOf ?p . "
                         "?p rdfs:label \"Volodymyr Zelensky\" } }")
    assert len(rows) == 2
    for key in short:
        node = f"<{second.base}{key}>"
        _, rows = select(store, f"SELECT * WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} "
                         f"UNION {{ GRAPH ?g {{ ?s ?p {node} }} }} }} LIMIT 1")
        assert rows == []


def test_a_killed_build_leaves_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    build([SEEDS], store=store)
    before = _state(store)
    # Stop the build at its worst moment: everything of the new generation written but the
    # switch to it, then kill it there.
    script = textwrap.dedent(f"""
        import time
        import kg.store
        real = kg.store._atomic_text
        def slow(path, text, **options):
            if path.name == "CURRENT":
                print("switching", flush=True)
                time.sleep(600)
            real(path, text, **options)
        kg.store._atomic_text = slow
        from kg.pipeline import build
        build([{str(DEV_TEXTS[0])!r}], store={str(store)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "switching"
    assert len(list(store.glob("gen-*"))) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = {k: v for k, v in _state(store).items() if not k.startswith("gen-000002")
             and not k.startswith("records/")}
    assert after == {k: v for k, v in before.items() if not k.startswith("records/")}
    _, rows = select(store, "SELECT ?g WHERE { GRAPH ?g { ?g a kg:Article } }")
    assert len(rows) == 1
    # The next build clears what the killed one left and adds the article.
    again = build([DEV_TEXTS[0]], store=store)
    assert again.added == 1
    assert sorted(p.name for p in store.glob("gen-*")) == ["gen-000002"]


def test_two_builds_cannot_write_one_store(tmp_path):
    with GraphStore(tmp_path / "s", "https://example.org/id/"):
        with pytest.raises(StoreError, match="another build is writing"):
            GraphStore(tmp_path / "s", "https://example.org/id/").open()


def test_store_errors_are_messages(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True,
                              text=True, timeout=300)

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = run("build", str(SEEDS), "--store", str(other), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "not a kg store, and not empty" in r.stderr
    assert (other / "notes.txt").read_text() == "mine"

    store = tmp_path / "store"
    r = run("build", str(SEEDS), "--store", str(store), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "added 1 articles to the store" in r.stdout
    r = run("build", str(SEEDS), "--store", str(store), "--base", "https://example.org/x/",
            "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "--base https://w3id.org/kg-news/id/" in r.stderr
    r = run("query", str(store), "SELECT (COUNT(*) AS ?n) WHERE { ?a a kg:Article }",
            "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines() == ["n", "1"], r.stderr

    (store / "CURRENT").write_text("gen-000009\n")
    r = run("query", str(store), "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert r.returncode == 2 and "damaged kg store" in r.stderr


def test_serve_answers_from_a_store(tmp_path):
    import json
    import socket
    import urllib.parse
    import urllib.request

    store = tmp_path / "store"
    build([SEEDS], store=store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store),
                             "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert "SPARQL endpoint" in proc.stdout.readline()
        q = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a a "
                               "<https://w3id.org/kg-news/ontology#Article> }")
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query={q}",
                                            timeout=10) as resp:
                    body = json.load(resp)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert body["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
