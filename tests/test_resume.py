"""Re-running a build resumes: articles already extracted are not parsed again."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from kg import parallel
from kg.exports import write_all
from kg.pipeline import build

from .conftest import DEV, SEEDS


def _outputs(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.is_file()}


def test_a_second_build_parses_nothing_and_writes_the_same(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_all(build([SEEDS, DEV / "d01.txt"], cache_dir=out), out)
    first = _outputs(out)

    def no_parsing(*args, **kwargs):
        raise AssertionError("an article was parsed again")

    monkeypatch.setattr(parallel, "run_here", no_parsing)
    monkeypatch.setattr(parallel, "run", no_parsing)
    write_all(build([SEEDS, DEV / "d01.txt"], cache_dir=out), out)
    assert _outputs(out) == first


def test_new_articles_join_the_existing_ones(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([SEEDS], cache_dir=out)
    parsed: list[str] = []
    real = parallel.run_here

    def counting(articles, **kwargs):
        articles = list(articles)
        parsed.extend(a.source for a in articles)
        return real(articles, **kwargs)

    monkeypatch.setattr(parallel, "run_here", counting)
    result = build([SEEDS, DEV / "d09.txt"], cache_dir=out)
    assert parsed == [str(DEV / "d09.txt")]
    labels = {e.label for e in result.entities.values()}
    assert {"Antony Blinken", "Recep Tayyip Erdoğan"} <= labels
    # Joe Biden is in both articles: one node, mentioned in both.
    assert len([e for e in result.entities.values() if e.label == "Joe Biden"]) == 1


def test_a_killed_build_resumes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    seed = next(SEEDS.glob("*.txt")).read_text("utf-8")
    for i in range(40):
        (src / f"a{i:02d}.txt").write_text(f"{seed}\n\nCopy {i}.")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kg", "build", str(src), "--out", str(out), "--processes", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 120
    while time.monotonic() < end and len(list(out.glob(".kg-cache/*/*.json"))) < 3:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    done = len(list(out.glob(".kg-cache/*/*.json")))
    assert 3 <= done < 40, done
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert len(list(out.glob(".kg-cache/*/*.json"))) == 40
    fresh = tmp_path / "fresh"
    r = subprocess.run(cmd[:-4] + ["--out", str(fresh), "--no-cache", "--processes", "1"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert _outputs(out) == _outputs(fresh)
