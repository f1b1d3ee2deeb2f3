"""GraphML and GEXF (for Gephi, Cytoscape, networkx), written edge by edge.

Both formats want every node before the first edge, but a node's counts are known only
once every article has been read. So the edges are serialized as they come into a
temporary file beside the output, and the file is assembled at the end: its head and
attribute declarations, the nodes, then the edges copied over. Nothing holds the
network in memory (networkx's writers want the whole graph, and its GEXF writer builds
the whole document, several times the size of the graph).

Each element is serialized on its own by lxml, unqualified, inside a root that makes
the format's namespace the default.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from lxml import etree

from kg.network import EDGE_FIELDS, NODE_FIELDS, Edge, Node

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
GEXF = "http://www.gexf.net/1.2draft"  # as networkx and Gephi read it
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_TYPE_NAMES = {str: "string", int: "long", float: "double"}


def _xml(el: etree._Element) -> bytes:
    return etree.tostring(el, encoding="utf-8", pretty_print=True)


class _Spooled:
    """One output file: the edges go to a temporary file first."""

    def __init__(self, path: Path):
        self.path = path
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".edges", dir=path.parent)
        self.spool: BinaryIO = os.fdopen(fd, "w+b")
        self.spool_path = Path(name)

    def finish(self, head: bytes, nodes: Iterable[bytes], tail: bytes) -> None:
        """Write the file: head, nodes, the spooled edges, tail."""
        from kg.exports import atomic_binary

        with atomic_binary(self.path) as f:
            f.write(head)
            for node in nodes:
                f.write(node)
            self.spool.flush()
            self.spool.seek(0)
            shutil.copyfileobj(self.spool, f, 1 << 20)
            f.write(tail)

    def discard(self) -> None:
        self.spool.close()
        self.spool_path.unlink(missing_ok=True)


class NetworkFiles:
    """graph.graphml and graph.gexf in `out`: `add` each edge, then `finish` with the
    nodes. Each file is replaced atomically; used as a context manager, the temporary
    files are removed whatever happens."""

    def __init__(self, out: Path):
        self.graphml = _Spooled(out / "graph.graphml")
        try:
            self.gexf = _Spooled(out / "graph.gexf")
        except BaseException:
            self.graphml.discard()
            raise
        self._gexf_edge_fields = sorted(k for k in EDGE_FIELDS if k != "label")

    def __enter__(self) -> NetworkFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.graphml.discard()
        self.gexf.discard()

    def add(self, edge: Edge) -> None:
        u, v, k, d = edge
        el = etree.Element("edge", source=u, target=v, id=k)
        for n, name in enumerate(EDGE_FIELDS):
            etree.SubElement(el, "data", key=f"e{n}").text = str(d[name])
        self.graphml.spool.write(_xml(el))
        self.gexf.spool.write(_xml(_gexf_element(
            "edge", {"id": k, "source": u, "target": v, "label": str(d["label"])}, d,
            self._gexf_edge_fields)))

    def finish(self, nodes: Iterable[Node], *, articles: int) -> list[Path]:
        nodes = list(nodes)  # one per entity; read twice
        self._finish_graphml(nodes, articles)
        self._finish_gexf(nodes)
        return [self.graphml.path, self.gexf.path]

    def _finish_graphml(self, nodes: list[Node], articles: int) -> None:
        keys = [etree.Element("key", {"id": "g0", "for": "graph", "attr.name": "articles",
                                      "attr.type": "long"})]
        for prefix, kind, fields in (("n", "node", NODE_FIELDS), ("e", "edge", EDGE_FIELDS)):
            keys += [etree.Element("key", {"id": f"{prefix}{n}", "for": kind,
                                           "attr.name": name,
                                           "attr.type": _TYPE_NAMES[t]})
                     for n, (name, t) in enumerate(fields.items())]
        head = (b"<?xml version='1.0' encoding='utf-8'?>\n"
                + f'<graphml xmlns="{GRAPHML}" xmlns:xsi="{_XSI}" xsi:schemaLocation='
                  f'"{GRAPHML} {GRAPHML}/1.0/graphml.xsd">\n'.encode()
                + b"".join(map(_xml, keys))
                + f'<graph edgedefault="directed">\n<data key="g0">{articles}</data>\n'
                  .encode())

        def node(key: str, d: dict[str, object]) -> bytes:
            el = etree.Element("node", id=key)
            for n, name in enumerate(NODE_FIELDS):
                etree.SubElement(el, "data", key=f"n{n}").text = str(d[name])
            return _xml(el)

        self.graphml.finish(head, (node(k, d) for k, d in nodes), b"</graph>\n</graphml>\n")

    def _finish_gexf(self, nodes: list[Node]) -> None:
        node_fields = sorted(k for k in NODE_FIELDS if k != "label")

        def declare(cls: str, fields: list[str], types: dict[str, type]) -> bytes:
            attrs = etree.Element("attributes", {"class": cls, "mode": "static"})
            for n, name in enumerate(fields):
                etree.SubElement(attrs, "attribute", id=str(n), title=name,
                                 type=_TYPE_NAMES[types[name]])
            return _xml(attrs)

        head = (b"<?xml version='1.0' encoding='utf-8'?>\n"
                + f'<gexf xmlns="{GEXF}" version="1.2">\n'.encode()
                + b'<graph defaultedgetype="directed" mode="static">\n'
                + declare("node", node_fields, NODE_FIELDS)
                + declare("edge", self._gexf_edge_fields, EDGE_FIELDS)
                + b"<nodes>\n")
        body = (_xml(_gexf_element("node", {"id": k, "label": str(d["label"])}, d,
                                   node_fields)) for k, d in nodes)
        # The edges follow the nodes: close one block, open the other.
        self.gexf.finish(head, [*body, b"</nodes>\n<edges>\n"],
                         b"</edges>\n</graph>\n</gexf>\n")


def _gexf_element(name: str, attrs: dict[str, str], d: dict[str, object],
                  fields: list[str]) -> etree._Element:
    el = etree.Element(name, attrs)
    values = etree.SubElement(el, "attvalues")
    for n, field in enumerate(fields):
        etree.SubElement(values, "attvalue", {"for": str(n), "value": str(d[field])})
    return el
