"""Speed benchmark: kg build against spaCy's own nlp.pipe, in one run, side by side.

    python benchmarks/bench.py                 # 100 and 1,000 articles
    python benchmarks/bench.py --sizes 10000   # the big one (about 25 minutes)
    python benchmarks/bench.py --store         # kg build --store: the graph on disk

The corpus repeats the seed and dev articles with a varying line so that every
article is distinct (and its id unique). For each size, two fresh processes run over
the same corpus, one after the other:

- spaCy alone: `spacy.load` and `nlp.pipe` with `n_process` (what a spaCy user runs);
- kg build: what `kg build` does (parse and extract in worker processes, merge, RDF,
  tables, GraphML and GEXF, the viewer), into a temporary folder, its extraction cache
  written as it goes (and so never hit: the corpus is new).

It prints the words per second of each, their time ratio, how many of the machine's
cores each kept busy (CPU time over wall time), the peak memory of each (the main
process, and the largest of its workers), and kg's time per stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import ingest  # noqa: E402
from kg.records import Article  # noqa: E402


def corpus(n: int) -> Iterator[Article]:
    """The articles one by one, made as they are read: neither pass holds the corpus."""
    sources = sorted((ROOT / "tests" / "fixtures" / "dev").glob("*.txt"))
    base = [a for p in sources for a in ingest.read_file(p) if isinstance(a, Article)]
    for i in range(n):
        a = base[i % len(base)]
        text = f"{a.text}\n\nThis is copy {i} of the article."
        yield Article(ingest.article_id(text), f"{a.source}#{i}", text, a.title, a.date,
                      a.url, a.author)


def words(articles: Iterable[Article]) -> int:
    return sum(len(a.text.split()) for a in articles)


def usage() -> dict[str, float]:
    """Peak memory (MB) of this process and of its largest child, and the CPU seconds
    of both."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"main_mb": me.ru_maxrss / 1024, "worker_mb": kids.ru_maxrss / 1024,
            "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}


def bare_spacy(articles: Iterable[Article], n_process: int, batch_size: int) -> dict:
    import spacy

    from kg.nlp import default_model

    t0 = time.perf_counter()
    nlp = spacy.load(default_model())
    for _doc in nlp.pipe((a.text for a in articles), n_process=n_process,
                         batch_size=batch_size):
        pass
    return {"seconds": time.perf_counter() - t0}


def kg_build(articles: Iterable[Article], n_process: int, batch_size: int,
             store: bool) -> dict:
    from kg import exports
    from kg.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        out, kept = Path(tmp) / "output", Path(tmp) / "store" if store else None
        t0 = time.perf_counter()
        # As `kg build` runs: the extraction cache in the store or the output folder.
        result = build([], articles=articles, n_process=n_process, batch_size=batch_size,
                       store=kept, cache_dir=kept or out)
        exports.write_all(result, out)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "stages": {k: v for k, v in result.timings.items() if v >= 0.05}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--store", action="store_true",
                    help="build into an on-disk store (kg build --store) instead of memory")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, one part, here
    ap.add_argument("--part", choices=("spacy", "kg"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args)))
        return
    print(f"{os.cpu_count()} cores; cores = CPU time / wall time; MB = peak resident memory")
    print(f"{'articles':>8} {'words':>9} {'spaCy w/s':>10} {'kg w/s':>9} {'ratio':>6} "
          f"{'cores':>11} {'spaCy MB':>14} {'kg MB':>14}  kg stages (s)")
    print(f"{'':>8} {'':>9} {'':>10} {'':>9} {'':>6} {'spaCy / kg':>11} "
          f"{'main / worker':>14} {'main / worker':>14}", flush=True)
    for n in args.sizes:
        runs = {}
        for part in ("spacy", "kg"):
            cmd = [sys.executable, __file__, "--one", str(n), "--part", part,
                   "--processes", str(args.processes), "--batch-size", str(args.batch_size)]
            out = subprocess.run(cmd + (["--store"] if args.store else []), check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            runs[part] = json.loads(out.strip().splitlines()[-1])
        sp, kg = runs["spacy"], runs["kg"]
        w = sp["words"]
        stages = ", ".join(f"{k} {v:.1f}" for k, v in kg["stages"].items())
        busy = f"{sp['cpu'] / sp['seconds']:.2f} / {kg['cpu'] / kg['seconds']:.2f}"
        print(f"{n:>8} {w:>9} {w / sp['seconds']:>10.0f} {w / kg['seconds']:>9.0f} "
              f"{kg['seconds'] / sp['seconds']:>6.2f} {busy:>11} "
              f"{sp['main_mb']:>6.0f} / {sp['worker_mb']:<5.0f} "
              f"{kg['main_mb']:>6.0f} / {kg['worker_mb']:<5.0f}  {stages}", flush=True)


def one(n: int, args: argparse.Namespace) -> dict:
    if args.part == "spacy":
        run = bare_spacy(corpus(n), args.processes, args.batch_size)
    else:
        run = kg_build(corpus(n), args.processes, args.batch_size, args.store)
    return {"words": words(corpus(n)), **run, **usage()}


if __name__ == "__main__":
    main()
