"""SPARQL at scale: a synthetic graph of about a million quads in Oxigraph and rdflib.

    python benchmarks/sparql_scale.py                    # ~1,000,000 quads
    python benchmarks/sparql_scale.py --quads 200000     # quicker

Synthetic articles are made as the pipeline's own records (entities with Zipf-like
popularity, mentions, officials with roles, PLOVER events with actors, targets and
dates) and written by `kg.rdf.article_triples`, so the data has the shape and the
vocabulary of a real build, held as `kg query` holds an output folder: one named graph
per article, and their union, each triple once, as the default graph (graph.trig and
graph.nt, here one N-Quads file). Each engine runs in its own process (so
its peak memory is its own): pyoxigraph in memory, pyoxigraph on disk, rdflib's
in-memory Dataset. The script prints load time, the median time of each query over a
few runs, the rows each query gave (which must agree across engines) and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query import PREFIXES  # noqa: E402
from kg.rdf import Minter, article_triples  # noqa: E402
from kg.records import (  # noqa: E402
    PLOVER_TYPES,
    Article,
    Entity,
    Event,
    Extraction,
    Mention,
    Relation,
)
from kg.vocab import DEFAULT_BASE  # noqa: E402

POOLS = {"Country": 190, "Alliance": 40, "Organization": 3000, "Person": 20000,
         "Place": 5000}
ROLES = ("President", "Prime Minister", "Foreign Minister", "Defence Minister",
         "Ambassador", "Spokesperson", "Chief of Staff", "Secretary General")
MODES = ("asserted",) * 14 + ("negated", "hypothetical", "future", "historical", "reported")
FIRST_DAY, DAYS = dt.date(2015, 1, 1), 3652


class Corpus:
    """Entities with fixed identities (each person holds one post in one country), and
    articles drawn from them with Zipf-like popularity: a few countries are in many
    articles, most persons in few."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.entities: dict[str, Entity] = {}
        self.keys: dict[str, list[str]] = {}
        self.weights: dict[str, list[float]] = {}
        for etype, n in POOLS.items():
            keys = [f"{etype.lower()}/{etype.lower()}-{i}" for i in range(n)]
            for i, key in enumerate(keys):
                wikidata = f"Q{1000 + i}" if etype in ("Country", "Alliance") else None
                self.entities[key] = Entity(key, f"{etype} {i}", etype,
                                            (f"{etype[:3]}{i}",), wikidata)
            self.keys[etype] = keys
            self.weights[etype] = [1 / (i + 1) for i in range(n)]
        self.post = {p: (self.pick("Country"), self.rng.choice(ROLES))
                     for p in self.keys["Person"]}
        self.direct_facts: Counter[tuple[str, str, str]] = Counter()

    def pick(self, etype: str) -> str:
        return self.rng.choices(self.keys[etype], self.weights[etype])[0]

    def article(self, n: int) -> Extraction:
        rng = self.rng
        date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        art = Article(f"{n:016x}", f"synthetic/{n}.txt", "", title=f"Synthetic article {n}",
                      date=date, url=f"https://news.example/{n}")
        countries = [self.pick("Country") for _ in range(4)]
        persons = list(dict.fromkeys(self.pick("Person") for _ in range(3)))
        others = [self.pick("Alliance"), self.pick("Organization"), self.pick("Organization"),
                  self.pick("Place"), self.pick("Place")]
        keys = list(dict.fromkeys(countries + persons + others))
        mentions, offset = [], 0
        for key in keys:
            for _ in range(rng.randint(2, 5)):
                label = self.entities[key].label
                mentions.append(Mention(key, label, offset, offset + len(label), 0))
                offset += len(label) + 40
        relations = []
        for p in persons:
            polity, role = self.post[p]
            relations += [Relation(p, "officialOf", polity, 0, "", 0, 1),
                          Relation(p, "role", role, 0, "", 0, 1)]
            if polity not in keys:
                keys.append(polity)
        actors = [k for k in keys if not k.startswith("place/")]
        events = []
        for i in range(8):
            etype = rng.choice(PLOVER_TYPES)
            actor, target = rng.sample(actors, 2)
            mode = rng.choice(MODES)
            when = date - dt.timedelta(days=rng.randrange(7))
            event_date = str(when.year) if rng.random() < 0.1 else when.isoformat()
            events.append(Event(f"{n:012x}{i:04x}", etype, (actor,), (target,), "trigger",
                                100 * i, 100 * i + 7, i, f"Sentence {i} of article {n}.",
                                100 * i, mode=mode,
                                place=others[3] if rng.random() < 0.3 else None,
                                date=event_date, date_text="on Monday",
                                confidence=round(rng.random(), 2)))
            if mode in ("asserted", "historical"):
                self.direct_facts[actor, etype.lower(), target] += 1
        ents = tuple(self.entities[k] for k in keys)
        return Extraction(art, (), ents, tuple(mentions), tuple(relations), tuple(events))


def generate(path: Path, quads: int) -> dict:
    """Write about `quads` quads in articles' named graphs to `path`, then their union in
    the default graph; returns what the queries look up."""
    corpus, m = Corpus(), Minter(DEFAULT_BASE)
    union: dict[str, None] = {}  # ordered set: the union's triples, each once
    written, n = 0, 0
    with path.open("w", encoding="utf-8") as f:
        while written < quads:
            x = corpus.article(n)
            g = m.article(x.article.id)
            triples = [f"{s} {p} {o}" for s, p, o in article_triples(m, x, corpus.entities)]
            f.writelines(f"{t} {g} .\n" for t in triples)
            union.update(dict.fromkeys(triples))
            written += len(triples)
            n += 1
        f.writelines(f"{t} .\n" for t in union)
    (actor, prop, target), repeats = corpus.direct_facts.most_common(1)[0]
    return {"quads": written, "union": len(union), "articles": n,
            "entity": m.entity("country/country-0")[1:-1],
            "country": m.entity("country/country-1")[1:-1],
            "fact": [m.entity(actor)[1:-1], prop, m.entity(target)[1:-1]],
            "fact_articles": repeats}


def queries(p: dict) -> dict[str, str]:
    actor, prop, target = p["fact"]
    return {
        "an entity's events (actor or target)": f"""
            SELECT ?e ?type ?date WHERE {{
              {{ ?e kg:actor <{p['entity']}> }} UNION {{ ?e kg:target <{p['entity']}> }}
              ?e kg:eventType ?type .
              OPTIONAL {{ ?e kg:date ?date }}
            }}""",
        "officials of a country": f"""
            SELECT ?person ?name ?role WHERE {{
              ?person kg:officialOf <{p['country']}> ; rdfs:label ?name .
              OPTIONAL {{ ?person kg:role ?role }}
            }}""",
        "events of one type in a date range": """
            SELECT ?e ?date WHERE {
              ?e kg:eventType plover:SANCTION ; kg:date ?date .
              FILTER(?date >= "2020-01-01"^^xsd:date && ?date <= "2020-12-31"^^xsd:date)
            }""",
        "provenance of one fact (GRAPH ?g)": f"""
            SELECT ?article ?title ?date WHERE {{
              GRAPH ?article {{ <{actor}> kg:{prop} <{target}> }}
              ?article dcterms:title ?title ; dcterms:date ?date .
            }} ORDER BY ?date""",
        "count events by type": """
            SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e kg:eventType ?type }
            GROUP BY ?type ORDER BY DESC(?n)""",
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(engine: str, data: Path, params: dict, repeat: int) -> dict:
    """Load `data` into one engine, run every query `repeat` times; in a child process."""
    t0 = time.perf_counter()
    disk_mb = None
    if engine.startswith("oxigraph"):
        import pyoxigraph as ox

        if engine == "oxigraph-disk":
            folder = tempfile.mkdtemp(prefix="kg-oxigraph-", dir=data.parent)
            store = ox.Store(folder)
        else:
            store = ox.Store()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        if engine == "oxigraph-disk":
            store.flush()
            disk_mb = sum(f.stat().st_size for f in Path(folder).rglob("*")
                          if f.is_file()) / 2**20

        def ask(q: str) -> list:
            return list(store.query(q, prefixes=PREFIXES))
    else:
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data, format="nquads")

        def ask(q: str) -> list:
            return list(ds.query(q, initNs=PREFIXES))
    load = time.perf_counter() - t0
    results = {}
    for name, q in queries(params).items():
        times, rows = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            rows = len(ask(q))
            times.append(time.perf_counter() - t)
        results[name] = {"median_s": statistics.median(times), "rows": rows}
    return {"engine": engine, "load_s": load, "queries": results,
            "peak_rss_mb": peak_rss_mb(), "disk_mb": disk_mb}


ENGINES = {"oxigraph-memory": "pyoxigraph Store (memory)",
           "oxigraph-disk": "pyoxigraph Store (disk)",
           "rdflib": "rdflib Dataset (memory)"}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quads", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="runs of each query (Oxigraph)")
    ap.add_argument("--rdflib-repeat", type=int, default=3, help="runs of each query (rdflib)")
    ap.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "DATA", "PARAMS"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, data, params = args.child
        repeat = args.rdflib_repeat if engine == "rdflib" else args.repeat
        print(json.dumps(run_engine(engine, Path(data), json.loads(params), repeat)))
        return

    with tempfile.TemporaryDirectory(prefix="kg-sparql-scale-") as tmp:
        data = Path(tmp) / "data.nq"
        t0 = time.perf_counter()
        params = generate(data, args.quads)
        print(f"{params['quads']:,} quads in {params['articles']:,} articles (named graphs) "
              f"and their union of {params['union']:,} triples (default graph), "
              f"{data.stat().st_size / 2**20:,.0f} MiB of N-Quads, generated in "
              f"{time.perf_counter() - t0:.1f} s; the fact looked up is stated in "
              f"{params['fact_articles']} articles", flush=True)
        runs = []
        for engine in args.engines:
            t = time.perf_counter()
            child = subprocess.run([sys.executable, __file__, "--child", engine, str(data),
                                    json.dumps(params), "--repeat", str(args.repeat),
                                    "--rdflib-repeat", str(args.rdflib_repeat)],
                                   capture_output=True, text=True, check=True)
            runs.append(json.loads(child.stdout))
            print(f"  {ENGINES[engine]}: done in {time.perf_counter() - t:.0f} s", flush=True)

    head = ["", *(ENGINES[r["engine"]] for r in runs)]
    lines = [head, ["load (N-Quads)", *(ms(r["load_s"]) for r in runs)]]
    for name in queries(params):
        rows = {r["queries"][name]["rows"] for r in runs}
        agree = f"{rows.pop():,} rows" if len(rows) == 1 else "ROWS DIFFER"
        lines.append([f"{name} ({agree})",
                      *(ms(r["queries"][name]["median_s"]) for r in runs)])
    lines.append(["peak RSS", *(f"{r['peak_rss_mb']:,.0f} MB" for r in runs)])
    if any(r["disk_mb"] for r in runs):
        lines.append(["on disk", *(f"{r['disk_mb']:,.0f} MB" if r["disk_mb"] else ""
                                   for r in runs)])
    print()
    print("| " + " | ".join(head) + " |")
    print("|---" + "|---:" * (len(head) - 1) + "|")
    for line in lines[1:]:
        print("| " + " | ".join(line) + " |")
    if any(len({r["queries"][n]["rows"] for r in runs}) > 1 for n in queries(params)):
        sys.exit("engines gave different numbers of rows")


if __name__ == "__main__":
    main()
