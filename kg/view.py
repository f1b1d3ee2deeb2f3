"""The viewer: one self-contained, offline HTML file built with pyvis.

The page draws a `Summary` of the network: one edge for all the facts of one type
between two entities, with their count, dates and newest evidence, so that its size
follows the entities, not the articles. pyvis builds the network (nodes, edges,
options); the page is our own template with
vis-network's JS and CSS inlined from the installed pyvis package, so nothing is
fetched from a CDN. Article text reaches the page only as JSON inside a script element
(with <, > and & escaped) and is shown with textContent, never innerHTML.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

import networkx as nx

from kg.network import EDGE_FIELDS, NODE_FIELDS, Edge, Node
from kg.records import GROUP_OF

if TYPE_CHECKING:
    from pathlib import Path

NODE_STYLE = {
    "Country": ("#2b6cb0", "dot"),
    "Alliance": ("#6b46c1", "diamond"),
    "Organization": ("#dd6b20", "square"),
    "Person": ("#2f855a", "triangle"),
    "Place": ("#718096", "star"),
}
# The build's page shows at most this many entities, the most connected: the layout
# stays interactive (see benchmarks/viewer_scale.py); `kg view` reaches the rest.
DEFAULT_TOP = 500
EDGE_COLOR = {
    "verbal cooperation": "#68d391",
    "material cooperation": "#2f855a",
    "verbal conflict": "#ed8936",
    "material conflict": "#c53030",
    "relation": "#a0aec0",
}


def _safe_json(value: object) -> str:
    """JSON that cannot close the script element it sits in."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_asset(name: str) -> str:
    import pyvis

    return resources.files(pyvis).joinpath("lib", "vis-9.1.2", name).read_text("utf-8")


# Evidence kept for each edge of the page: its newest distinct facts. Every fact is in
# events.csv, relations.csv and graph.graphml.
FACTS_PER_EDGE = 20
FACT_FIELDS = ("date", "article_date", "article", "evidence", "url")  # what the panel shows


class _Bundle:
    """The facts of one kind between two entities: how many, on which dates, and the
    newest `limit` distinct ones (a min-heap, so the oldest kept is first)."""

    __slots__ = ("count", "dates", "heap", "kept")

    def __init__(self) -> None:
        self.count = 0
        self.dates: Counter[str] = Counter()
        self.heap: list[tuple[str, ...]] = []
        self.kept: set[tuple[str, ...]] = set()

    def add(self, when: str, d: dict[str, object], limit: int) -> None:
        self.count += 1
        self.dates[when] += 1
        fact = (when, *(str(d[k]) for k in FACT_FIELDS))
        if fact in self.kept:  # the same sentence of the same article again (a copy)
            return
        if len(self.heap) < limit:
            heapq.heappush(self.heap, fact)
        elif fact > self.heap[0]:
            self.kept.discard(heapq.heapreplace(self.heap, fact))
        else:
            return
        self.kept.add(fact)

    def facts(self) -> list[dict[str, str]]:
        return [dict(zip(FACT_FIELDS, f[1:], strict=True))
                for f in sorted(self.heap, reverse=True)]


class Summary:
    """What the page draws: one edge per source, target, type and mode, standing for
    every fact of that type between the two, with their number, their dates and the
    evidence of the newest of them. It grows with the pairs of entities that interact,
    not with the articles, so a build's page stays small and quick to lay out.

    `since` leaves out events dated (or reported) before it, `types` keeps only those
    relation and event types."""

    def __init__(self, *, since: str | None = None, types: set[str] | None = None,
                 facts: int = FACTS_PER_EDGE):
        self.since, self.types, self.limit = since, types, facts
        self.bundles: dict[tuple[str, str, str, str], _Bundle] = {}

    def add(self, edge: Edge) -> None:
        u, v, _key, d = edge
        when = str(d["date"] or d["article_date"])
        if self.types and d["type"] not in self.types:
            return
        if self.since and d["kind"] == "event" and when < self.since:
            return
        key = (u, v, str(d["type"]), str(d["mode"]))
        bundle = self.bundles.get(key)
        if bundle is None:
            bundle = self.bundles[key] = _Bundle()
        bundle.add(when, d, self.limit)

    def graph(self, nodes: Iterable[Node], *, articles: int) -> nx.MultiDiGraph:
        """The summary as a networkx graph: the nodes as given, one edge per bundle."""
        g = nx.MultiDiGraph(articles=articles)
        g.add_nodes_from(nodes)
        for (u, v, type_, mode), b in sorted(self.bundles.items()):
            event = type_ in GROUP_OF  # relation types are not PLOVER's
            g.add_edge(u, v, key=f"{type_}:{mode}:{u}:{v}",
                       kind="event" if event else "relation", type=type_, mode=mode,
                       group=GROUP_OF[type_] if event else "relation", count=b.count,
                       dates=sorted(b.dates.items()), facts=b.facts())
        return g


def summarize(graph: nx.MultiDiGraph, *, since: str | None = None,
              types: set[str] | None = None) -> nx.MultiDiGraph:
    """The summary of a network of facts (`BuildResult.network`, a build's GraphML)."""
    summary = Summary(since=since, types=types)
    for u, v, k, d in graph.edges(keys=True, data=True):
        summary.add((u, v, k, d))
    return summary.graph(graph.nodes(data=True), articles=graph.graph.get("articles", 0))


def network_data(graph: nx.MultiDiGraph, *, top: int | None = None,
                 focus: str | None = None, depth: int = 2) -> tuple[list[dict], list[dict]]:
    """Nodes and edges for the page from a summary (`Summary.graph`), built with pyvis:
    the neighbourhood of `focus`, the `top` most connected entities."""
    from pyvis.network import Network

    g: nx.MultiDiGraph = graph  # views from here on, not copies
    if focus:
        wanted = {n for n, d in g.nodes(data=True)
                  if d["label"].lower() == focus.lower() or n == focus}
        if not wanted:
            raise ValueError(f"no entity named {focus!r} in the graph")
        near = set(wanted)
        und = g.to_undirected(as_view=True)
        for n in wanted:
            near |= set(nx.single_source_shortest_path_length(und, n, cutoff=depth))
        g = g.subgraph(near)
    connected = [n for n in g.nodes if g.degree(n) > 0] or list(g.nodes)
    g = g.subgraph(connected)
    centrality = nx.degree_centrality(nx.Graph(g)) if len(g) > 1 else {n: 1.0 for n in g}
    if top and len(g) > top:
        keep = sorted(centrality, key=lambda n: (-centrality[n], n))[:top]
        g = g.subgraph(keep)
    net = Network(directed=True)
    for n, d in sorted(g.nodes(data=True)):
        color, shape = NODE_STYLE[d["type"]]
        net.add_node(n, label=d["label"], color=color, shape=shape,
                     size=10 + 30 * centrality.get(n, 0))
    edges = []
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        drawn = d["mode"] in ("asserted", "historical")
        count = d["count"]
        net.add_edge(u, v, label=d["type"] if count == 1 else f"{d['type']} ×{count}",
                     color=EDGE_COLOR[d["group"]], dashes=not drawn, arrows="to",
                     width=round(1 + min(math.log2(count), 6), 2))
        edges.append({"id": k, "from": u, "to": v, "kind": d["kind"], "type": d["type"],
                      "group": d["group"], "mode": d["mode"], "count": count,
                      "dates": d["dates"], "facts": d["facts"]})
    nodes = []
    for node in net.nodes:
        d = g.nodes[node["id"]]
        nodes.append({"id": node["id"], "label": node["label"], "color": node["color"],
                      "shape": node["shape"], "size": round(node["size"], 2),
                      "type": d["type"], "aliases": d["aliases"], "wikidata": d["wikidata"],
                      "mentions": d["mentions"], "articles": d["articles"],
                      "roles": [r for r in d.get("roles", "").split("; ") if r]})
    for e, pe in zip(edges, net.edges, strict=True):
        e.update(color=pe["color"], label=pe["label"], dashes=pe["dashes"], width=pe["width"])
    return nodes, edges


def render(graph: nx.MultiDiGraph, *, top: int | None = None, focus: str | None = None,
           depth: int = 2) -> str:
    """The whole page as a string, from a summary (`Summary.graph`, `summarize`)."""
    if any("count" not in d for _u, _v, d in graph.edges(data=True)):
        raise TypeError("render() draws a summary of a network: pass "
                        "kg.view.summarize(graph)")
    nodes, edges = network_data(graph, top=top, focus=focus, depth=depth)
    total = sum(1 for n in graph if graph.degree(n) > 0)
    template = resources.files("kg").joinpath("templates", "viewer.html").read_text("utf-8")
    data = {"nodes": nodes, "edges": edges,
            "legend": {"nodes": NODE_STYLE, "edges": EDGE_COLOR},
            "articles": graph.graph.get("articles", 0), "total": total,
            "facts": sum(d["count"] for _u, _v, d in graph.edges(data=True))}
    script = _vis_asset("vis-network.min.js").replace("</script", "<\\/script")
    return (template.replace("/*VIS_CSS*/", _vis_asset("vis-network.css"))
            .replace("/*VIS_JS*/", script)
            .replace("/*DATA*/", _safe_json(data)))


def load_network(folder: Path) -> nx.MultiDiGraph:
    """The network a build wrote as GraphML (every edge, with its mode)."""
    path = folder / "graph.graphml"
    if not path.exists():
        raise ValueError(f"{folder}: no graph.graphml here; run `kg build` first")
    g = nx.read_graphml(path, force_multigraph=True)
    g.graph.setdefault("articles", 0)
    # Older networkx leaves out the empty values it reads; and a GraphML file from
    # elsewhere may lack some.
    for fields, items in ((NODE_FIELDS, (d for _n, d in g.nodes(data=True))),
                          (EDGE_FIELDS, (d for _u, _v, d in g.edges(data=True)))):
        for d in items:
            for name, kind in fields.items():
                d.setdefault(name, kind())
    return g
