"""The command line as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.cli import main

from .conftest import SEEDS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=300)


def test_help_does_not_load_spacy():
    code = ("import sys; from kg.cli import parser; parser().format_help(); "
            "import kg; print('spacy' in sys.modules, 'rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]


def test_query_does_not_load_spacy(seed_build):
    _, out = seed_build
    code = ("import sys; from kg.cli import main; "
            f"main(['query', {str(out)!r}, 'ASK {{ ?s ?p ?o }}']); "
            "print('spacy' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.split() == ["true", "False"], r.stderr


def test_query_prints_a_table_csv_and_json(seed_build, capsys):
    _, out = seed_build
    q = "SELECT ?name WHERE { ?p kg:role \"Secretary of State\" ; rdfs:label ?name }"
    assert main(["query", str(out), q]) == 0
    assert "Antony Blinken" in capsys.readouterr().out
    assert main(["query", str(out), q, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "Antony Blinken"]
    assert main(["query", str(out), q, "--format", "json"]) == 0
    bindings = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert bindings[0]["name"]["value"] == "Antony Blinken"
    assert main(["query", str(out / "graph.ttl"), "ASK { ?s a kg:Event }"]) == 0
    assert capsys.readouterr().out == "true\n"


def test_query_reaches_each_article_graph(seed_build, capsys):
    _, out = seed_build
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a kg:Article } }"
    assert main(["query", str(out), q, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "1"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX x: <urn:x>\nDELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
])
def test_query_is_read_only(seed_build, capsys, update):
    _, out = seed_build
    before = (out / "graph.trig").read_bytes()
    assert main(["query", str(out), update]) == 2
    assert "read-only" in capsys.readouterr().err
    assert (out / "graph.trig").read_bytes() == before


def test_query_errors_are_messages(tmp_path, capsys):
    assert main(["query", str(tmp_path), "SELECT * WHERE { ?s ?p ?o }"]) == 2
    assert "kg build" in capsys.readouterr().err
    (tmp_path / "graph.trig").write_text("")
    assert main(["query", str(tmp_path), "SELEKT"]) == 2
    assert "syntax" in capsys.readouterr().err.lower()


def test_build_skips_a_bad_file_and_says_so(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "seed.txt").write_text((SEEDS / "000_5e78a985b3dcfe65.txt").read_text("utf-8"))
    (src / "broken.txt").write_bytes(b"\x00\xff\x00binary")
    out = tmp_path / "out"
    r = run("build", str(src), "--out", str(out), "--no-html")
    assert r.returncode == 1, r.stderr
    assert "broken.txt" in r.stderr and "binary" in r.stderr
    assert "1 articles" in r.stdout and "1 skipped" in r.stdout
    assert (out / "graph.ttl").stat().st_size > 10_000


def test_build_with_nothing_usable_fails_cleanly(tmp_path):
    r = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "no such file" in r.stderr and "Traceback" not in r.stderr


def _page_labels(html: str) -> set[str]:
    data = json.loads(html.split('<script id="kg-data" type="application/json">', 1)[1]
                      .split("</script>", 1)[0])
    return {n["label"] for n in data["nodes"]}


def test_view_renders_a_neighbourhood(seed_build, tmp_path):
    _, out = seed_build
    page = tmp_path / "russia.html"
    assert main(["view", str(out), "--focus", "Russia", "--depth", "1",
                 "--output", str(page)]) == 0
    labels = _page_labels(page.read_text("utf-8"))
    assert {"Russia", "NATO", "Sergei Lavrov"} <= labels
    assert "Donbas" not in labels  # two steps away, through East Ukraine
    everything = _page_labels((out / "graph.html").read_text("utf-8"))
    assert labels < everything


def test_view_keeps_the_most_central(seed_build, tmp_path):
    _, out = seed_build
    page = tmp_path / "top.html"
    assert main(["view", str(out), "--top", "5", "--output", str(page)]) == 0
    labels = _page_labels(page.read_text("utf-8"))
    assert len(labels) == 5 and {"Russia", "United States"} <= labels


def test_view_of_an_unknown_entity_is_an_error(seed_build, tmp_path, capsys):
    _, out = seed_build
    assert main(["view", str(out), "--focus", "Atlantis", "--output",
                 str(tmp_path / "x.html")]) == 2
    assert "Atlantis" in capsys.readouterr().err


def test_a_missing_model_is_one_clear_error_in_parallel_too(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kg", "build", str(SEEDS), "--out",
                        str(tmp_path / "o"), "--processes", "2", "--model", "xx_no_such_model"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "xx_no_such_model" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_unwritable_output_is_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = run("build", str(SEEDS), "--out", str(blocker))
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_every_edge_of_the_dev_network_has_its_own_id(tmp_path):
    from kg.pipeline import build
    from kg.view import network_data, summarize

    from .conftest import DEV

    result = build([DEV / "d05.txt", DEV / "d07.txt", DEV / "d09.txt"])
    network = result.network(asserted_only=False)
    ids = [k for _u, _v, k in network.edges(keys=True)]
    assert len(ids) == len(set(ids))
    _, edges = network_data(summarize(network))
    page_ids = [e["id"] for e in edges]
    assert len(page_ids) == len(set(page_ids))


def test_build_on_a_local_dask_cluster_writes_what_one_process_writes(tmp_path):
    r = run("build", str(SEEDS), "--out", str(tmp_path / "one"), "--no-html")
    assert r.returncode == 0, r.stderr
    r = run("build", str(SEEDS), "--out", str(tmp_path / "dask"), "--no-html",
            "--engine", "dask", "--no-cache")
    assert r.returncode == 0, r.stderr
    one = {f.name: f.read_bytes() for f in (tmp_path / "one").iterdir() if f.is_file()}
    dask = {f.name: f.read_bytes() for f in (tmp_path / "dask").iterdir() if f.is_file()}
    assert one == dask and "graph.ttl" in one


def test_engine_options_are_checked_before_any_work(tmp_path):
    r = run("build", str(SEEDS), "--out", str(tmp_path / "o"), "--scheduler",
            "tcp://127.0.0.1:8786")
    assert r.returncode == 2 and "--scheduler needs --engine dask" in r.stderr
    assert not (tmp_path / "o" / "graph.ttl").exists()


def test_a_failed_push_is_a_message_and_the_outputs_stay(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run("build", str(SEEDS), "--out", str(tmp_path / "o"), "--no-html",
            "--push", f"http://127.0.0.1:{port}/store")
    assert r.returncode == 2
    assert "connection refused" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "o" / "graph.ttl").stat().st_size > 10_000


def test_processes_must_be_one_or_more(tmp_path):
    r = run("build", str(SEEDS), "--out", str(tmp_path / "o"), "--processes", "0")
    assert r.returncode == 2 and "--processes: must be 1 or more" in r.stderr
    assert not (tmp_path / "o" / "graph.ttl").exists()


def test_default_workers_follow_cores_and_corpus_size(monkeypatch):
    import os

    from kg.parallel import default_processes

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    # A build of a few articles parses in the main process: starting a worker costs more.
    assert [default_processes(n) for n in (1, 11, 12, 30, 47, 48, 10_000)] == \
        [1, 1, 1, 2, 3, 4, 4]


def test_no_usable_article_is_an_error_naming_each_input(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    r = run("build", str(tmp_path / "in"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "no usable article" in r.stderr
    assert "empty.txt" in r.stderr and "blob.txt: binary file" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "o" / "graph.ttl").exists()


def test_problems_after_the_first_article_are_told_and_counted(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Russia accused Ukraine of shelling on Monday.")
    (tmp_path / "in" / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "in" / "c.txt").write_text("France met Germany in Paris on Tuesday.")
    r = run("build", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--no-html")
    assert r.returncode == 1, r.stderr
    assert "kg: skipped" in r.stderr and "b.txt: binary file" in r.stderr
    assert r.stdout.startswith("2 articles,") and "; 1 skipped" in r.stdout


def test_workers_stay_within_a_container_cpu_quota(monkeypatch):
    import os

    from kg import parallel

    class Quota:
        def __init__(self, path: str):
            assert path == "/sys/fs/cgroup/cpu.max"

        def read_text(self, encoding: str) -> str:
            return "200000 100000\n"  # two cores' worth of a 64-core host

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    monkeypatch.setattr(parallel, "Path", Quota)
    assert parallel.cores() == 2 and parallel.default_processes(10_000) == 2
