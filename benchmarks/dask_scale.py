"""The Dask engine against one process and against the worker-process engine.

    python benchmarks/dask_scale.py                      # 1,000 articles (minutes)
    python benchmarks/dask_scale.py --size 200
    python benchmarks/dask_scale.py --scheduler tcp://host:8786   # a real cluster

The corpus is bench.py's (the dev articles repeated, each copy distinct). It is built in
this process (n_process=1), with kg's two worker processes (n_process=2), and on Dask
(a local cluster of --workers processes, or the cluster at --scheduler). For each it
prints the wall time, words per second, the speed-up over one process and where the
time goes: startup (loading spaCy; for Dask also starting the cluster; kg's worker
processes load it inside parse and extract), parse and extract, merge, RDF. Then it
checks that every build made the same quads (the N-Quads dumps byte for byte) and exits
1 if not.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import corpus, words  # noqa: E402

from kg.records import Article  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_machine(articles: list[Article], n_process: int) -> tuple[dict[str, float], bytes]:
    from kg import nlp
    from kg.pipeline import build

    t0 = time.perf_counter()
    if n_process == 1:
        nlp.load()  # kept by the build: its loading is startup, not parsing
    startup = time.perf_counter() - t0
    result = build([], articles=articles, n_process=n_process)
    stages = {"startup": startup, **_stages(result.timings)}
    return stages, result.store.dump(format=_nquads())


def on_dask(articles: list[Article], scheduler: str | None,
            workers: int) -> tuple[dict[str, float], bytes, float]:
    from contextlib import ExitStack

    from distributed import Client

    from kg.distributed import build_dask, check_workers, local_cluster

    with ExitStack() as stack:
        t0 = time.perf_counter()
        if scheduler is None:
            cluster = stack.enter_context(local_cluster(workers))
            scheduler = cluster.scheduler_address
        client = stack.enter_context(Client(scheduler))
        check_workers(client, None)  # every worker loads spaCy now
        startup = time.perf_counter() - t0
        result = build_dask([], articles=articles, scheduler=scheduler)
        worker_mb = max(client.run(_peak_mb).values())
    return {"startup": startup, **_stages(result.timings)}, \
        result.store.dump(format=_nquads()), worker_mb


def _stages(timings: dict[str, float]) -> dict[str, float]:
    keep = ("parse + extract", "merge", "rdf")
    return {k: timings.get(k, 0.0) for k in keep}


def _nquads():
    import pyoxigraph as ox

    return ox.RdfFormat.N_QUADS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=1000, help="articles (default: 1000)")
    ap.add_argument("--workers", type=int, default=2, help="local Dask workers (default: 2)")
    ap.add_argument("--scheduler", help="a running Dask scheduler instead of a local cluster")
    args = ap.parse_args()
    arts = list(corpus(args.size))
    w = words(arts)
    print(f"{len(arts)} articles, {w:,} words", flush=True)
    runs: dict[str, tuple[dict[str, float], bytes]] = {}
    # Worker processes first: forked after spaCy is loaded here, they would not load it.
    two = one_machine(arts, 2)
    runs["one process"] = one_machine(arts, 1)
    runs["2 processes"] = two
    where = args.scheduler or f"local, {args.workers} workers"
    stages, dump, worker_mb = on_dask(arts, args.scheduler, args.workers)
    runs[f"dask ({where})"] = stages, dump
    base = sum(runs["one process"][0].values())
    print(f"{'engine':<28} {'total s':>8} {'words/s':>8} {'speed-up':>8}  stages (s)")
    for name, (stages, _) in runs.items():
        total = sum(stages.values())
        detail = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        print(f"{name:<28} {total:>8.1f} {w / total:>8.0f} {base / total:>7.2f}x  {detail}")
    print(f"peak memory: this process {_peak_mb():.0f} MB, a Dask worker {worker_mb:.0f} MB")
    dumps = {name: dump for name, (_, dump) in runs.items()}
    first = next(iter(dumps.values()))
    same = all(d == first for d in dumps.values())
    quads = first.count(b"\n")
    print(f"same quads in every build: {'yes' if same else 'NO'} ({quads:,} quads)")
    sys.exit(0 if same else 1)


if __name__ == "__main__":  # Dask's local workers are spawned: they must not run this
    main()
