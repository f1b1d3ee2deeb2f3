"""Reading articles: formats, headers, encodings and broken inputs."""

from __future__ import annotations

import codecs
import json

from kg.ingest import read
from kg.records import Article, Problem


def _read(*paths):
    items = list(read(paths))
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, Problem)])


def test_key_value_header(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("url: https://example.org/x\ndate: 2014-03-17\n\nEU, US impose sanctions\n\n"
                 "The United States imposed sanctions on Russia on Monday.\n")
    (a,), problems = _read(f)
    assert not problems
    assert a.url == "https://example.org/x" and a.date.isoformat() == "2014-03-17"
    assert a.title == "EU, US impose sanctions"
    assert a.text.startswith("The United States")


def test_unknown_date_is_no_date(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("url: https://example.org/x\ndate: unknown\n\nRussia met Ukraine.\n")
    (a,), _ = _read(f)
    assert a.date is None


def test_markdown_links_and_headings(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("# Talks in Minsk\n\nRussia and **Ukraine** met in [Minsk](https://x.org).\n")
    (a,), _ = _read(f)
    assert a.title == "Talks in Minsk"
    assert a.text == "Russia and Ukraine met in Minsk."


def test_json_lines_with_a_broken_line(tmp_path):
    f = tmp_path / "a.jsonl"
    first = {"text": "Russia attacked Ukraine.", "title": "T", "date": "2022-02-24"}
    f.write_text(json.dumps(first)
                 + "\n{not json\n" + json.dumps({"title": "no text"}) + "\n"
                 + json.dumps({"text": "NATO met in Brussels."}) + "\n")
    arts, problems = _read(f)
    assert [a.text for a in arts] == ["Russia attacked Ukraine.", "NATO met in Brussels."]
    assert arts[0].date.isoformat() == "2022-02-24" and arts[0].source.endswith("a.jsonl:1")
    reasons = {p.source.rsplit(":", 1)[1]: p.reason for p in problems}
    assert "not valid JSON" in reasons["2"] and "text" in reasons["3"]


def test_html_is_extracted_without_scripts(tmp_path):
    f = tmp_path / "a.html"
    body = " ".join(["Russia accused Ukraine of provocations near the border on Monday."] * 8)
    f.write_text(f"<html><head><title>Border tensions</title><script>alert(1)</script></head>"
                 f"<body><article><h1>Border tensions</h1><p>{body}</p>"
                 f"<script>steal()</script></article></body></html>")
    (a,), _ = _read(f)
    assert "Russia accused Ukraine" in a.text
    assert "alert" not in a.text and "steal" not in a.text


def test_encodings(tmp_path):
    (tmp_path / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE +
                                         "Kyiv is in Ukraine.".encode("utf-16-le"))
    (tmp_path / "latin1.txt").write_bytes("Macron met Merkel in Orléans.".encode("latin-1"))
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + "Zero\u200bwidth.".encode())
    arts, problems = _read(tmp_path)
    texts = sorted(a.text for a in arts)
    assert texts == ["Kyiv is in Ukraine.", "Macron met Merkel in Orléans.", "Zerowidth."]
    assert not problems


def test_broken_inputs_are_reported_with_the_file_and_the_rest_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (tmp_path / "good.txt").write_text("Russia attacked Ukraine.")
    (tmp_path / "copy.txt").write_text("Russia attacked Ukraine.")
    arts, problems = _read(tmp_path, tmp_path / "missing.txt")
    assert len(arts) == 1
    by_file = {p.source.rsplit("/", 1)[-1]: p.reason for p in problems}
    assert "empty" in by_file["empty.txt"] or "no article text" in by_file["empty.txt"]
    assert "binary" in by_file["binary.txt"]
    assert "same text" in by_file["good.txt"] or "same text" in by_file["copy.txt"]
    assert "no such file" in by_file["missing.txt"]
