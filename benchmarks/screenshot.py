"""Regenerate docs/viewer.png, the README's picture of the viewer on the seed article.

    .venv/bin/python benchmarks/screenshot.py [--html output/graph.html] [--out docs/viewer.png]

Without --html the seed article is built into a temporary folder first. The page is
opened in headless Chromium (driven as in tests/test_viewer.py, offline) at 1400x900 and
captured once the layout has settled; the layout is seeded, so the picture is the same
on every run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_viewer import Chromium  # noqa: E402


def seed_page(folder: Path) -> Path:
    from kg.exports import write_all
    from kg.pipeline import build

    write_all(build([ROOT / "seeds"]), folder)
    return folder / "graph.html"


def capture(html: Path, out: Path, chromium: str, width: int = 1400, height: int = 900) -> None:
    browser = Chromium(chromium)
    try:
        page = browser.open(html.resolve().as_uri(), width, height)
        page.wait_for("window.kgReady === true && window.kgStable === true", timeout=60)
        # Two animation frames, so the fitted view has been drawn.
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        if page.errors:
            raise SystemExit(f"the page logged errors: {page.errors}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(page.screenshot())
    finally:
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=Path, help="a built graph.html (default: build the seed)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "viewer.png")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = ap.parse_args()
    if args.html:
        capture(args.html, args.out, args.chromium)
    else:
        with tempfile.TemporaryDirectory(prefix="kg-screenshot-") as tmp:
            capture(seed_page(Path(tmp)), args.out, args.chromium)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
