"""The standard catalogue, as data (``standard_catalogue.json`` beside this module). Pure Python.

Two things are in the file: the standard products with every attribute the pricing engine
reads (what a new site loads from Gigafibre Settings, and what the demo and the tests sell),
and the *families* that complete a product known only by its SKU — the legacy catalogue has a
type, a price and speeds, but not that RAB3X rewards three services or that SERV911 comes with
each phone line. :func:`rules_for` answers, for a SKU, the engine's attributes the standard
catalogue gives it: those of the same SKU, else those of the first family whose pattern
matches.
"""

import json
import re
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("standard_catalogue.json")
# What identifies a product and what the business sets per site: never taken from the file
# over what a site (or the legacy system) already says.
OWN_FIELDS = ("item_code", "item_name", "standard_rate", "disabled", "zone_prices")


@cache
def _data() -> dict:
	return json.loads(PATH.read_text(encoding="utf-8"))


def standard_items() -> list[dict]:
	"""The standard products, each with its name, list price and engine attributes."""
	return [dict(item) for item in _data()["items"]]


@cache
def _families() -> list[tuple[re.Pattern, dict]]:
	return [(re.compile(f["sku"], re.I), f["set"]) for f in _data()["families"]]


def _fill(value, match: re.Match):
	if isinstance(value, str) and value.startswith("$") and value[1:].isdigit():
		return int(match[int(value[1:])])
	return value


def rules_for(sku: str | None) -> dict:
	"""The engine's attributes the standard catalogue gives ``sku`` (without name or price),
	or {} when it knows nothing of it."""
	code = (sku or "").strip().upper()
	if not code:
		return {}
	for item in _data()["items"]:
		if item["item_code"].upper() == code:
			return {k: v for k, v in item.items() if k not in OWN_FIELDS}
	for pattern, values in _families():
		match = pattern.search(code)
		if match:
			return {k: _fill(v, match) for k, v in values.items()}
	return {}
