"""The Dask engine: the same graph as one process, failures cost one article, and the
cluster it starts is gone when it stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from kg import ingest
from kg.distributed import EngineError, build_dask, local_cluster, run_dask, split
from kg.exports import write_all
from kg.records import Article, Extraction, Problem

from .conftest import DEV, ROOT, SEEDS

try:
    import dask
    from distributed import Client, WorkerPlugin
except ImportError:  # the dask extra; the test extra has it, so CI runs these tests
    if os.environ.get("CI"):
        raise
    pytest.skip("dask[distributed] is not installed", allow_module_level=True)

POISON = "kg-test-poison-pill"


def _articles() -> list[Article]:
    return [a for a in ingest.read([SEEDS, DEV]) if isinstance(a, Article)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def one_process() -> dict[str, Extraction]:
    from kg.parallel import run_here

    return {x.article.id: x for batch in run_here(_articles(), model=None) for x in batch
            if isinstance(x, Extraction)}


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(2) as c, Client(c) as client:
        yield c, client


def test_split_keeps_every_article_once_in_order():
    arts = _articles()
    parts = split(arts, 5)
    assert [a for p in parts for a in p] == arts
    assert len(parts) == 5 and max(map(len, parts)) - min(map(len, parts)) <= 1
    assert split(arts[:2], 8) == [[arts[0]], [arts[1]]]  # never an empty partition


def test_dask_build_writes_the_same_files_as_one_process(tmp_path):
    from kg.pipeline import build

    single = build([SEEDS, DEV], n_process=1)
    # Own local cluster (two worker processes); five partitions finish in any order.
    spread = build_dask([SEEDS, DEV], partitions=5)
    assert len(spread.extractions) == len(_articles()) > 10
    assert spread.problems == single.problems  # only the seed's copy in DEV, skipped
    assert [x.article.id for x in spread.extractions] == \
        [x.article.id for x in single.extractions]
    a, b = tmp_path / "single", tmp_path / "dask"
    write_all(single, a)
    write_all(spread, b)
    files_a, files_b = _files(a), _files(b)
    assert "graph.nq" in files_a and files_a.keys() == files_b.keys()
    for name in files_a:
        assert files_a[name] == files_b[name], name


def test_a_scheduler_address_is_used_and_each_worker_loads_spacy_once(cluster, one_process):
    c, client = cluster
    got = [x for batch in run_dask(_articles(), model=None, scheduler=c.scheduler_address,
                                   partitions=6) for x in batch]
    assert all(isinstance(x, Extraction) for x in got)
    assert {x.article.id: x for x in got} == one_process

    def load_stats() -> tuple[int, int]:
        from kg import nlp

        info = nlp.load.cache_info()
        return info.misses, info.currsize

    stats = client.run(load_stats)
    assert len(stats) == 2 and all(s == (1, 1) for s in stats.values()), stats


def test_the_local_cluster_listens_on_loopback_only(cluster):
    psutil = pytest.importorskip("psutil")  # comes with distributed
    me = psutil.Process()
    listening = [c.laddr for p in (me, *me.children(recursive=True))
                 for c in p.net_connections("inet") if c.status == psutil.CONN_LISTEN]
    # Scheduler, its HTTP server, two nannies, two workers and their HTTP servers.
    assert len(listening) >= 6 and {a.ip for a in listening} == {"127.0.0.1"}, listening


def test_a_model_missing_on_the_workers_is_one_clear_error(cluster):
    c, _ = cluster
    with pytest.raises(EngineError, match="no_such_model"):
        list(run_dask(_articles()[:2], model="no_such_model", scheduler=c.scheduler_address))


def test_workers_with_other_code_are_refused(cluster, monkeypatch):
    import kg.cache

    c, _ = cluster
    monkeypatch.setattr(kg.cache, "fingerprint", lambda model: "not-the-workers")
    with pytest.raises(EngineError, match="another version of kg"):
        list(run_dask(_articles()[:2], model=None, scheduler=c.scheduler_address))


def test_an_unreachable_scheduler_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(EngineError, match=f"cannot reach the Dask scheduler at {address}"):
        list(run_dask(_articles()[:1], model=None, scheduler=address, connect_timeout=2))


class _Poison(WorkerPlugin):
    """Kills the worker process that extracts an article with POISON in its text; set up
    again on every restarted worker, so the article kills each worker that tries it."""

    def setup(self, worker) -> None:
        import kg.extract

        real = kg.extract.extract

        def extract(doc, article):
            if POISON in article.text:
                os._exit(3)
            return real(doc, article)

        kg.extract.extract = extract


def test_a_worker_dying_on_one_article_costs_only_that_article(one_process):
    arts = _articles()
    text = "Russia accused Ukraine of shelling the plant. " + POISON
    poison = Article(ingest.article_id(text), "poison.txt", text)
    # One try per task, so the test does not wait for three dead workers per task.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            local_cluster(2) as c, Client(c) as client:
        client.register_plugin(_Poison())
        got = [x for batch in run_dask(arts[:5] + [poison] + arts[5:], model=None,
                                       scheduler=c.scheduler_address, partitions=3)
               for x in batch]
    problems = [x for x in got if isinstance(x, Problem)]
    assert len(problems) == 1 and problems[0].source == "poison.txt"
    assert "the Dask worker parsing it died, 2 times" in problems[0].reason
    assert {x.article.id: x for x in got if isinstance(x, Extraction)} == one_process


CTRL_C = textwrap.dedent("""
    import sys
    import psutil
    from kg import ingest
    from kg.distributed import run_dask
    from kg.records import Article

    if __name__ == "__main__":
        arts = [a for a in ingest.read(sys.argv[1:]) if isinstance(a, Article)]
        me = psutil.Process()
        try:
            for batch in run_dask(arts, model=None, partitions=len(arts)):
                print("batch", len(me.children(recursive=True)), flush=True)
            print("finished before the interrupt", flush=True)
        except KeyboardInterrupt:
            left = [p for p in me.children(recursive=True)
                    if "resource_tracker" not in " ".join(p.cmdline())]
            print("interrupted, left:", [p.pid for p in left], flush=True)
""")


def test_ctrl_c_closes_the_local_cluster(tmp_path):
    script = tmp_path / "interrupt.py"
    script.write_text(CTRL_C)
    proc = subprocess.Popen([sys.executable, str(script), str(SEEDS), str(DEV)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(300, proc.kill)  # a hung child fails the test, not the run
    watchdog.start()
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("batch"), first + proc.stderr.read()
        assert int(first.split()[1]) >= 2  # the workers are running
        proc.send_signal(signal.SIGINT)  # the main process only, as `kill -INT` does
        out, err = proc.communicate()
    finally:
        watchdog.cancel()
    assert "interrupted, left: []" in out, out + err
