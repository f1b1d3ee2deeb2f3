"""kg.push against a real Oxigraph server: one named graph per article, PUT replaces."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from kg.push import PushError, push

START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The `oxigraph` server from the PyPI package of that name (the test extra), which
    lands beside this Python when the venv is not on PATH."""
    here = str(Path(sys.executable).parent)
    path = shutil.which("oxigraph", path=os.pathsep.join([here, os.environ.get("PATH", "")]))
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph server is not installed; pip install -e '.[test]'")
        pytest.skip("the oxigraph server is not installed")
    return path


class Server:
    """`oxigraph serve` on a free local port, with its data in `folder`."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        self.log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location",
                                      str(folder / "data"), "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"oxigraph exited with {self.proc.returncode}:\n"
                            + self.log_path.read_text("utf-8", "replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"oxigraph not listening after {START_TIMEOUT} s")

    def select(self, sparql: str) -> list[dict]:
        req = urllib.request.Request(f"{self.url}/query", data=urlencode({"query": sparql})
                                     .encode(), headers={
                                         "Accept": "application/sparql-results+json",
                                         "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["results"]["bindings"]

    def counts(self) -> dict[str, int]:
        """Triples per named graph on the server."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                           "GROUP BY ?g")
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}

    def quads(self) -> set[ox.Quad]:
        """Everything on the server, through the Graph Store endpoint."""
        req = urllib.request.Request(f"{self.url}/store",
                                     headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return set(ox.parse(r.read(), format=ox.RdfFormat.N_QUADS))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    try:
        s.wait_ready()
        yield s
    finally:
        s.stop()


def local_counts(store: ox.Store) -> dict[str, int]:
    return {g.value: len(list(store.quads_for_pattern(None, None, None, g)))
            for g in store.named_graphs()}


def test_each_article_is_its_own_graph_on_the_server(seed_build, server):
    result, _ = seed_build
    report = push(result, f"{server.url}/store")
    expected = local_counts(result.store)
    assert expected and report.graphs == len(expected)
    assert report.triples == sum(expected.values()) == len(result.store)
    assert server.counts() == expected
    assert server.quads() == set(result.store)


def test_pushing_twice_changes_nothing(seed_build, server):
    result, _ = seed_build
    push(result, f"{server.url}/store")
    once = server.quads()
    push(result.store, f"{server.url}/store")
    assert server.quads() == once == set(result.store)


def test_a_pushed_graph_replaces_the_old_one(seed_build, server):
    result, _ = seed_build
    push(result, f"{server.url}/store")
    graph = next(iter(result.store.named_graphs()))
    kept = next(iter(result.store.quads_for_pattern(None, None, None, graph)))
    smaller = ox.Store()
    smaller.add(kept)
    assert push(smaller, f"{server.url}/store").triples == 1
    assert server.counts()[graph.value] == 1
    push(result, f"{server.url}/store")
    assert server.quads() == set(result.store)


def test_one_graph_for_all_articles(seed_build, server):
    result, _ = seed_build
    report = push(result, f"{server.url}/store", graph_per_article=False)
    assert report.graphs == 1 and report.triples == len(result.union)
    n = server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"]
    assert int(n) == len(result.union) and server.counts() == {}


def test_a_closed_port_is_a_clear_error(seed_build):
    result, _ = seed_build
    url = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(PushError, match="connection refused") as err:
        push(result, url)
    assert url in str(err.value)


def test_a_refusal_names_the_status_and_hides_the_password(seed_build, server):
    result, _ = seed_build
    with pytest.raises(PushError, match="HTTP 404") as err:
        push(result, f"http://admin:s3cret@127.0.0.1:{server.port}/no-such-endpoint")
    assert f"http://127.0.0.1:{server.port}/no-such-endpoint" in str(err.value)
    assert "s3cret" not in str(err.value)
    assert server.counts() == {}


def test_a_server_that_never_answers_times_out(seed_build):
    result, _ = seed_build
    with socket.socket() as silent:  # accepts connections (the backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/store"
        with pytest.raises(PushError, match="no answer within 0.5 s"):
            push(result, url, timeout=0.5)


def test_not_an_http_url():
    with pytest.raises(PushError, match="not an http"):
        push(ox.Store(), "ftp://example.org/store")
