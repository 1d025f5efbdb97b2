"""Fuzzy search over the civic addresses: ``search(q, limit)`` for the website's type-ahead.

Four indexed reads, then rapidfuzz on a few dozen candidates (:mod:`ranking`):

1. **Spelling** — each word typed and its one-letter deletions are looked up in
   ``gf_civic_spelling`` (symmetric delete: every known word within one typo shares a key
   with it); the last word also by prefix, for type-ahead. Each typed word gets the known
   words it may be, with their rarity (the number of streets they are on).
2. **Streets** — the rarest typed words (up to a budget of postings, so that "Saint" or
   "Montréal" never make the database read a large part of the index), and every pair of
   typed words (Notre-Dame in Thurso: rare even when each word is common), select streets from
   ``gf_civic_token``, scored by rarity; a typed postal code selects its streets from
   ``gf_civic_postal_street``.
3. **Addresses** — the streets scoring near the best one, joined with the addresses that
   carry the typed civic number through the covering index ``(street_ref, civic_number,
   civic_suffix, postal_code)`` of ``tabCivic Address``. Without a civic number, or when the
   number is on none of them, the nearest numbers on the best streets.
4. **Display** — the label and parts of the few best, by primary key.

No worker keeps addresses in memory: every read goes to MariaDB, which all gunicorn and RQ
workers share.

``coverage`` (available / taken / not covered) is not decided here: the page of addresses
returned asks it of network/coverage.py, in one indexed read.
"""

import math
from dataclasses import dataclass, field, replace

import frappe

from gigafibre_fsm.network.civic_address import ranking
from gigafibre_fsm.network.civic_address.normalize import (
	MUNICIPALITY_PAIR,
	STREET_PAIR,
	ParsedQuery,
	cross_key,
	delete_keys,
	pair_key,
	parse_query,
)
from gigafibre_fsm.network.civic_address.records import civic_display
from gigafibre_fsm.network.coverage import coverage_for

MAX_LIMIT = 20
MAX_QUERY_LENGTH = 200
# Postings the street read may touch, summed over the words it selects with (rarest first);
# and at most, when a single common word is all there is to select with.
POSTINGS_BUDGET = 1000
POSTINGS_CAP = 3000
# Streets returned by the street read.
MAX_STREETS = 100
# Pairs of typed words looked up: readings per typed word, pairs at most, and pairs on more
# streets than this are skipped (they select nothing).
PAIR_READINGS = 2
# A reading at least this similar to a typed word that is not a known word is plausible.
LIKELY_SIMILARITY = 0.8
MAX_PAIRS = 80
PAIR_MAX_STREETS = 2500
# Streets whose addresses are read: the first ones, and those within this share of the best
# street's score, at most this many. Each is a lookup in the address index (a disk read when
# its page is cold); the ranking, not the read's score, then decides between them.
NEAR_BEST_RATIO = 0.8
MIN_ADDRESS_STREETS = 20
MAX_ADDRESS_STREETS = 60
# Without a civic number (or when it is on none of them), how many streets to show addresses of.
FALLBACK_STREETS = 3
# Weight of "the postal code typed is this street's" in the street read.
POSTAL_WEIGHT = 12.0


@dataclass
class _Reading:
	"""A known word a typed word may be."""

	word: str
	similarity: float
	streets: int  # how many streets have it


@dataclass
class _Terms:
	"""What the street read uses: ``select`` (word, weight) pairs and ``pairs`` (pair of words,
	weight) find and score the streets."""

	select: list[tuple[str, float]] = field(default_factory=list)
	pairs: list[tuple[str, float]] = field(default_factory=list)
	# The rarest typed word was left out (over budget, pairs may do), or is read only in part.
	skipped: bool = False
	capped: bool = False


def _tables_ready() -> bool:
	# Once seen, the tables stay (they are dropped only with the app).
	if not getattr(_tables_ready, "seen", False):
		_tables_ready.seen = bool(frappe.db.sql("SHOW TABLES LIKE 'gf_civic_token'"))
	return _tables_ready.seen


def _expand(query: ParsedQuery) -> tuple[dict[str, list[_Reading]], int]:
	"""Each typed word → the known words it may be; and the number of streets."""
	typed = list(dict.fromkeys(query.tokens))
	keys: dict[str, set[str]] = {}
	for token in typed:
		for key in sorted(delete_keys(token)):  # sorted: the same query reads the same way
			keys.setdefault(key, set()).add(token)
	last = query.tokens[-1] if query.tokens else ""
	params: list = [tuple(keys)]
	sql = (
		"SELECT s.del_key, v.tok, v.df FROM gf_civic_spelling s "
		"JOIN gf_civic_vocab v ON v.tok = s.tok WHERE s.del_key IN %s"
	)
	if len(last) >= 3 and last.isalpha():
		sql += (
			" UNION ALL (SELECT '', tok, df FROM gf_civic_vocab WHERE tok LIKE %s AND tok <> %s "
			"ORDER BY df DESC LIMIT 8)"
		)
		params += [f"{last}%", last]
	sql += " UNION ALL SELECT NULL, 'streets', v FROM gf_civic_meta WHERE k = 'streets'"
	readings: dict[str, dict[str, _Reading]] = {token: {} for token in typed}
	streets = 1
	for key, word, df in frappe.db.sql(sql, params):
		if key is None:
			streets = int(df) or 1
			continue
		for token in keys.get(key, ()) if key else (last,):
			sim = ranking.word_similarity(token, word, prefix=not key)
			known = readings[token].get(word)
			if sim > 0 and (not known or sim > known.similarity):
				readings[token][word] = _Reading(word, sim, int(df))
	return {t: list(r.values()) for t, r in readings.items()}, streets


def _likeliest(options: list[_Reading]) -> _Reading:
	"""The reading a person most likely meant: the word itself when it is known, else the most
	common of the close ones — a typo of a common word is likelier than a rare look-alike
	("mouliin" is Moulin, not Houliin; "roviere" is Rivière, not Rovaière)."""
	exact = [r for r in options if r.similarity == 1.0]
	if exact:
		return max(exact, key=lambda r: r.streets)
	return max(options, key=lambda r: (r.similarity >= LIKELY_SIMILARITY, r.streets, r.similarity))


def _reading_weights(options: list[_Reading], streets: int) -> dict[str, float]:
	"""Weight of each reading of one typed word: the rarity of the likeliest reading, times
	the similarity. The rarity is the typed word's: a rare look-alike of a common word
	("Lautier" for "Laurier") must not outweigh the word itself."""
	base = math.log(1 + streets / max(_likeliest(options).streets, 1))
	weights: dict[str, float] = {}
	for reading in options:
		weights[reading.word] = max(weights.get(reading.word, 0.0), base * reading.similarity)
	return weights


def _weights(readings: dict, streets: int) -> dict[str, float]:
	"""How much each typed word counts in the ranking: the rarity of what it most likely is."""
	return {
		token: ranking.idf(_likeliest(options).streets, streets)
		if options
		else ranking.idf(None, streets) * 0.5
		for token, options in readings.items()
	}


def _pair_keys(a: str, b: str, part_a: str, part_b: str) -> tuple[str, ...]:
	"""Index keys for two typed words. After a comma the words are the municipality's; the
	parts are ``street``, ``municipality`` or ``None`` (no comma, or typed in both)."""
	if part_a == part_b == "street":
		return (pair_key(a, b, STREET_PAIR),)
	if part_a == part_b == "municipality":
		return (pair_key(a, b, MUNICIPALITY_PAIR),)
	if (part_a, part_b) == ("street", "municipality"):
		return (cross_key(a, b),)
	if (part_a, part_b) == ("municipality", "street"):
		return (cross_key(b, a),)
	return (pair_key(a, b, STREET_PAIR), pair_key(a, b, MUNICIPALITY_PAIR), cross_key(a, b), cross_key(b, a))


def _part(query: ParsedQuery, token: str) -> str | None:
	if not query.municipality_tokens:
		return None
	in_street, in_muni = token in query.street_tokens, token in query.municipality_tokens
	return "street" if in_street and not in_muni else "municipality" if in_muni and not in_street else None


def _street_terms(query: ParsedQuery, readings: dict, streets: int, force: bool = False) -> _Terms:
	"""The words and pairs the street read uses. Without ``force``, a typed word on more than
	the budget's streets is left out when pairs of words can do the selecting; with it, the
	rarest typed word always selects (read up to :data:`POSTINGS_CAP` postings)."""
	terms = _Terms()
	typed = [
		(options, _reading_weights(options, streets), _part(query, token))
		for token, options in readings.items()
		if options
	]
	force = force or len(typed) < 2
	spent = 0
	for options, weights, _part_of in sorted(typed, key=lambda t: sum(r.streets for r in t[0])):
		cost = sum(r.streets for r in options)
		if spent + cost > POSTINGS_BUDGET and (terms.select or not force):
			# Too common to select with alone; the pairs below still use it.
			terms.skipped = not terms.select
			break
		spent += cost
		terms.capped = cost > POSTINGS_CAP
		terms.select.extend(weights.items())
	# Every two typed words, in their likeliest readings: Notre-Dame in Thurso is a handful of
	# streets where "dame" and "thurso" are each on thousands.
	likely = []
	for options, weights, part in typed:
		first = _likeliest(options)
		others = sorted(options, key=lambda r: (r.similarity, r.streets, r.word), reverse=True)
		chosen = [first, *(r for r in others if r is not first)][:PAIR_READINGS]
		likely.append(([(r.word, weights[r.word]) for r in chosen], part))
	pairs: dict[str, float] = {}
	for i, (first, part_a) in enumerate(likely):
		for second, part_b in likely[i + 1 :]:
			for a, wa in first:
				for b, wb in second:
					if a != b:
						for key in _pair_keys(a, b, part_a, part_b):
							pairs[key] = max(pairs.get(key, 0.0), wa + wb)
	terms.pairs = sorted(pairs.items(), key=lambda p: -p[1])[:MAX_PAIRS]
	return terms


def _streets(terms: _Terms, postal: str | None) -> list[tuple[int, float, bool]]:
	"""Streets sharing the most (and rarest) words with the query, best first:
	``[(street_id, score, has the typed postal code)]``."""
	parts, params = [], []
	if terms.select:
		cases = " ".join("WHEN %s THEN %s" for _ in terms.select)
		# A word on tens of thousands of streets ("Saint" typed alone) is read in part: such a
		# query means nothing in particular, and must not cost a scan of the index.
		cap = f" LIMIT {POSTINGS_CAP}" if terms.capped else ""
		parts.append(
			f"(SELECT street_id, CASE tok {cases} END AS w, 0 AS p FROM gf_civic_token WHERE tok IN %s{cap})"
		)
		for word, weight in terms.select:
			params += [word, round(weight, 4)]
		params.append(tuple(word for word, _ in terms.select))
	if terms.pairs:
		# Pairs of common words ("notre dame") are skipped by their count, read first.
		cases = " ".join("WHEN %s THEN %s" for _ in terms.pairs)
		parts.append(
			f"SELECT t.street_id, CASE t.tok {cases} END AS w, 0 AS p FROM gf_civic_vocab v "
			"STRAIGHT_JOIN gf_civic_token t ON t.tok = v.tok WHERE v.tok IN %s AND v.df <= %s"
		)
		for pair, weight in terms.pairs:
			params += [pair, round(weight, 4)]
		params += [tuple(pair for pair, _ in terms.pairs), PAIR_MAX_STREETS]
	if postal:
		parts.append("SELECT street_id, %s AS w, 1 AS p FROM gf_civic_postal_street WHERE postal = %s")
		params += [POSTAL_WEIGHT, postal]
	if not parts:
		return []
	sql = (
		f"SELECT street_id, SUM(w) AS score, MAX(p) FROM ({' UNION ALL '.join(parts)}) x "
		f"GROUP BY street_id ORDER BY score DESC, street_id LIMIT {MAX_STREETS}"
	)
	return [(int(street), float(score), bool(p)) for street, score, p in frappe.db.sql(sql, params)]


_STREET_COLUMNS = "s.street_id, s.generic, s.direction, s.street_tokens, s.municipality_tokens"


def _near_best(streets: list[tuple[int, float, bool]]) -> list[int]:
	"""The streets whose addresses are read: the first few whatever their score (the read's
	score adds up pairs of words and can put a look-alike first: "Saint-Louis" in
	Sainte-Christine for "des Loups" there), those near the best, and those with the typed
	postal code (a postal code and a civic number nearly always make one address)."""
	if not streets:
		return []
	best = streets[0][1]
	with_postal = [s for s, _score, postal in streets if postal]
	by_score = [
		s
		for i, (s, score, _p) in enumerate(streets)
		if i < MIN_ADDRESS_STREETS or score >= NEAR_BEST_RATIO * best
	]
	return list(dict.fromkeys(with_postal + by_score))[:MAX_ADDRESS_STREETS]


def _candidates(street_ids: list[int], civics: tuple[str, ...]) -> list[ranking.Candidate]:
	rows = frappe.db.sql(
		f"""SELECT a.name, a.civic_number, a.civic_suffix, a.postal_code, {_STREET_COLUMNS}
		FROM `tabCivic Address` a FORCE INDEX (street_civic)
		JOIN gf_civic_street s ON s.street_id = a.street_ref
		WHERE a.street_ref IN %s AND a.civic_number IN %s""",
		(tuple(street_ids), civics),
	)
	return [_candidate(row) for row in rows]


def _candidate(row) -> ranking.Candidate:
	name, civic, suffix, postal, *street = row
	return ranking.Candidate.of_street(
		*street, address_id=name, civic=civic, suffix=suffix, postal_code=postal
	)


def _fallback(query: ParsedQuery, streets, weights, limit: int) -> list[ranking.Candidate]:
	"""The best streets, then addresses on them: the civic number nearest the one typed, or the
	first numbers when none was typed (type-ahead before the number)."""
	top = [s for s, _score, _postal in streets[:60]]
	if not top:
		return []
	rows = frappe.db.sql(
		f"SELECT {_STREET_COLUMNS} FROM gf_civic_street s WHERE s.street_id IN %s", (tuple(top),)
	)
	candidates = [ranking.Candidate.of_street(*row) for row in rows]
	for street in candidates:
		street.score = ranking.score_street(query, weights, street)
	best = {s.street_id: s for s in sorted(candidates, key=lambda s: -s.score)[:FALLBACK_STREETS]}
	order = "ABS(CAST(civic_number AS SIGNED) - %s)" if query.civic else "CAST(civic_number AS SIGNED)"
	parts, params = [], []
	for street_id in best:
		parts.append(
			"(SELECT name, civic_number, civic_suffix, postal_code, street_ref FROM `tabCivic Address` "
			f"FORCE INDEX (street_civic) WHERE street_ref = %s ORDER BY {order}, civic_suffix LIMIT %s)"
		)
		params += [street_id, *([int(query.civic)] if query.civic else []), limit]
	return [
		replace(best[street_id], address_id=name, civic=civic, suffix=suffix, postal_code=postal, score=0.0)
		for name, civic, suffix, postal, street_id in frappe.db.sql(" UNION ALL ".join(parts), params)
	]


def _payloads(ids: list[str]) -> dict[str, dict]:
	"""The API form of each address (``search_addresses``' fields but the score), by id."""
	if not ids:
		return {}
	coverage = coverage_for(ids)
	out = {}
	for name, label, civic, suffix, street, municipality, postal in frappe.db.sql(
		"""SELECT name, label, civic_number, civic_suffix, street, municipality, postal_code
		FROM `tabCivic Address` WHERE name IN %s""",
		(tuple(ids),),
	):
		out[name] = {
			"address_id": name,
			"label": label,
			"civic_number": civic_display(civic, suffix),
			"street": street,
			"municipality": municipality,
			"postal_code": postal,
			"coverage": coverage.get(name, "not_covered"),
		}
	return out


def address_payload(address_id: str) -> dict | None:
	"""One address as ``search_addresses`` shows it (no score): for ``availability``. None
	when the id is unknown."""
	return _payloads([address_id]).get(address_id) if address_id else None


def _present(ranked: list[ranking.Candidate]) -> list[dict]:
	payloads = _payloads([c.address_id for c in ranked])
	out = []
	for cand in ranked:
		payload = payloads.get(cand.address_id)
		if payload:
			# The API's field order: coverage last.
			coverage = payload.pop("coverage")
			out.append({**payload, "score": cand.score, "coverage": coverage})
	return out


def _with_civic(query: ParsedQuery, streets: list[tuple[int, float, bool]]) -> list[ranking.Candidate]:
	"""Addresses with the typed civic number on the best streets, then on the next ones."""
	if not (query.civic and streets):
		return []
	civics = tuple(dict.fromkeys(c for c in (query.civic, query.alt_civic) if c))
	near = _near_best(streets)
	candidates = _candidates(near, civics)
	if not candidates and len(streets) > len(near):
		seen = set(near)
		rest = [s for s, _score, _postal in streets if s not in seen][:MAX_ADDRESS_STREETS]
		candidates = _candidates(rest, civics)
	return candidates


def rank(q: str, limit: int = 8) -> list[ranking.Candidate]:
	"""The best candidates for ``q``, scored, without their display fields."""
	query = parse_query(str(q or "")[:MAX_QUERY_LENGTH])
	if query.is_empty or not _tables_ready():
		return []
	readings, n_streets = _expand(query) if query.tokens else ({}, 1)
	if query.tokens and not any(readings.values()) and not query.postal_code:
		return []  # no word typed is a word of any address
	weights = _weights(readings, n_streets)
	terms = _street_terms(query, readings, n_streets)
	streets = _streets(terms, query.postal_code)
	candidates = _with_civic(query, streets)
	if not candidates and terms.skipped:
		# The pairs found nothing with the number typed: let the rarest word select after all.
		terms = _street_terms(query, readings, n_streets, force=True)
		streets = _streets(terms, query.postal_code)
		candidates = _with_civic(query, streets)
	if not candidates:
		candidates = _fallback(query, streets, weights, limit)
	return ranking.score_candidates(query, weights, candidates)[:limit]


def search(q: str, limit: int = 8) -> list[dict]:
	"""Addresses matching ``q``, best first, as the website's ``search_addresses`` returns them.

	Empty, junk or unmatched queries give ``[]``; ``limit`` is kept within 1–20.
	"""
	try:
		limit = max(1, min(MAX_LIMIT, int(limit)))
	except (TypeError, ValueError):
		limit = 8
	return _present(rank(q, limit))


@frappe.whitelist()
def link_query(
	doctype: str,
	txt: str,
	searchfield: str | None = None,
	start: int = 0,
	page_len: int = 20,
	filters: str | dict | list | None = None,
) -> list[tuple[str, str]]:
	"""Link-field search for Civic Address (hooks ``standard_queries``): the fuzzy search,
	since a ``LIKE '%…%'`` over millions of labels scans the whole table. One page only: a
	ranked search has no "next page" worth reading."""
	frappe.has_permission("Civic Address", "read", throw=True)
	if not (txt or "").strip() or int(start or 0) > 0:
		return []
	return [(r["address_id"], r["label"]) for r in search(txt, min(int(page_len or 20), MAX_LIMIT))]
