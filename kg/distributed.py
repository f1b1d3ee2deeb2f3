"""Parse and extract on a Dask cluster: the same records as `kg.parallel.run`, from
workers on one machine or many.

The articles are split into partitions, one Dask task each. A worker loads the spaCy
pipeline once (`kg.nlp.load` is cached per process), parses its partition and hands
back only the small frozen records of `kg.records`; merge and RDF stay on the client,
so the graph is the one a single-process build makes. Without a scheduler address a
local cluster is started (worker processes on this machine, no dashboard, listening on
127.0.0.1 only) and closed when the run ends, fails or is interrupted.

A partition that fails (a worker died, an error outside the extractors) is tried again
article by article, so a failure costs only the article that caused it, as a `Problem`
(an article that fails inside the extractors is one already, as in `kg.parallel`).

Needs the `dask` extra: `pip install 'kg[dask]'`.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.records import Article, Extraction, Problem

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

    from kg.parallel import Runner
    from kg.pipeline import BuildResult

Records = list[Extraction | Problem]

LOCAL_WORKERS = 2
WORKER_WAIT_S = 60.0  # for a remote scheduler that has no worker yet
LONE_TRIES = 2  # an article whose worker dies is blamed when it dies alone this often

# One partition at a time per worker process: a spaCy pipeline is not safe to run from
# two threads at once, so extra threads on a worker would only wait here.
_WORKER_LOCK = threading.Lock()


class EngineError(RuntimeError):
    """The Dask engine cannot run: dask missing, no scheduler or worker, a worker that
    lacks the model or runs other code."""


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise EngineError("the Dask engine needs dask[distributed]: "
                          "pip install 'kg[dask]'") from None


def extract_partition(articles: list[Article], model: str | None,
                      batch_size: int) -> Records:
    """Worker side: parse and extract one partition with this process's pipeline."""
    from kg import nlp
    from kg.parallel import extract_batch

    with _WORKER_LOCK:
        return extract_batch(nlp.load(model), articles, batch_size)


def prepare_worker(model: str | None) -> str:
    """Worker side: load the pipeline now (so the first partition does not wait for it)
    and return the fingerprint of the code and model that will extract."""
    from kg import nlp
    from kg.cache import fingerprint

    # No lock: this runs in the worker's event loop, which must not wait for a partition
    # (at worst a partition starting meanwhile loads the pipeline a second time).
    nlp.load(model)
    return fingerprint(model or nlp.default_model())


def split(articles: Sequence[Article], parts: int) -> list[list[Article]]:
    """`parts` contiguous partitions whose sizes differ by one at most."""
    parts = max(1, min(parts, len(articles)))
    size, extra = divmod(len(articles), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        out.append(list(articles[start:end]))
        start = end
    return out


def default_partitions(n_articles: int, n_workers: int, batch_size: int) -> int:
    # One spaCy batch a task, as parallel.run does: Dask's overhead per task (milliseconds)
    # is nothing beside parsing a batch (seconds), and small tasks keep every worker busy
    # to the end (400 articles on 2 workers: 41 s in tasks of 16, 45 s in tasks of 57).
    return max(n_workers, math.ceil(n_articles / batch_size))


@contextlib.contextmanager
def connect(scheduler: str | None, *, workers: int = LOCAL_WORKERS,
            timeout: float = 30.0) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a local cluster of `workers`
    processes started for the occasion and closed on the way out, whatever happens."""
    _require_dask()
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, ValueError) as exc:  # down, unreachable, or not an address
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    with local_cluster(workers) as cluster, Client(cluster) as client:
        yield client


def local_cluster(workers: int = LOCAL_WORKERS) -> LocalCluster:
    """A cluster of `workers` single-threaded processes on this machine, reachable from it
    only: everything listens on 127.0.0.1, and there is no dashboard (the scheduler's
    small HTTP server, which it always starts, takes a free port rather than 8787)."""
    _require_dask()
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None,
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


def _address(client: Client) -> str:
    return str(client.scheduler_info().get("address", "?"))


def check_workers(client: Client, model: str | None) -> None:
    """Every worker must load the model and run the same extraction code as this
    machine: otherwise the graph would depend on which worker parsed what."""
    from kg import nlp
    from kg.cache import fingerprint

    address = _address(client)
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        raise EngineError(f"no Dask worker joined the scheduler at {address} within "
                          f"{WORKER_WAIT_S:.0f} s") from None
    try:
        prints: dict[str, str] = client.run(prepare_worker, model)
    except nlp.ModelNotFound as exc:
        raise EngineError(f"a Dask worker cannot load the spaCy model: {exc}") from None
    except Exception as exc:  # kg itself missing or broken there, most likely
        raise EngineError(f"a Dask worker cannot run kg ({type(exc).__name__}: {exc}): "
                          "install kg and its spaCy model on every worker") from None
    try:
        here = fingerprint(model or nlp.default_model())
    except nlp.ModelNotFound:  # a client without the model: the workers must agree
        here = next(iter(prints.values()))
    odd = sorted(w for w, fp in prints.items() if fp != here)
    if odd:
        raise EngineError(f"Dask workers {', '.join(odd)} run another version of kg, its "
                          "libraries or the model than this machine: install the same on "
                          "every worker")


def run_dask(articles: Iterable[Article], *, model: str | None, scheduler: str | None = None,
             batch_size: int = 16, partitions: int | None = None,
             workers: int = LOCAL_WORKERS, connect_timeout: float = 30.0) -> Iterator[Records]:
    """Records partition by partition, in the order they finish (the pipeline restores
    input order). `scheduler` is a Dask scheduler address such as tcp://host:8786; without
    it a local cluster of `workers` processes is used."""
    from distributed import KilledWorker, as_completed

    articles = list(articles)
    if not articles:
        return
    with connect(scheduler, workers=workers, timeout=connect_timeout) as client:
        check_workers(client, model)
        n_workers = len(client.scheduler_info()["workers"])
        parts = split(articles, partitions or default_partitions(len(articles), n_workers,
                                                                 batch_size))
        done = as_completed()
        pending: dict[Any, tuple[list[Article], int]] = {}  # key: articles, tries alone

        def submit(part: list[Article], tries: int) -> None:
            fut = client.submit(extract_partition, part, model, batch_size, pure=False)
            pending[fut.key] = (part, tries)
            done.add(fut)

        for part in parts:
            submit(part, 0)
        # The articles of a failed partition are tried alone, one at a time: a worker that
        # dies also fails the tasks queued on it, so only a lone task that dies, twice,
        # names the article that kills workers.
        suspects: deque[tuple[Article, int]] = deque()
        alone = False
        for fut in done:
            part, tries = pending.pop(fut.key)
            if fut.status == "cancelled":  # by the scheduler: lost, or shut down
                raise EngineError(f"the Dask scheduler at {_address(client)} "
                                  "cancelled the work")
            if fut.status == "finished":
                yield fut.result()
            elif tries == 0:
                suspects.extend((a, 0) for a in part)
            else:
                exc = fut.exception()
                if isinstance(exc, KilledWorker) and tries < LONE_TRIES:
                    suspects.appendleft((part[0], tries))
                elif isinstance(exc, KilledWorker):
                    yield [Problem(part[0].source, "extraction failed: the Dask worker "
                                   f"parsing it died, {tries} times (out of memory, or a "
                                   "crash in the parser)")]
                else:
                    yield [Problem(part[0].source, "extraction failed on a Dask worker: "
                                   f"{type(exc).__name__}: {exc}")]
            fut.release()
            alone = alone and tries == 0
            if not alone and suspects:
                article, tried = suspects.popleft()
                submit([article], tried + 1)
                alone = True


def runner(*, scheduler: str | None = None, partitions: int | None = None,
           workers: int = LOCAL_WORKERS) -> Runner:
    """run_dask with the call signature of `kg.parallel.run`, for `pipeline.build`."""

    def run(articles: Iterable[Article], *, model: str | None, processes: int = 1,
            batch_size: int = 16) -> Iterator[Records]:
        # `processes` sizes parallel.run's pool; the cluster's size is `workers`.
        return run_dask(articles, model=model, scheduler=scheduler, batch_size=batch_size,
                        partitions=partitions, workers=workers)

    return run


def build_dask(paths: Iterable[str | Path], *, scheduler: str | None = None,
               partitions: int | None = None, workers: int = LOCAL_WORKERS,
               **build_kwargs: Any) -> BuildResult:
    """`kg.pipeline.build` with parsing and extraction on a Dask cluster; merge and RDF
    are the pipeline's own, so the graph is the single-process one."""
    from kg.pipeline import build

    return build(paths, runner=runner(scheduler=scheduler, partitions=partitions,
                                      workers=workers), **build_kwargs)
