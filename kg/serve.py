"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over a build, on localhost.

GET /sparql?query=... or POST (form `query=...`, or an `application/sparql-query` body);
results as SPARQL JSON, XML, CSV or TSV by the Accept header or a `format` parameter;
CORS headers so that browser clients (YASGUI and the like) can use it. Updates are
refused. The default graph is the union of all articles; GRAPH reaches each article.
"""

from __future__ import annotations

from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox

from kg.query import QueryError, open_store, run

FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {"turtle": ("text/turtle", ox.RdfFormat.TURTLE),
                 "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES)}
MAX_BODY = 1_000_000


def _pick(accept: str, fmt: str | None, table: dict) -> str:
    if fmt and fmt in table:
        return fmt
    for name, (mime, _) in table.items():
        if mime in accept:
            return name
    return next(iter(table))


class Handler(BaseHTTPRequestHandler):
    store: ox.Store
    server_version = "kg-sparql"

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")

    def _reply(self, status: int, body: bytes, mime: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self._cors()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_OPTIONS(self) -> None:  # CORS preflight
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.end_headers()

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path != "/sparql":
            self._reply(HTTPStatus.NOT_FOUND, b"the SPARQL endpoint is at /sparql\n")
            return
        params = parse_qs(url.query)
        self._answer(params.get("query", [""])[0], params.get("format", [None])[0])

    def do_POST(self) -> None:
        url = urlparse(self.path)
        if url.path != "/sparql":
            self._reply(HTTPStatus.NOT_FOUND, b"the SPARQL endpoint is at /sparql\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"query too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        fmt = parse_qs(url.query).get("format", [None])[0]
        if ctype == "application/sparql-query":
            self._answer(body, fmt)
            return
        params = parse_qs(body)
        if "update" in params or ctype == "application/sparql-update":
            self._reply(HTTPStatus.FORBIDDEN, b"this endpoint is read-only\n")
            return
        self._answer(params.get("query", [""])[0], params.get("format", [fmt])[0])

    def _answer(self, sparql: str, fmt: str | None) -> None:
        if not sparql.strip():
            self._reply(HTTPStatus.BAD_REQUEST, b"no query given\n")
            return
        try:
            result = run(self.store, sparql)
        except QueryError as exc:
            status = HTTPStatus.FORBIDDEN if "read-only" in str(exc) else HTTPStatus.BAD_REQUEST
            self._reply(status, f"{exc}\n".encode())
            return
        accept = self.headers.get("Accept") or ""
        if isinstance(result, ox.QueryTriples):
            name = _pick(accept, fmt, GRAPH_FORMATS)
            mime, rdf_fmt = GRAPH_FORMATS[name]
            self._reply(HTTPStatus.OK, ox.serialize(result, format=rdf_fmt) or b"", mime)
            return
        name = _pick(accept, fmt, FORMATS)
        mime, res_fmt = FORMATS[name]
        self._reply(HTTPStatus.OK, result.serialize(format=res_fmt) or b"", mime)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: a local tool, not a web server's access log


def server(target: str | Path, host: str = "127.0.0.1", port: int = 7878) -> ThreadingHTTPServer:
    """A server over a build's output folder (or one RDF file), not yet started."""
    store = open_store(target)
    handler = type("KgHandler", (Handler,), {"store": store})
    return ThreadingHTTPServer((host, port), handler)
