"""Fibre drops linked to their civic address (RQA): the matching batch.

The match belongs to the drop: a drop has one civic address (``Fibre Drop.civic_address``),
an address may have several drops. :func:`match_drops` is the batch
(``bench --site SITE match-fibre-drops``, the RQ job of network/tasks.py, and one drop at a
time from the Fibre Drop form): drops are read in pages of :data:`BATCH`, and each page costs
a handful of indexed reads of the search index, whatever the number of addresses:

1. **Spelling** — every word of the page's drops and its one-letter deletions in
   ``gf_civic_spelling``: the known words each may be (a typo is found by exact lookups).
2. **Streets** — pairs of words (a word of the street with a word of the municipality,
   ``=principale@anicet``; two words of the street) and rare single words select streets in
   ``gf_civic_token``; the drop's postal code selects them in ``gf_civic_postal_street``.
   The streets are compared with the drop in Python and only the best few are kept.
3. **Addresses** — the drop's civic number on those streets, through the index
   ``(street_ref, civic_number, …)`` of ``tabCivic Address``; without a civic number (or
   when it is on none of them) and with coordinates, the addresses of the best street, the
   nearest first.
4. **Decision** — each candidate is compared part by part
   (:mod:`~gigafibre_fsm.network.civic_address.matching_rules`, pure) and the drop is
   Matched, sent to review or left Unmatched, with its confidence and reason.

No worker holds the addresses in memory: a page reads a few thousand index rows. A page is
committed as it is done, so a long run shows its progress and a failure keeps what was done.

A ``Confirmed`` link (a person chose it) is never changed by a run — the write is
conditional on the status read, so not even by a run that read the drop just before a person
confirmed it. An address a person rejected for a drop is remembered
(``rejected_addresses``) and never proposed again for it. The reviewers' actions are the
drop's (network/doctype/fibre_drop/fibre_drop.py), behind api/fibre_drops.py; which drop
serves an address, once linked, is network/coverage.py.
"""

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import frappe
from frappe import _
from frappe.utils import now_datetime

from gigafibre_fsm.network.chunks import CHUNK, chunks, rows_in
from gigafibre_fsm.network.civic_address import matching_rules as rules
from gigafibre_fsm.network.civic_address.normalize import PAIR_MARKS, cross_key, delete_keys, pair_key
from gigafibre_fsm.network.civic_address.ranking import idf
from gigafibre_fsm.network.civic_address.records import civic_display
from gigafibre_fsm.rules.address import read_coordinate
from gigafibre_fsm.rules.outcomes import Outcomes

# Drops per page (read, matched and committed together).
BATCH = 1000
# Streets per drop ranked by the index read (the words and pairs they share with the drop,
# its postal code), then compared in Python; and those whose addresses are read: the best
# fit and those within NEAR_BEST of it.
PRESELECT = 12
STREETS_PER_DROP = 4
NEAR_BEST = 0.8
# Known words a typed word may be, kept per word (the likeliest first).
READINGS_PER_WORD = 3
# A pair, or a word, on more streets than this does not select streets (it would read a
# large part of the index: "principale", "saint"); rarer keys and the postal code do.
MAX_PAIR_STREETS = 300
MAX_WORD_STREETS = 100
# A drop that says nothing of where it is (no municipality, no postal code) selects with
# common words too: it has many streets then, and goes to a person.
MAX_WORD_STREETS_UNPLACED = 3000
# Weight of "the street has the drop's postal code" in the index read.
POSTAL_WEIGHT = 12.0
# Addresses of the best streets read for a drop without a civic number, nearest kept.
NEAREST = 3

LOCK_NAME = "gf_match_fibre_drops"
# What a run writes on a drop.
MATCH_FIELDS = (
	"civic_address",
	"match_status",
	"match_confidence",
	"match_reason",
	"matched_on",
	"match_candidates",
)
_DROP_COLUMNS = (
	"name",
	"civic_number",
	"street",
	"city",
	"postal_code",
	"latitude",
	"longitude",
	"civic_address",
	"match_status",
	"match_confidence",
	"match_reason",
	"match_candidates",
	"rejected_addresses",
)

Progress = Callable[[int, int], None]


class MatchingInProgressError(frappe.ValidationError):
	pass


@dataclass
class MatchSummary(Outcomes):
	"""What a run did: each drop read is ``updated`` (its new match written), ``unchanged``
	(the same match again) or ``skipped`` (a person decided it after it was read: theirs
	stays); and how many drops ended in each status."""

	statuses: dict = field(default_factory=lambda: defaultdict(int))
	seconds: float = 0.0

	@property
	def drops(self) -> int:
		return self.accounted

	def as_dict(self) -> dict:
		return {
			"drops": self.drops,
			"changed": self.changed,
			"unchanged": self.unchanged,
			"skipped": self.skipped,
			"statuses": dict(self.statuses),
			"seconds": round(self.seconds, 1),
		}


def _lock_name() -> str:
	"""MariaDB's named locks are server-wide: one per site's database."""
	return f"{LOCK_NAME}:{frappe.conf.db_name}"


def _system_language() -> str:
	"""The reason is written in the office's language (System Settings), whoever runs the
	match: the same run gives the same text, like a task title."""
	return frappe.get_system_settings("language") or "en"


def render_reason(reasons: list[rules.Reason], lang: str | None = None) -> str:
	"""The reason a person reads: one part a line, in ``lang`` (default: the office's)."""
	lang = lang or _system_language()
	return "\n".join(_(template, lang=lang).format(*args) for template, args in reasons)


def _word_weights(words: set[str], streets: int) -> dict[str, float]:
	return {
		tok: idf(int(df), streets)
		for tok, df in rows_in("SELECT tok, df FROM gf_civic_vocab WHERE tok IN %s", words)
	}


class _Page:
	"""The indexed reads of one page of drops, shared by all its drops."""

	def __init__(self, drops: dict[str, rules.DropAddress], streets_total: int):
		self.drops = drops
		self.streets_total = streets_total
		self.readings: dict[str, list[tuple[str, float, int]]] = {}
		self.weights: dict[str, float] = {}
		self.key_streets: dict[str, list[int]] = defaultdict(list)
		self.postal_streets: dict[str, list[int]] = defaultdict(list)
		self.preselected: dict[str, list[int]] = {}
		self.streets: dict[int, rules.AddressCandidate] = {}
		self._municipality: dict[tuple, float | None] = {}

	# 1. spelling
	def read_spelling(self) -> None:
		typed = {t for d in self.drops.values() for t in (*d.street_tokens, *d.municipality_tokens)}
		keys: dict[str, set[str]] = defaultdict(set)
		for token in typed:
			for key in delete_keys(token):
				keys[key].add(token)
		found: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
		for key, word, df in rows_in(
			"""SELECT s.del_key, v.tok, v.df FROM gf_civic_spelling s
			JOIN gf_civic_vocab v ON v.tok = s.tok WHERE s.del_key IN %s""",
			keys,
		):
			for token in keys[key]:
				sim = rules.similarity(token, word)
				if sim and sim > found[token].get(word, (0.0, 0))[0]:
					found[token][word] = (sim, int(df))
		for token in typed:
			options = sorted(
				((w, s, df) for w, (s, df) in found[token].items()), key=lambda r: (-r[1], -r[2])
			)
			self.readings[token] = options[:READINGS_PER_WORD]
			# A word's weight is the rarity of what it most likely is; an unknown word weighs
			# like a rare one (it still counts against a street that lacks it).
			self.weights[token] = idf(options[0][2] if options else None, self.streets_total)

	def _key_words(self, token: str) -> list[tuple[str, float]]:
		"""The known words a typed word selects streets with: itself when it is a known word
		(a typo that makes another known word is rare, and the comparison forgives it), else its
		two likeliest readings."""
		options = self.readings.get(token, [])
		exact = [o for o in options if o[1] == 1.0]
		return [(word, idf(df, self.streets_total)) for word, _sim, df in (exact[:1] or options[:2])]

	def keys_of(self, drop: rules.DropAddress) -> dict[str, float]:
		"""Index keys of a drop and their weights: its street's words, pairs of them, and each
		with a word of its municipality (``=principale@anicet``: a handful of streets)."""
		street = [self._key_words(t) for t in drop.street_tokens]
		municipality = [kw for t in drop.municipality_tokens for kw in self._key_words(t)]
		keys: dict[str, float] = {}
		for words in street:
			for word, weight in words:
				keys[word] = max(keys.get(word, 0.0), weight)
				for other, other_weight in municipality:
					keys[cross_key(word, other)] = weight + other_weight
		for i, first in enumerate(street):
			for second in street[i + 1 :]:
				for a, wa in first:
					for b, wb in second:
						if a != b:
							keys[pair_key(a, b)] = wa + wb
		return keys

	@staticmethod
	def _placed(drop: rules.DropAddress) -> bool:
		return bool(drop.municipality_tokens or drop.postal_code)

	def _postings(self, keys: set[str], max_streets: int) -> None:
		for tok, street_id in rows_in(
			"""SELECT t.tok, t.street_id FROM gf_civic_vocab v STRAIGHT_JOIN gf_civic_token t
			ON t.tok = v.tok WHERE v.tok IN %s AND v.df <= %s""",
			keys,
			max_streets,
		):
			self.key_streets[tok].append(int(street_id))

	# 2. streets
	def read_streets(self) -> None:
		keys_of = {name: self.keys_of(drop) for name, drop in self.drops.items()}
		marked, words, wide = set(), set(), set()
		for name, keys in keys_of.items():
			for key in keys:
				if key[:1] in PAIR_MARKS:
					marked.add(key)
				elif self._placed(self.drops[name]):
					words.add(key)
				else:
					wide.add(key)
		self._postings(marked, MAX_PAIR_STREETS)
		self._postings(words - wide, MAX_WORD_STREETS)
		self._postings(wide, MAX_WORD_STREETS_UNPLACED)
		for postal, street_id in rows_in(
			"SELECT postal, street_id FROM gf_civic_postal_street WHERE postal IN %s",
			{d.postal_code for d in self.drops.values() if d.postal_code},
		):
			self.postal_streets[postal].append(int(street_id))
		# Per drop, the streets sharing the most (and rarest) words with it, and its postal
		# code's: only these are read and compared.
		for name, keys in keys_of.items():
			score: dict[int, float] = defaultdict(float)
			for key, weight in keys.items():
				for street_id in self.key_streets.get(key, ()):
					score[street_id] += weight
			for street_id in self.postal_streets.get(self.drops[name].postal_code, ()):
				score[street_id] += POSTAL_WEIGHT
			ranked = sorted(score.items(), key=lambda item: (-item[1], item[0]))
			self.preselected[name] = [street_id for street_id, _score in ranked[:PRESELECT]]
		words_seen: set[str] = set()
		for row in rows_in(
			"""SELECT street_id, generic, direction, street_tokens, municipality_tokens
			FROM gf_civic_street WHERE street_id IN %s""",
			{s for ids in self.preselected.values() for s in ids},
		):
			street = rules.AddressCandidate.of_street(*row)
			self.streets[street.street_id] = street
			words_seen.update(street.street_tokens, street.municipality_tokens)
		# The rarity of the streets' own words: a word the drop left out counts by it too.
		self.weights.update(_word_weights(words_seen - set(self.weights), self.streets_total))

	def best_streets(self, name: str, drop: rules.DropAddress) -> list[int]:
		"""The streets whose addresses are read: the best fit, and those near it."""
		with_postal = set(self.postal_streets.get(drop.postal_code, ())) if drop.postal_code else set()
		default = idf(None, self.streets_total)
		scored = []
		for street_id in self.preselected.get(name, ()):
			street = self.streets.get(street_id)
			if not street:
				continue
			# Every street of a municipality has its words: compared once per page.
			key = (drop.municipality_tokens, street.municipality_tokens)
			if key not in self._municipality:
				self._municipality[key] = rules.municipality_similarity(drop, street, self.weights, default)
			sim, rank = rules.street_fit(
				drop, street, self.weights, default, street_id in with_postal, self._municipality[key]
			)
			if sim >= rules.MIN_STREET:
				scored.append((rank, street_id))
		if not scored:
			return []
		scored.sort(key=lambda r: (-r[0], r[1]))
		best = scored[0][0]
		return [street_id for rank, street_id in scored[:STREETS_PER_DROP] if rank >= NEAR_BEST * best]


_ADDRESS_COLUMNS = "name, street_ref, civic_number, civic_suffix, postal_code, latitude, longitude, label, street, municipality"


def _address_candidate(row, street: rules.AddressCandidate) -> rules.AddressCandidate:
	"""An address of ``street``, from a row of :data:`_ADDRESS_COLUMNS`."""
	name, _street_id, civic, suffix, postal, lat, lng, label, street_text, municipality = row
	return replace(
		street,
		address_id=name,
		civic=civic,
		suffix=suffix or None,
		postal_code=postal,
		latitude=read_coordinate(lat, 90),
		longitude=read_coordinate(lng, 180),
		label=label,
		street=street_text,
		municipality=municipality,
	)


def _addresses_with_civic(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list[tuple]]:
	"""Addresses on (street, civic number) pairs, through the street_civic index."""
	out: dict[tuple[int, str], list[tuple]] = defaultdict(list)
	for chunk in chunks(pairs, CHUNK // 2):
		placeholders = ", ".join(["(%s, %s)"] * len(chunk))
		for row in frappe.db.sql(
			f"""SELECT {_ADDRESS_COLUMNS} FROM `tabCivic Address` FORCE INDEX (street_civic)
			WHERE (street_ref, civic_number) IN ({placeholders})""",
			[v for pair in chunk for v in pair],
		):
			out[(int(row[1]), row[2])].append(row)
	return out


def _addresses_on(streets: set[int]) -> dict[int, list[tuple]]:
	out: dict[int, list[tuple]] = defaultdict(list)
	for row in rows_in(
		f"""SELECT {_ADDRESS_COLUMNS} FROM `tabCivic Address` FORCE INDEX (street_civic)
		WHERE street_ref IN %s""",
		streets,
	):
		out[int(row[1])].append(row)
	return out


def match_page(rows: list[dict]) -> dict[str, rules.Decision]:
	"""Decide each drop of ``rows`` (dicts with the drop's address fields and ``name``)."""
	streets_total = int(
		(frappe.db.sql("SELECT v FROM gf_civic_meta WHERE k = 'streets'") or [[1]])[0][0] or 1
	)
	drops = {
		row["name"]: rules.read_drop(
			row.get("civic_number"),
			row.get("street"),
			row.get("city"),
			row.get("postal_code"),
			row.get("latitude"),
			row.get("longitude"),
		)
		for row in rows
	}
	page = _Page(drops, streets_total)
	page.read_spelling()
	page.read_streets()
	best = {name: page.best_streets(name, drop) for name, drop in drops.items()}
	pairs = {
		(street_id, civic)
		for name, drop in drops.items()
		for street_id in best[name]
		for civic in (drop.civic, drop.alt_civic)
		if civic
	}
	with_civic = _addresses_with_civic(pairs)
	# Without a civic number, or when it is on none of the streets: the nearest addresses of
	# the two best streets, for a drop whose coordinates are known.
	nearest_wanted: dict[str, list[int]] = {}
	for name, drop in drops.items():
		found = any(with_civic.get((s, c)) for s in best[name] for c in (drop.civic, drop.alt_civic) if c)
		if not found and drop.has_coordinates and best[name]:
			nearest_wanted[name] = best[name][:2]
	on_street = _addresses_on({s for ids in nearest_wanted.values() for s in ids}) if nearest_wanted else {}
	default = idf(None, streets_total)
	decisions = {}
	for row in rows:
		name = row["name"]
		drop = drops[name]
		candidates = [
			_address_candidate(address, page.streets[street_id])
			for street_id in best[name]
			for civic in dict.fromkeys(c for c in (drop.civic, drop.alt_civic) if c)
			for address in with_civic.get((street_id, civic), ())
		]
		if name in nearest_wanted:
			near = [
				_address_candidate(address, page.streets[street_id])
				for street_id in nearest_wanted[name]
				for address in on_street.get(street_id, ())
			]
			near = [c for c in near if c.latitude is not None and c.longitude is not None]
			near.sort(key=lambda c: rules.distance_m(drop.latitude, drop.longitude, c.latitude, c.longitude))
			candidates += near[:NEAREST]
		evidences = [rules.compare(drop, cand, page.weights, default) for cand in candidates]
		reason = None
		if not candidates:
			if not page._placed(drop) and not drop.has_coordinates:
				reason = (rules.R_NO_PLACE, ())
			elif not drop.civic and not drop.has_coordinates:
				reason = (rules.R_NO_CIVIC_NO_COORDINATES, ())
			elif drop.civic and best[name]:
				reason = (rules.R_CIVIC_NOT_FOUND, (civic_display(drop.civic, drop.suffix),))
		decisions[name] = rules.decide(
			drop, evidences, frozenset(rules.read_rejected(row.get("rejected_addresses"))), reason
		)
	return decisions


def _candidates_json(decision: rules.Decision) -> str | None:
	if not decision.candidates:
		return None
	return json.dumps(
		[
			{
				"address": e.candidate.address_id,
				"label": e.candidate.label,
				"confidence": e.confidence,
			}
			for e in decision.candidates
		],
		ensure_ascii=False,
	)


def _values(row: dict, decision: rules.Decision, lang: str) -> dict:
	status = decision.status
	if status == rules.UNMATCHED and row.get("match_status") == rules.REJECTED:
		status = rules.REJECTED  # a person's "no" stays until another address is found
	return {
		"civic_address": decision.address_id,
		"match_status": status,
		"match_confidence": decision.confidence,
		"match_reason": render_reason(decision.reasons, lang),
		"match_candidates": _candidates_json(decision),
	}


def _changed(row: dict, values: dict) -> bool:
	return any(
		(row.get(k) or None) != (v or None)
		if k != "match_confidence"
		else float(row.get(k) or 0) != float(v or 0)
		for k, v in values.items()
	)


def _write(row: dict, values: dict, now) -> bool:
	"""Write a drop's new match, unless it changed since it was read (a person confirmed or
	chose an address meanwhile: theirs stays). Without a new ``modified``: a run is not an
	edit, and a person's open form must not become "modified by someone else"."""
	assignments = ", ".join(f"`{k}` = %({k})s" for k in (*values, "matched_on"))
	frappe.db.sql(
		f"""UPDATE `tabFibre Drop` SET {assignments}
		WHERE name = %(name)s AND IFNULL(NULLIF(match_status, ''), %(unmatched)s) = %(old_status)s
		AND IFNULL(civic_address, '') = %(old_address)s AND IFNULL(match_status, '') != %(confirmed)s""",
		{
			**values,
			"matched_on": now,
			"name": row["name"],
			"old_status": row.get("match_status") or rules.UNMATCHED,
			"old_address": row.get("civic_address") or "",
			"confirmed": rules.CONFIRMED,
			"unmatched": rules.UNMATCHED,
		},
	)
	return bool(frappe.db.sql("SELECT ROW_COUNT()")[0][0])


def _statuses(unmatched_only: bool) -> tuple[str, ...]:
	if unmatched_only:
		return (rules.UNMATCHED, rules.REJECTED)
	return tuple(s for s in rules.MATCH_STATUSES if s != rules.CONFIRMED)


def _select_drops(after: str, limit: int, names: list[str] | None, unmatched_only: bool) -> list[dict]:
	"""A page of drops to match, by name (keyset: the same cost for the last page as the first)."""
	columns = ", ".join(f"`{c}`" for c in _DROP_COLUMNS)
	# A drop written before the match fields existed has no status: it is unmatched.
	where = "IFNULL(NULLIF(match_status, ''), %(unmatched)s) IN %(statuses)s"
	values = {"unmatched": rules.UNMATCHED, "statuses": _statuses(unmatched_only), "after": after}
	if names is not None:
		where += " AND name IN %(names)s"
		values["names"] = tuple(names) or ("",)
		limit_sql = ""
	else:
		where += " AND name > %(after)s"
		limit_sql = f"LIMIT {int(limit)}"
	return frappe.db.sql(
		f"SELECT {columns} FROM `tabFibre Drop` WHERE {where} ORDER BY name {limit_sql}", values, as_dict=True
	)


def match_drops(
	names: list[str] | None = None,
	unmatched_only: bool = False,
	progress: Progress | None = None,
	batch: int = BATCH,
	commit: bool = True,
) -> MatchSummary:
	"""Match fibre drops to civic addresses: every drop but the confirmed ones (or only
	``names``; or only those without an address with ``unmatched_only``).

	Pages of ``batch`` drops, each committed when done (``commit``; a test keeps its
	transaction). Only one run at a time (a named database lock).
	"""
	started = time.monotonic()
	summary = MatchSummary()
	if not frappe.db.sql("SELECT GET_LOCK(%s, 0)", _lock_name())[0][0]:
		frappe.throw(
			_("Fibre drops are being matched already; try again when it is done"), MatchingInProgressError
		)
	try:
		if not frappe.db.sql("SHOW TABLES LIKE 'gf_civic_token'"):
			return summary
		lang = _system_language()
		if names is not None:
			total = len(names)
		else:
			total = frappe.db.sql(
				"""SELECT COUNT(*) FROM `tabFibre Drop`
				WHERE IFNULL(NULLIF(match_status, ''), %s) IN %s""",
				(rules.UNMATCHED, _statuses(unmatched_only)),
			)[0][0]
		after = ""
		while True:
			rows = _select_drops(after, batch, names, unmatched_only)
			if not rows:
				break
			decisions = match_page(rows)
			now = now_datetime()
			for row in rows:
				values = _values(row, decisions[row["name"]], lang)
				summary.statuses[values["match_status"]] += 1
				if not _changed(row, values):
					summary.count("unchanged")
				elif _write(row, values, now):
					summary.count("updated")
				else:
					summary.count("skipped")  # a person decided it since it was read
			if commit:
				frappe.db.commit()  # nosemgrep: a page is done; a long run keeps what it did
			if progress:
				progress(summary.drops, total)
			if names is not None:
				break
			after = rows[-1]["name"]
	finally:
		frappe.db.sql("SELECT RELEASE_LOCK(%s)", _lock_name())
	summary.seconds = time.monotonic() - started
	return summary
