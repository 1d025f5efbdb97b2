"""Which candidate address a query means, and how sure we are. Pure Python.

The database hands over a small candidate set (addresses with the typed civic number on
streets that share rare words with the query); this module scores each candidate from 0 to
100 with rapidfuzz, the way a person would compare them:

- every word typed should be found in the candidate's street or municipality, allowing a
  typo; rare words (Anicet) count more than common ones (Saint), by their inverse document
  frequency over the streets of the reference;
- the candidate's own street words should have been typed (the street name matters more
  than the municipality, which people often leave out);
- the generic (Rue, Chemin…), the direction (Est…), the civic suffix and the postal code
  agree or not;
- after a comma, the words are the municipality's, so "rue Saint-Jean, Saint-Pierre" is not
  "rue Saint-Pierre, Saint-Jean".
"""

import math
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from gigafibre_fsm.network.civic_address.normalize import ParsedQuery

# Below this a word is not the same word (one typo in a 4-letter word is 0.75).
MIN_WORD_SIMILARITY = 0.74
# Candidates scoring below this are not shown: a query that matches nothing well is junk.
MIN_SCORE = 55.0


@dataclass
class Candidate:
	"""One address of the candidate set, with its street's comparable form."""

	address_id: str
	street_id: int
	civic: str
	suffix: str | None
	postal_code: str | None  # "J0S 1M0"
	generic: str | None
	direction: str | None
	street_tokens: tuple[str, ...]
	municipality_tokens: tuple[str, ...]
	score: float = 0.0
	points: float = 0.0

	@classmethod
	def of_street(
		cls,
		street_id: int,
		generic: str | None,
		direction: str | None,
		street_tokens: str,
		municipality_tokens: str,
		**house,
	):
		"""A candidate from a ``gf_civic_street`` row (its words space-separated), with the
		house's own fields in ``house`` (``address_id``, ``civic``…); none for a street alone."""
		return cls(
			**{"address_id": "", "civic": "", "suffix": None, "postal_code": None, **house},
			street_id=int(street_id),
			generic=generic or None,
			direction=direction or None,
			street_tokens=tuple(street_tokens.split()),
			municipality_tokens=tuple(municipality_tokens.split()),
		)


def word_similarity(typed: str, known: str, prefix: bool = False) -> float:
	"""0..1: how surely ``known`` is the word meant by ``typed``.

	Numbers must be equal ("132" is not "138"). With ``prefix`` (the word being typed last),
	"princ" is "principale".
	"""
	if typed == known:
		return 1.0
	if typed.isdigit() or known.isdigit() or typed[:1].isdigit() or known[:1].isdigit():
		return 0.0
	if prefix and len(typed) >= 3 and known.startswith(typed):
		return 0.9
	sim = OSA.normalized_similarity(typed, known)
	return sim if sim >= MIN_WORD_SIMILARITY else 0.0


def idf(df: int | None, streets: int) -> float:
	"""Weight of a word found on ``df`` of ``streets`` streets; an unknown word weighs like a rare one."""
	if not df:
		return math.log(1 + streets)
	return math.log(1 + streets / df)


def _best(token: str, pool: tuple[str, ...], prefix: bool) -> tuple[float, int]:
	best, where = 0.0, -1
	for i, known in enumerate(pool):
		sim = word_similarity(token, known, prefix)
		if sim > best:
			best, where = sim, i
			if sim == 1.0:
				break
	return best, where


def score_street(query: ParsedQuery, weights: dict[str, float], cand: Candidate) -> float:
	"""0..1: how well the words typed match the candidate's street and municipality."""
	if not query.tokens:
		return 1.0  # a postal code alone: no word to disagree with
	street, muni = cand.street_tokens, cand.municipality_tokens
	street_hit = [0.0] * len(street)
	muni_hit = [0.0] * len(muni)
	explained = total = 0.0
	last = query.tokens[-1] if query.tokens else None
	n_street = len(query.street_tokens)
	for i, token in enumerate(query.tokens):
		w = weights.get(token, 1.0)
		total += w
		prefix = token == last and i == len(query.tokens) - 1
		in_municipality_part = i >= n_street
		s_sim, s_at = _best(token, street, prefix)
		m_sim, m_at = _best(token, muni, prefix)
		# After a comma the words are the municipality's; before it, the street's. Without a
		# comma either may be meant.
		if query.municipality_tokens:
			if in_municipality_part:
				s_sim *= 0.85
			else:
				m_sim *= 0.85
		# A generic typed with a typo ("chein", "croissannt") is not read as a generic by the
		# parser: it is still the candidate's generic.
		g_sim = word_similarity(token, cand.generic, False) if cand.generic else 0.0
		if s_sim >= m_sim and s_sim >= g_sim and s_sim > 0:
			street_hit[s_at] = max(street_hit[s_at], s_sim)
			explained += w * s_sim
		elif m_sim >= g_sim and m_sim > 0:
			muni_hit[m_at] = max(muni_hit[m_at], m_sim)
			explained += w * m_sim
		elif g_sim > 0:
			explained += w * g_sim
	for typed, own in ((query.generic, cand.generic), (query.direction, cand.direction)):
		# A generic or direction that is not the candidate's may still be a word of its name
		# ("Côté" read as the generic Côte).
		if typed and typed != own:
			sim, at = _best(typed, street, False)
			if sim > 0 and street_hit[at] < sim:
				street_hit[at] = sim
	query_cover = explained / total if total else 0.0
	street_cover = sum(street_hit) / len(street) if street else 1.0
	muni_cover = sum(muni_hit) / len(muni) if muni else 1.0
	score = 0.55 * query_cover + 0.30 * street_cover + 0.15 * muni_cover
	# Order of the words, lightly: breaks ties between the same words in another order.
	typed_text = " ".join(query.tokens)
	own_text = " ".join(street + muni)
	score += 0.04 * fuzz.ratio(typed_text, own_text) / 100
	return score


def score_candidates(
	query: ParsedQuery, weights: dict[str, float], candidates: list[Candidate]
) -> list[Candidate]:
	"""Candidates scored 0..100, best first; those below :data:`MIN_SCORE` are dropped."""
	street_scores: dict[int, float] = {}
	for cand in candidates:
		base = street_scores.get(cand.street_id)
		if base is None:
			base = street_scores[cand.street_id] = score_street(query, weights, cand)
		points = base * 86
		if query.generic:
			points += 4 if query.generic == cand.generic else -3
		if query.direction or cand.direction:
			points += 3 if query.direction == cand.direction else (-6 if query.direction else -1)
		if query.civic:
			if cand.civic == query.civic:
				points += 6
			elif cand.civic == query.alt_civic:
				points += 3
			else:
				points -= 8
			if (cand.suffix or None) == (query.suffix or None):
				points += 2
			else:
				points -= 3
		postal = (cand.postal_code or "").replace(" ", "")
		if query.postal_code and postal:
			points += 6 if postal == query.postal_code else (1 if postal[:3] == query.postal_code[:3] else -2)
		elif query.postal_prefix and postal:
			points += 2 if postal.startswith(query.postal_prefix) else -1
		cand.points = points
		# Shown from 0 to 100; ranked on the points, so the suffix still counts at the top.
		cand.score = round(max(0.0, min(100.0, points)), 1)
	ranked = sorted(candidates, key=lambda c: (-c.points, c.address_id))
	return [c for c in ranked if c.score >= MIN_SCORE]
