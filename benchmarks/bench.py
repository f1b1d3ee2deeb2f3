"""Speed benchmark: kg build against spaCy's own nlp.pipe, in one run, side by side.

    python benchmarks/bench.py                 # 100 and 1,000 articles
    python benchmarks/bench.py --sizes 10000   # the big one (minutes)
    python benchmarks/bench.py --store         # kg build --store: the graph on disk

The corpus repeats the seed and dev articles with a varying line so that every
article is distinct (and its id unique). For each size it prints words per second of
the bare spaCy pass and of the whole kg build (parse, extraction, merge, RDF, exports,
viewer), their ratio, the time per stage and the peak memory of each. Each size runs
in a fresh process, so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import ingest  # noqa: E402
from kg.records import Article  # noqa: E402


def corpus(n: int) -> list[Article]:
    sources = sorted((ROOT / "tests" / "fixtures" / "dev").glob("*.txt"))
    base = [a for p in sources for a in ingest.read_file(p) if isinstance(a, Article)]
    out = []
    for i in range(n):
        a = base[i % len(base)]
        text = f"{a.text}\n\nThis is copy {i} of the article."
        out.append(Article(ingest.article_id(text), f"{a.source}#{i}", text, a.title, a.date,
                           a.url, a.author))
    return out


def words(articles: list[Article]) -> int:
    return sum(len(a.text.split()) for a in articles)


def peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def bare_spacy(articles: list[Article], n_process: int, batch_size: int) -> float:
    import spacy

    from kg.nlp import default_model

    nlp = spacy.load(default_model())
    t0 = time.perf_counter()
    for _doc in nlp.pipe((a.text for a in articles), n_process=n_process,
                         batch_size=batch_size):
        pass
    return time.perf_counter() - t0


def kg_build(articles: list[Article], n_process: int, batch_size: int,
             store: bool) -> tuple[float, dict]:
    from kg.pipeline import build

    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        result = build([], articles=articles, n_process=n_process, batch_size=batch_size,
                       store=Path(out) / "store" if store else None)
        timings = dict(result.timings)
        t1 = time.perf_counter()
        from kg import exports, view

        exports.write_rdf(result, Path(out))
        timings["write rdf"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        exports.write_tables(result, Path(out))
        network = result.network(asserted_only=False)
        exports.write_network(network, Path(out))
        timings["tables, graphml"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        view.render(network, top=500)
        timings["viewer"] = time.perf_counter() - t1
        elapsed = time.perf_counter() - t0
    return elapsed, timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--store", action="store_true",
                    help="build into an on-disk store (kg build --store) instead of memory")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = ap.parse_args()
    if args.one:
        one(args.one, args)
        return
    print(f"{'articles':>8} {'words':>9} {'spaCy w/s':>10} {'kg w/s':>9} {'ratio':>6} "
          f"{'peak MB':>8}  stages (s)", flush=True)
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--processes", str(args.processes),
               "--batch-size", str(args.batch_size)] + (["--store"] if args.store else [])
        subprocess.run(cmd, check=True)


def one(n: int, args: argparse.Namespace) -> None:
    arts = corpus(n)
    w = words(arts)
    t_spacy = bare_spacy(arts, args.processes, args.batch_size)
    t_kg, stages = kg_build(arts, args.processes, args.batch_size, args.store)
    stage_text = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    print(f"{n:>8} {w:>9} {w / t_spacy:>10.0f} {w / t_kg:>9.0f} {t_kg / t_spacy:>6.2f} "
          f"{peak_mb():>8.0f}  {stage_text}", flush=True)


if __name__ == "__main__":
    main()
