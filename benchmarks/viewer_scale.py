"""How large a graph the viewer handles: time to first draw and to a settled layout.

    .venv/bin/python benchmarks/viewer_scale.py [--sizes 100 300 1000 3000]

Builds synthetic networks of N entities with 2N edges (the shape of a build's
network), renders them with kg.view (edges of one type between the same two entities
are drawn as one), and opens each page in headless Chromium (offline,
driven as in tests/test_viewer.py), printing the seconds until the network is drawn and
until physics has settled and is frozen.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.records import GROUP_OF, PLOVER_TYPES  # noqa: E402
from kg.view import render, summarize  # noqa: E402
from tests.test_viewer import Chromium  # noqa: E402

TYPES = ("Country", "Alliance", "Organization", "Person", "Place")


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    g = nx.MultiDiGraph(articles=n // 5)
    for i in range(n):
        g.add_node(f"e{i}", label=f"Entity {i}", type=rnd.choice(TYPES), aliases="",
                   wikidata="", mentions=1, articles=1, roles="")
    for k in range(2 * n):
        # Preferential attachment, as in news: a few actors take most edges.
        u = f"e{min(int(rnd.paretovariate(1.2)) - 1, n - 1)}"
        v = f"e{rnd.randrange(n)}"
        t = rnd.choice(PLOVER_TYPES)
        g.add_edge(u, v, key=f"k{k}", kind="event", type=t, label=t, mode="asserted",
                   group=GROUP_OF[t], date="2021", evidence="A sentence.", article="A",
                   article_date="2021-11-24", url="", trigger="did", event=f"x{k}",
                   confidence=0.5)
    return g


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    args = ap.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("needs Debian's chromium (apt-get install chromium)")
    print(f"{'entities':>8} {'facts':>6} {'edges':>6} {'page MB':>8} {'drawn s':>8} "
          f"{'settled s':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            g = synthetic(n)
            summary = summarize(g)
            html = Path(tmp) / f"g{n}.html"
            html.write_text(render(summary), "utf-8")
            browser = Chromium(chromium)
            try:
                t0 = time.monotonic()
                page = browser.open(html.as_uri(), 1400, 900)
                page.wait_for("window.kgReady === true", timeout=600)
                drawn = time.monotonic() - t0
                page.wait_for("window.kgStable === true", timeout=600)
                settled = time.monotonic() - t0
            finally:
                browser.close()
            print(f"{n:>8} {g.number_of_edges():>6} {summary.number_of_edges():>6} "
                  f"{html.stat().st_size / 2**20:>8.1f} "
                  f"{drawn:>8.1f} {settled:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
