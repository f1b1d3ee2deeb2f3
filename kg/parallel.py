"""Parse and extract in worker processes, handing back only the small records.

Each worker loads the spaCy pipeline once (the parent never loads it), parses a batch
of articles and runs the extractors on the Docs where they are, so no Doc is ever
serialized between processes
(spaCy's own `n_process` sends every Doc back to the parent). Batches come back in
input order, so the build is deterministic.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from kg.records import Article, Extraction, Problem

if TYPE_CHECKING:
    from spacy.language import Language

_NLP: Language | None = None

# What parses and extracts for a build: `run`, `run_here`, or kg.distributed's Dask runner.
# Called with the articles and keywords model, processes, batch_size; yields batches.
Runner = Callable[..., Iterable[list[Extraction | Problem]]]


# Starting a worker (spaCy and the model loaded anew) costs about as much as parsing
# a dozen articles: two workers beat one from about two dozen articles on (12 articles:
# as fast; 30 articles: 3,760 words/s against 2,962, benchmarks/bench.py).
ARTICLES_PER_WORKER = 12


def cores() -> int:
    """The cores this process may use: those it may run on, within a container's CPU
    quota (cgroup v2's cpu.max), which the affinity does not show."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text("ascii").split()
        if quota != "max":
            n = min(n, max(1, int(quota) // int(period)))
    except (OSError, ValueError):  # no cgroup v2 here
        pass
    return n


def default_processes(articles: int) -> int:
    """Worker processes for a build of this many articles: one per usable core, but
    no more than one per dozen articles (1 means parsing in this process)."""
    return max(1, min(cores(), articles // ARTICLES_PER_WORKER))


def _init(model: str | None) -> None:
    global _NLP
    from kg import nlp

    _NLP = nlp.load(model)


def extract_batch(nlp: Language, batch: list[Article],
                  batch_size: int = 16) -> list[Extraction | Problem]:
    """Parse and extract one batch; an article whose extraction fails becomes a Problem."""
    from kg import nlp as nlp_stage
    from kg.extract import extract

    out: list[Extraction | Problem] = []
    for doc, article in nlp_stage.parse(nlp, batch, batch_size=batch_size):
        try:
            out.append(extract(doc, article))
        except Exception as exc:  # one bad article must not cost the batch
            out.append(Problem(article.source, f"extraction failed: {exc!r}"))
    return out


def _work(batch: list[Article]) -> list[Extraction | Problem]:
    assert _NLP is not None
    return extract_batch(_NLP, batch)


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def run(articles: Iterable[Article], *, model: str | None, processes: int,
        batch_size: int = 16) -> Iterator[list[Extraction | Problem]]:
    """Results batch by batch, in input order, from `processes` workers. A worker that
    dies (out of memory, killed) fails the build with BrokenProcessPool, never hangs it."""
    from kg.nlp import check_model

    check_model(model)  # in the parent: a missing model is one clear error, not N workers'
    # The platform's default start method: fork on Linux, so scripts and notebooks
    # need no `if __name__ == "__main__"` guard there (spawn would re-run them).
    with ProcessPoolExecutor(processes, mp_context=mp.get_context(), initializer=_init,
                             initargs=(model,)) as pool:
        # A few batches queued per worker, not all of them (as Executor.map would):
        # the articles are read as the workers need them, not held for the whole input.
        pending: deque[Future[list[Extraction | Problem]]] = deque()
        try:
            for batch in _batches(articles, batch_size):
                pending.append(pool.submit(_work, batch))
                if len(pending) >= 2 * processes:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # the build stopped early: queued work is dropped
                future.cancel()


def run_here(articles: Iterable[Article], *, model: str | None, processes: int = 1,
             batch_size: int = 16) -> Iterator[list[Extraction | Problem]]:
    """The same, in this process (small inputs, where starting workers costs more)."""
    from kg import nlp

    loaded = nlp.load(model)
    for batch in _batches(articles, batch_size):
        yield extract_batch(loaded, batch, batch_size)
