"""kg serve: a real HTTP client against the running endpoint."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from kg.serve import server

QUERY = "SELECT ?name WHERE { ?p kg:role \"Secretary of State\" ; rdfs:label ?name }"


@pytest.fixture(scope="module")
def endpoint(seed_build):
    _, out = seed_build
    httpd = server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    httpd.shutdown()
    httpd.server_close()


def fetch(req: urllib.request.Request | str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_get_json(endpoint):
    status, headers, body = fetch(f"{endpoint}?{urlencode({'query': QUERY})}")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert headers["Access-Control-Allow-Origin"] == "*"
    rows = json.loads(body)["results"]["bindings"]
    assert rows[0]["name"]["value"] == "Antony Blinken"


def test_post_form_csv_and_direct_xml(endpoint):
    req = urllib.request.Request(endpoint, data=urlencode({"query": QUERY}).encode(),
                                 headers={"Accept": "text/csv"})
    status, headers, body = fetch(req)
    assert status == 200 and body.decode().splitlines() == ["name", "Antony Blinken"]
    req = urllib.request.Request(endpoint, data=QUERY.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"})
    status, headers, body = fetch(req)
    assert status == 200 and b"<literal>Antony Blinken</literal>" in body


def test_construct_gives_turtle(endpoint):
    q = "CONSTRUCT { ?p kg:role ?r } WHERE { ?p kg:role ?r }"
    status, headers, body = fetch(f"{endpoint}?{urlencode({'query': q})}")
    assert status == 200 and headers["Content-Type"] == "text/turtle"
    assert b"Secretary of State" in body


@pytest.mark.parametrize("data,ctype", [
    ({"update": "DROP ALL"}, "application/x-www-form-urlencoded"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-query"),
])
def test_updates_are_refused(endpoint, data, ctype):
    body = urlencode(data).encode() if isinstance(data, dict) else data.encode()
    status, _, text = fetch(urllib.request.Request(endpoint, data=body,
                                                   headers={"Content-Type": ctype}))
    assert status == 403 and b"read-only" in text
    status, _, body = fetch(f"{endpoint}?{urlencode({'query': 'ASK { ?s ?p ?o }'})}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_bad_requests(endpoint):
    assert fetch(f"{endpoint}?{urlencode({'query': 'SELEKT'})}")[0] == 400
    assert fetch(endpoint)[0] == 400
    assert fetch(endpoint.replace("/sparql", "/other"))[0] == 404
    req = urllib.request.Request(endpoint, method="OPTIONS")
    status, headers, _ = fetch(req)
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
