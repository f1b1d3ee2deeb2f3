"""kg: a knowledge graph of who did what to whom, when and where, from news articles.

    >>> import kg
    >>> result = kg.build(["seeds/"])          # doctest: +SKIP
    >>> result.graph                            # rdflib Graph of all facts
    >>> result.network()                        # networkx MultiDiGraph
    >>> result.entities, result.events          # typed records

Heavy libraries (spaCy, rdflib, pyvis) load on first use, not on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["build", "write", "__version__"]

if TYPE_CHECKING:
    from kg.pipeline import build


def __getattr__(name: str) -> Any:
    if name == "build":
        from kg.pipeline import build

        return build
    if name == "write":
        from kg.exports import write_all

        return write_all
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
