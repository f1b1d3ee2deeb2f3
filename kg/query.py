"""Read-only SPARQL over a build's output, with Oxigraph (pyoxigraph).

A store made by `kg build --store` is opened read-only in place; an output folder's
`graph.trig` and `graph.nt` are loaded into memory. Both hold one named graph per
article and, as the default graph, their union, each triple once; `GRAPH ?article
{ ... }` reaches one article's facts. Updates are refused: pyoxigraph's query entry
point only parses queries, and we say so before it does.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import PREFIXES as RDF_PREFIXES

PREFIXES = {**RDF_PREFIXES, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
_FORMATS = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE,
            ".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\s+[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|"
                     r"ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


class QueryError(ValueError):
    pass


def open_store(target: str | Path) -> ox.Store:
    """The store of `kg build --store`, read-only; or an in-memory store holding a build's
    output folder, or one RDF file."""
    from kg.store import StoreError, is_store
    from kg.store import open_store as open_kg_store

    path = Path(target)
    if path.is_dir() and is_store(path):
        try:
            return open_kg_store(path)
        except (StoreError, OSError) as exc:
            raise QueryError(str(exc)) from None
    if path.is_dir():
        path = path / "graph.trig"
        if not path.exists():
            raise QueryError(f"{target}: no graph.trig here; run `kg build` first")
    if not path.exists():
        raise QueryError(f"{target}: no such file or folder")
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise QueryError(f"{path}: unknown RDF format (use .trig, .ttl, .nq or .nt)")
    store = ox.Store()
    union = path.with_suffix(".nt") if path.name == "graph.trig" else None
    try:
        store.bulk_load(path=str(path), format=fmt)
        if union is not None and union.exists():
            store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
        elif fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            # The default graph is the union of the articles, each triple once (Oxigraph's
            # own union view would repeat a triple for every article that states it).
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    except (SyntaxError, OSError) as exc:
        raise QueryError(f"{path}: cannot load: {exc}") from None
    return store


def _term(t: object) -> str:
    if t is None:
        return ""
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return t.value
    return str(t)


def run(store: ox.Store, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    if _UPDATE.match(sparql):
        raise QueryError("kg query is read-only: SPARQL updates (INSERT, DELETE, LOAD, ...) "
                         "are not run")
    try:
        return store.query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None


def select(target: str | Path, sparql: str) -> tuple[list[str], list[list[str]]]:
    """Column names and rows of plain values (IRIs and literal lexical forms)."""
    result = run(open_store(target), sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    return names, [[_term(sol[n]) for n in names] for sol in result]


def format_result(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
                  fmt: str = "table") -> str:
    """A SELECT result as a table, CSV, TSV or SPARQL JSON; ASK as true/false;
    CONSTRUCT and DESCRIBE as N-Triples."""
    if isinstance(result, ox.QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    if isinstance(result, ox.QueryTriples):
        return "".join(f"{t} .\n" for t in result)
    if fmt == "json":
        return (result.serialize(format=ox.QueryResultsFormat.JSON) or b"").decode("utf-8") + "\n"
    names = [v.value for v in result.variables]
    rows = [[_term(sol[n]) for n in names] for sol in result]
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        return buf.getvalue()
    return table(names, rows)


def table(names: list[str], rows: list[list[str]]) -> str:
    """A plain-text table for people."""
    short = {v: k + ":" for k, v in PREFIXES.items()}

    def shorten(value: str) -> str:
        for ns, prefix in short.items():
            if value.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]*", value[len(ns):]):
                return prefix + value[len(ns):]
        return value.replace("\n", " ")

    cells = [[shorten(c) for c in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in cells:
        out.append("  ".join((c if len(c) <= w else c[:w - 1] + "…").ljust(w)
                             for c, w in zip(r, widths, strict=True)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
