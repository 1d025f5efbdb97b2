"""Fibre drops made from known addresses, written the way the legacy system holds them, with
the address each one is really at: labelled data for the matching's tests and benchmark.
Pure Python.

A legacy drop (``fibre`` table) has a civic number, a street, a city, a postal code and
maybe coordinates, typed by whoever built it. :func:`make_drop` writes one for an RQA row
(a dict of the extract's columns) in one of the :data:`KINDS`:

- ``exact`` — as the reference writes it, in another case;
- ``written_differently`` — accents dropped, Saint written St-, the generic abbreviated or
  left out, the linking word (de, du…) left out;
- ``typo`` — one keyboard slip in the street, sometimes another in the city;
- ``no_postal_code`` / ``no_city`` — a part missing;
- ``civic_in_street`` — no civic number field, the number at the head of the street;
- ``apartment`` — the street carries an apartment ("app. 3");
- ``no_civic`` — no civic number at all, coordinates only (a person must choose);
- ``not_in_reference`` — a house the reference does not have yet (a civic number nobody
  has on that street): the truth is "no address";
- ``ambiguous`` — civic number and street only: no city, postal code or coordinates.

Coordinates, when given, are the address's moved by a few metres (the drop box is at the
road, the address point at the house).
"""

import math
import random

from gigafibre_fsm.network.civic_address.records import street_display
from gigafibre_fsm.tests.generators.civic_addresses import strip_accents, typo

KINDS = (
	"exact",
	"written_differently",
	"typo",
	"no_postal_code",
	"no_city",
	"civic_in_street",
	"apartment",
	"no_civic",
	"not_in_reference",
	"ambiguous",
)
# Share of each kind among the drops of a benchmark (the legacy data's rough mix).
MIX = {
	"exact": 0.30,
	"written_differently": 0.22,
	"typo": 0.12,
	"no_postal_code": 0.07,
	"no_city": 0.06,
	"civic_in_street": 0.05,
	"apartment": 0.04,
	"no_civic": 0.04,
	"not_in_reference": 0.06,
	"ambiguous": 0.04,
}
# Share of drops with coordinates (kinds that say otherwise aside).
WITH_COORDINATES = 0.8

_SHORT_GENERICS = {
	"Rue": ("rue", "r.", "RUE"),
	"Chemin": ("ch.", "ch", "chemin", "CH"),
	"Boulevard": ("boul.", "bd", "boul"),
	"Avenue": ("av.", "ave", "avenue"),
	"Route": ("rte", "route", "Rte"),
	"Rang": ("rg", "rang", "Rg"),
	"Montée": ("mtée", "montee", "Montee"),
	"Place": ("pl.", "place"),
	"Croissant": ("cr.", "croissant"),
	"Impasse": ("imp.", "impasse"),
	"Terrasse": ("terr.", "terrasse"),
}


def _saints(text: str, rng: random.Random) -> str:
	short = rng.choice((("St-", "Ste-"), ("St ", "Ste "), ("ST-", "STE-")))
	return text.replace("Sainte-", short[1]).replace("Saint-", short[0])


def _case(text: str, rng: random.Random) -> str:
	r = rng.random()
	return text.upper() if r < 0.3 else text.lower() if r < 0.6 else text


def _street(row: dict, rng: random.Random, different: bool) -> str:
	generic, link, specific = row["street_generic"], row["street_link"], row["street_specific"]
	direction = row["street_direction"]
	if not different:
		return street_display(generic, link, specific, direction)
	if rng.random() < 0.5:
		link = None
	text = street_display(None, link, specific, direction)
	if generic and rng.random() < 0.9:
		short = rng.choice(_SHORT_GENERICS.get(generic, (generic.lower(),)))
		# Numbered streets keep their order: "3e rang", "1re av."
		ordinal = specific[:1].isdigit() and not specific.isdigit()
		text = f"{specific} {short}" if ordinal else f"{short} {text}"
	if direction and rng.random() < 0.5:
		text = text.replace(f" {direction}", f" {direction[0]}")
	text = _saints(text, rng)
	if rng.random() < 0.7:
		text = strip_accents(text)
	return text


def _typo_in(text: str, rng: random.Random) -> str:
	words = text.split(" ")
	long = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 5]
	if not long:
		return text
	i = rng.choice(long)
	words[i] = typo(words[i], rng)
	return " ".join(words)


def _near(lat: str | None, lng: str | None, rng: random.Random) -> tuple[str | None, str | None]:
	"""The address's coordinates moved 3 to 25 metres in any direction (the box at the road)."""
	if not lat or not lng:
		return None, None
	metres, angle = rng.uniform(3, 25), rng.uniform(0, math.tau)
	dlat = metres * math.sin(angle) / 111_320
	dlng = metres * math.cos(angle) / (111_320 * math.cos(math.radians(float(lat))))
	return f"{float(lat) + dlat:.6f}", f"{float(lng) + dlng:.6f}"


def civic_text(row: dict) -> str:
	suffix = row.get("civic_suffix") or ""
	if not suffix:
		return row["civic_number"]
	return f"{row['civic_number']} {suffix}" if "/" in suffix else f"{row['civic_number']}{suffix}"


def make_drop(row: dict, kind: str, rng: random.Random, free_civic: str | None = None) -> dict:
	"""A drop's address fields for the RQA ``row`` written as ``kind``, and its truth:
	``{"civic_number", "street", "city", "postal_code", "latitude", "longitude", "truth", "kind"}``.

	``free_civic``: for ``not_in_reference``, a civic number the street does not have.
	"""
	lat, lng = _near(row.get("latitude"), row.get("longitude"), rng)
	if rng.random() > WITH_COORDINATES:
		lat = lng = None
	drop = {
		"civic_number": civic_text(row),
		"street": _case(_street(row, rng, different=kind != "exact"), rng),
		"city": _case(row["municipality"], rng),
		"postal_code": row.get("postal_code") or None,
		"latitude": lat,
		"longitude": lng,
		"truth": row["rqa_id"],
		"kind": kind,
	}
	if kind == "written_differently":
		drop["city"] = _case(strip_accents(_saints(row["municipality"], rng)), rng)
		if drop["postal_code"] and rng.random() < 0.5:
			drop["postal_code"] = drop["postal_code"].replace(" ", "").lower()
	elif kind == "typo":
		drop["street"] = _typo_in(drop["street"], rng)
		if rng.random() < 0.3:
			drop["city"] = _typo_in(drop["city"], rng)
	elif kind == "no_postal_code":
		drop["postal_code"] = None
	elif kind == "no_city":
		drop["city"] = None
	elif kind == "civic_in_street":
		drop["street"] = f"{drop['civic_number']} {drop['street']}"
		drop["civic_number"] = None
	elif kind == "apartment":
		unit = rng.choice(("app. 3", "apt 2", "#4", "app 101", "unité 1"))
		drop["street"] = f"{drop['street']} {unit}"
	elif kind == "no_civic":
		drop["civic_number"] = None
		drop["latitude"], drop["longitude"] = _near(row.get("latitude"), row.get("longitude"), rng)
	elif kind == "not_in_reference":
		drop["civic_number"] = free_civic or str(int(row["civic_number"]) + 20000)
		drop["truth"] = None
	elif kind == "ambiguous":
		drop["city"] = drop["postal_code"] = drop["latitude"] = drop["longitude"] = None
	return drop


def make_drops(rows: list[dict], count: int, seed: int = 1, street_civics: dict | None = None) -> list[dict]:
	"""``count`` drops over ``rows`` (RQA rows, each used once at most), kinds in :data:`MIX`.

	``street_civics``: ``{(municipality_code, generic, link, specific, direction): {civic…}}``
	of the rows' municipalities, to give ``not_in_reference`` drops a number the street
	really lacks (the next free one after the house's).
	"""
	rng = random.Random(seed)
	chosen = rng.sample(rows, min(count, len(rows)))
	kinds = [k for k, share in MIX.items() for _ in range(round(share * len(chosen)))]
	while len(kinds) < len(chosen):
		kinds.append("exact")
	rng.shuffle(kinds)
	drops = []
	for row, kind in zip(chosen, kinds, strict=False):
		free = None
		if kind == "not_in_reference" and street_civics is not None:
			key = (
				row["municipality_code"],
				row["street_generic"],
				row["street_link"],
				row["street_specific"],
				row["street_direction"],
			)
			taken = street_civics.get(key, set())
			number = int(row["civic_number"]) + 1
			while str(number) in taken:
				number += 1
			free = str(number)
		drops.append(make_drop(row, kind, rng, free))
	return drops
