"""The viewer: one self-contained, offline HTML file built with pyvis.

pyvis builds the network (nodes, edges, options); the page is our own template with
vis-network's JS and CSS inlined from the installed pyvis package, so nothing is
fetched from a CDN. Article text reaches the page only as JSON inside a script element
(with <, > and & escaped) and is shown with textContent, never innerHTML.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

import networkx as nx

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


def network_data(graph: nx.MultiDiGraph, *, top: int | None = None,
                 focus: str | None = None, depth: int = 2, since: str | None = None,
                 types: set[str] | None = None) -> tuple[list[dict], list[dict]]:
    """Nodes and edges for the page, built with pyvis; filtered as asked."""
    from pyvis.network import Network

    # Views, not copies: a build's network can be large, and only the page's part of it
    # is made anew (at the end).
    g: nx.MultiDiGraph = graph
    if since or types:
        def shown(u: str, v: str, k: str) -> bool:
            d = graph.edges[u, v, k]
            return not (since and d["kind"] == "event"
                        and (d["date"] or d["article_date"]) < since) \
                and not (types and d["type"] not in types)

        g = nx.subgraph_view(graph, filter_edge=shown)
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
        net.add_edge(u, v, label=d["label"], color=EDGE_COLOR[d["group"]], dashes=not drawn,
                     arrows="to")
        edges.append({"id": k, "from": u, "to": v, "kind": d["kind"], "type": d["type"],
                      "group": d["group"], "mode": d["mode"], "date": d["date"],
                      "evidence": d["evidence"], "article": d["article"],
                      "article_date": d["article_date"], "url": d["url"],
                      "trigger": d.get("trigger", "")})
    nodes = []
    for node in net.nodes:
        d = g.nodes[node["id"]]
        nodes.append({"id": node["id"], "label": node["label"], "color": node["color"],
                      "shape": node["shape"], "size": round(node["size"], 2),
                      "type": d["type"], "aliases": d["aliases"], "wikidata": d["wikidata"],
                      "mentions": d["mentions"], "articles": d["articles"],
                      "roles": [r for r in d.get("roles", "").split("; ") if r]})
    for e, pe in zip(edges, net.edges, strict=True):
        e.update(color=pe["color"], label=pe["label"], dashes=pe["dashes"])
    return nodes, edges


def render(graph: nx.MultiDiGraph, **filters: object) -> str:
    """The whole page as a string, from the network of a build (all modes)."""
    nodes, edges = network_data(graph, **filters)  # type: ignore[arg-type]
    total = sum(1 for n in graph if graph.degree(n) > 0)
    template = resources.files("kg").joinpath("templates", "viewer.html").read_text("utf-8")
    data = {"nodes": nodes, "edges": edges,
            "legend": {"nodes": NODE_STYLE, "edges": EDGE_COLOR},
            "articles": graph.graph.get("articles", 0), "total": total}
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
    return g
