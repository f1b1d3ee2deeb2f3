"""Hostile input and failures: clear errors, nothing lost, nothing executed."""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from kg import exports
from kg.ingest import MAX_ARTICLE_CHARS, read, split_long
from kg.records import Article, Notice, Problem

from .conftest import SEEDS

GOOD = ("Russia accused Ukraine of provocations on Monday. NATO Secretary General "
        "Jens Stoltenberg met Polish President Andrzej Duda in Warsaw.")


def hostile_folder(root: Path) -> dict[str, str]:
    """Write a folder of broken and strange inputs; returns file name -> expected reason."""
    root.mkdir()
    (root / "good.txt").write_text(GOOD)
    (root / "empty.txt").write_text("")
    (root / "blank.md").write_text("\n\n   \n")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (root / "latin1.txt").write_bytes("Le président Macron a rencontré Scholz à Berlin. "
                                      "France criticized Germany.".encode("latin-1"))
    (root / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE +
                                     "Japan protested against China.".encode("utf-16-le"))
    (root / "invisible.txt").write_text("Iran\u200b threatened\u202e Israel\u2066 on "
                                        "Sunday.\u200f 🚀🔥")
    (root / "script.html").write_text(
        "<html><head><script>alert('x')</script><style>p{}</style></head><body><article>"
        "<p>" + " ".join(["Turkey condemned Syria for the attack on the border."] * 6) +
        "</p><script>document.write('pwned')</script></article></body></html>")
    (root / "nothing.html").write_text("<html><body><script>alert(1)</script></body></html>")
    (root / "copy.txt").write_text(GOOD)
    big = root / "huge.txt"
    with big.open("wb") as f:
        f.truncate(51 * 2**20)  # sparse: 51 MiB without writing them
    lines = [json.dumps({"text": "China warned Taiwan.", "date": "2023-04-01"}),
             "{broken", json.dumps([1, 2]), json.dumps({"title": "no text"}), ""]
    (root / "feed.jsonl").write_text("\n".join(lines))
    return {"empty.txt": "no article text", "blank.md": "no article text",
            "binary.txt": "binary", "nothing.html": "no article text",
            "huge.txt": "MiB", "feed.jsonl:2": "not valid JSON",
            "feed.jsonl:3": "object", "feed.jsonl:4": "text"}


def test_every_hostile_input_gets_a_clear_message_and_the_rest_is_built(tmp_path):
    src = tmp_path / "in"
    expected = hostile_folder(src)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "kg", "build", str(src), "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    skipped = [line for line in r.stderr.splitlines() if line.startswith("kg: skipped")]
    for name, reason in expected.items():
        line = next((s for s in skipped if f"{name}:" in s or s.endswith(name)), None)
        assert line and reason in line, (name, r.stderr)
    assert any("copy.txt" in s or "good.txt" in s for s in skipped if "same text" in s)
    assert "latin1.txt: not valid UTF-8: decoded as Windows-1252" in r.stderr
    # Every good article is in the graph, and the graph is valid.
    triples = list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    labels = {t.object.value for t in triples if t.predicate.value.endswith("#label")}
    for label in ("Russia", "Jens Stoltenberg", "France", "Japan", "Iran", "Turkey", "China"):
        assert label in labels, label
    html = (out / "graph.html").read_text("utf-8")
    assert "pwned" not in html and "alert('x')" not in html
    assert f"{len(expected) + 1} skipped" in r.stdout


def test_long_texts_are_split_not_dropped(tmp_path):
    one_line = ("Russia attacked Ukraine. " * 20_000)  # 500,000 characters, one line
    parts = split_long(one_line)
    assert len(parts) >= 5 and all(len(p) <= MAX_ARTICLE_CHARS for p in parts)
    assert sum(len(p) for p in parts) >= len(one_line.strip()) - len(parts)
    f = tmp_path / "long.txt"
    f.write_text("x" * 10 + " " + "y" * (MAX_ARTICLE_CHARS + 5))  # no sentence to cut at
    items = list(read([f]))
    assert any(isinstance(i, Notice) and "parts" in i.message for i in items)
    assert all(len(a.text) <= MAX_ARTICLE_CHARS for a in items if isinstance(a, Article))


def test_windows_quotes_are_read_as_quotes(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes(b"Russia\x92s foreign minister Sergei Lavrov met \x93allies\x94.")
    (a,) = [i for i in read([f]) if isinstance(i, Article)]
    assert a.text == "Russia\u2019s foreign minister Sergei Lavrov met \u201callies\u201d."


def test_metadata_is_cleaned_too(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": "Russia met \ud800China.", "title": "Bad\u0001title\u202e",
                             "author": "A\u200bB\udfff"}) + "\n")
    (a,) = [i for i in read([f]) if isinstance(i, Article)]
    assert a.title == "Bad title" and a.author == "AB" and a.text == "Russia met  China."


def test_lone_surrogates_in_json_lines_do_not_stop_the_build(tmp_path):
    """JSON may escape half a character ("\\ud800"); no UTF-8 file can hold it."""
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": "Russia accused \udc00Ukraine of shelling Donetsk.",
                             "title": "T\ud800", "url": "https://x.example/\ud800"}) + "\n"
                 + json.dumps({"text": "NATO condemned Russia."}) + "\n")
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(f), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2 articles" in result.stdout
    assert "\ufffd" not in (tmp_path / "out" / "events.csv").read_text("utf-8")


def test_a_build_does_not_read_its_own_outputs(tmp_path):
    (tmp_path / "a.txt").write_text("Russia met China.")
    out = tmp_path / "output"
    out.mkdir()
    (out / "graph.html").write_text("<html>old</html>")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("India met Brazil.")
    items = list(read([tmp_path], exclude=[out]))
    assert [i.source for i in items] == [str(tmp_path / "a.txt")]


def test_a_broken_line_of_json_costs_only_itself(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"text": "Russia met China."}\n\xff\xfe{"text": 1}\n'
                  b'{"text": "India met Brazil."}\n')
    items = list(read([f]))
    assert [a.text for a in items if isinstance(a, Article)] == ["Russia met China.",
                                                                  "India met Brazil."]
    assert [p.source.rsplit(":", 1)[1] for p in items if isinstance(p, Problem)] == ["2"]


# Text that has broken RDF writers, HTML pages and IRI minting elsewhere.
NASTY = st.text(alphabet=st.sampled_from(list("\"'\\<>&{}|^`\n\r\t\x00\x07\x1b\u200b\u202e"
                                              "\u2028\ufeff🚀ßé中 aZ9./#:?%")) | st.characters(),
                max_size=60)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(nasty=NASTY)
def test_arbitrary_text_gives_valid_turtle_and_a_safe_page(tmp_path_factory, nasty):
    from kg.pipeline import build

    body = (f"Russia accused {nasty} of provocations on Monday. {nasty}, the Kremlin said, "
            f"met <b>MARK</b> President {nasty} Smith in Kiev. The US sanctioned \"{nasty}\".")
    text = "\n".join(line for line in body.splitlines())
    from kg.ingest import article_id, clean

    text = clean(text)
    article = Article(article_id(text), "nasty.txt", text, title=f"<script>{nasty}",
                      url=None)
    result = build([], articles=[article], n_process=1)
    out = tmp_path_factory.mktemp("nasty")
    exports.write_rdf(result, out)
    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.trig", ox.RdfFormat.TRIG),
                      ("graph.nq", ox.RdfFormat.N_QUADS)):
        list(ox.parse(path=str(out / name), format=fmt))  # raises on any syntax error
    exports.write_tables_and_network(result, out)  # XML: raises on a character it can't hold
    for name in ("graph.graphml", "graph.gexf"):
        etree.parse(str(out / name))  # well-formed, whatever the text
    page = (out / "graph.html").read_text("utf-8")
    assert "<b>MARK" not in page
    data = page.split('<script id="kg-data" type="application/json">', 1)[1]
    assert "</script" not in data.split("</script>", 1)[0]


def _copy_outputs(src: Path, dst: Path) -> dict[str, bytes]:
    dst.mkdir()
    files = {}
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
            files[f.name] = f.read_bytes()
    return files


def _many_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    seed = next(SEEDS.glob("*.txt")).read_text("utf-8")
    for i in range(n):
        (folder / f"a{i}.txt").write_text(f"{seed}\n\nCopy {i}.")


def _long_build_over_previous_outputs(seed_build, tmp_path: Path):
    """A build of 60 articles started over an output folder that holds a previous build;
    returns it six seconds in (model loaded, parsing), with the previous files."""
    _, previous = seed_build
    out = tmp_path / "out"
    before = _copy_outputs(previous, out)
    src = tmp_path / "in"
    _many_articles(src, 60)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(src), "--out", str(out),
                             "--processes", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    assert proc.poll() is None, "the build finished too early to be stopped midway"
    return proc, out, before


def _files(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in folder.iterdir() if f.is_file()}


def test_a_killed_build_leaves_the_previous_outputs(seed_build, tmp_path):
    proc, out, before = _long_build_over_previous_outputs(seed_build, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _files(out) == before


def test_interrupt_is_a_message_not_a_traceback(seed_build, tmp_path):
    proc, out, before = _long_build_over_previous_outputs(seed_build, tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert _files(out) == before


def test_a_failure_while_writing_leaves_the_previous_outputs(seed_build, tmp_path,
                                                             monkeypatch):
    result, previous = seed_build
    out = tmp_path / "out"
    before = _copy_outputs(previous, out)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    from kg.network_files import NetworkFiles

    # The disk fills up once the RDF files and the tables are written.
    monkeypatch.setattr(NetworkFiles, "finish", broken)
    with pytest.raises(OSError):
        exports.write_all(result, out)
    assert _files(out) == before
    assert not list(out.glob(".kg-staging-*")), "staging folder left behind"
    assert os.listdir(out)
