"""Send a build to a SPARQL 1.1 store with the Graph Store HTTP Protocol.

`url` is the store's Graph Store Protocol endpoint, the URL to which `?graph=IRI` is
added: `http://localhost:7878/store` for Oxigraph, `http://localhost:3030/DATASET/data`
for Fuseki, `http://localhost:7200/repositories/REPO/rdf-graphs/service` for GraphDB.
Each article's named graph is sent with one PUT, which replaces that graph on the
server: pushing the same build twice leaves the store as after the first push, and a
rebuilt article replaces its old facts. Graphs of articles that are no longer in the
build are left as they are. Credentials go in the URL (`http://user:password@host/...`,
sent as HTTP Basic authentication) and are never shown in messages.

Only the standard library is used (http.client, one kept-alive connection).
"""

from __future__ import annotations

import base64
import http.client
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pyoxigraph as ox

from kg.rdf_files import UnionSorter

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

N_TRIPLES = "application/n-triples"
_EXCERPT = 300  # characters of a refusal's body worth showing


class PushError(RuntimeError):
    """The store could not be reached, or refused a graph."""


@dataclass(frozen=True)
class PushReport:
    url: str  # the endpoint, without credentials
    graphs: int
    triples: int


@dataclass(frozen=True)
class _Endpoint:
    scheme: str
    host: str
    port: int | None
    path: str  # path and query of the endpoint, to which the graph parameter is added
    shown: str  # the URL without credentials, for messages
    auth: str | None  # an Authorization header value

    @classmethod
    def parse(cls, url: str) -> _Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PushError(f"not an http(s) URL of a Graph Store Protocol endpoint: {url!r}")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        shown = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        auth = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            auth = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(parts.scheme, parts.hostname, parts.port, path, shown, auth)

    def target(self, graph: str | None) -> str:
        """The request target for one graph (None: the default graph)."""
        param = "default" if graph is None else "graph=" + quote(graph, safe="")
        return self.path + ("&" if "?" in self.path else "?") + param


class _Session:
    """One HTTP(S) connection, opened again when the server has closed it."""

    def __init__(self, endpoint: _Endpoint, timeout: float):
        self.endpoint = endpoint
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        cls = (http.client.HTTPSConnection if self.endpoint.scheme == "https"
               else http.client.HTTPConnection)
        return cls(self.endpoint.host, self.endpoint.port, timeout=self.timeout)

    def put(self, graph: str | None, body: bytes) -> tuple[int, str, bytes]:
        headers = {"Content-Type": N_TRIPLES}
        if self.endpoint.auth:
            headers["Authorization"] = self.endpoint.auth
        target = self.endpoint.target(graph)
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request("PUT", target, body=body, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.reason, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server closed meanwhile: PUT is idempotent,
                # so it is sent once more on a new connection.
                if not reused or attempt == 2:
                    raise
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _store_graphs(source: ox.Store,
                  per_article: bool) -> Iterator[tuple[str | None, bytes, int]]:
    """(graph IRI or None for the default graph, N-Triples, triple count), in IRI order,
    from a store with one named graph per article."""
    if per_article:
        for g in sorted(source.named_graphs(), key=lambda n: n.value):
            data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
            yield g.value, data, data.count(b"\n")
        return
    union = ox.Store()  # all articles as one graph: each triple once, whoever states it
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object)
                      for q in source.quads_for_pattern(None, None, None, None)
                      if not isinstance(q.graph_name, ox.DefaultGraph))
    data = union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    yield None, data, data.count(b"\n")


def _build_graphs(result: BuildResult,
                  per_article: bool) -> Iterator[tuple[str | None, bytes, int]]:
    """The same from a build's records, one article at a time (no store is made)."""
    if per_article:
        for iri, lines in result.article_graphs():
            yield iri[1:-1], "".join(f"{line} .\n" for line in lines).encode(), len(lines)
        return
    with tempfile.TemporaryDirectory(prefix="kg-push-") as tmp:
        sorter = UnionSorter(Path(tmp))
        for _iri, lines in result.article_graphs():
            sorter.add(lines)
        union = [f"{line} .\n" for line in sorter]
        yield None, "".join(union).encode(), len(union)


def push(source: ox.Store | BuildResult, url: str, *, graph_per_article: bool = True,
         timeout: float = 30.0,
         progress: Callable[[int], None] | None = None) -> PushReport:
    """PUT the build's graphs to the Graph Store Protocol endpoint `url`.

    `source` is a build (its articles' graphs, made from its records) or a Store with one
    named graph per article. With `graph_per_article=False` all facts go, once each,
    into the server's default graph, which they replace. `timeout` bounds each request
    (seconds); `progress` is called with 1 after each graph. Raises PushError at the
    first graph that cannot be sent: the graphs before it are on the server."""
    graphs = (_store_graphs(source, graph_per_article) if isinstance(source, ox.Store)
              else _build_graphs(source, graph_per_article))
    endpoint = _Endpoint.parse(url)
    session = _Session(endpoint, timeout)
    sent = triples = 0
    try:
        for graph, data, count in graphs:
            name = f"graph <{graph}>" if graph else "the default graph"
            try:
                status, reason, body = session.put(graph, data)
            except ConnectionRefusedError:
                raise PushError(f"cannot push to {endpoint.shown}: connection refused "
                                "(is the store running, on that port?)") from None
            except TimeoutError:
                raise PushError(f"cannot push to {endpoint.shown}: no answer within "
                                f"{timeout:g} s while sending {name}") from None
            except OSError as exc:  # unknown host, TLS, reset...
                raise PushError(f"cannot push to {endpoint.shown}: "
                                f"{exc.strerror or exc}") from None
            if not 200 <= status < 300:
                excerpt = " ".join(body.decode("utf-8", "replace").split())[:_EXCERPT]
                raise PushError(f"{endpoint.shown} refused {name}: HTTP {status} {reason}"
                                + (f": {excerpt}" if excerpt else ""))
            sent += 1
            triples += count
            if progress:
                progress(1)
    finally:
        session.close()
    return PushReport(endpoint.shown, sent, triples)
