"""Which civic address a fibre drop is at, and how sure we are. Pure Python, no database.

A drop carries the address the legacy system was given (civic number, street, city, postal
code, sometimes coordinates), written however the person typed it. This module compares it
with candidate addresses of the reference (RQA) the way a person would, part by part:

- the **street**: its words, allowing a typo in each, rare words counting more than common
  ones; the generic (Rue, Chemin…) and the direction (Est…) agree or not;
- the **civic number** and its suffix (125, 125A) — a different number is another house;
- the **municipality** and the **postal code**: where the street is (the same street name is
  in hundreds of municipalities);
- the **distance** between the drop's coordinates and the address's, when both are known:
  it tells two identical texts apart and is the only clue when the civic number is missing.

Each part gives points (:func:`compare`); the total is the confidence, 0 to 100. The drop
is linked without a person (``Matched``) only when the best address is clearly the one:
high confidence, the civic number agrees, its place is known (municipality, postal code or
coordinates), and no other address comes close. A plausible but unsure address goes to a
person (``Needs Review``); none at all leaves the drop ``Unmatched``. The reason lists what
agreed and what did not, as English templates and their values, for the caller to translate.
"""

import functools
import math
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from gigafibre_fsm.network.civic_address.normalize import parse_query
from gigafibre_fsm.network.civic_address.ranking import Candidate, word_similarity
from gigafibre_fsm.network.civic_address.records import civic_display
from gigafibre_fsm.rules.address import compact_postal_code, format_postal_code, read_coordinate
from gigafibre_fsm.rules.text import DIRECTIONS, GENERIC_FORMS, PARTICLES

UNMATCHED = "Unmatched"
MATCHED = "Matched"
NEEDS_REVIEW = "Needs Review"
CONFIRMED = "Confirmed"
REJECTED = "Rejected"
# The Select options of Fibre Drop.match_status, in this order (a unit test compares them).
MATCH_STATUSES = (UNMATCHED, MATCHED, NEEDS_REVIEW, CONFIRMED, REJECTED)
# A drop in these is linked to its address: its port is the address's coverage.
LINKED = (MATCHED, CONFIRMED)

# Linked without a person at and above this confidence (and see :func:`decide`).
AUTO_MATCH = 85.0
# Shown to a person from this confidence; below, the address is not proposed.
REVIEW = 50.0
# The best address must beat the next one by this much to be linked without a person.
MARGIN = 10.0
# Below this, a street is not the street the drop names.
MIN_STREET = 0.55
# How many other addresses a reviewer is shown.
MAX_CANDIDATES = 4

# Points of each part; they add up to 100 for a drop that agrees in every part.
STREET_POINTS = 45.0
CIVIC_POINTS = 25.0
MUNICIPALITY_POINTS = 12.0
POSTAL_POINTS = 12.0
DISTANCE_POINTS = 6.0
# Where the drop says nothing (no city, no postal code, no coordinates): half, neither for
# nor against.
UNKNOWN_SHARE = 0.5

# Civic number of a drop: digits, maybe a suffix or a unit ("125", "125A", "12-125").
_CIVIC_FIELD = re.compile(r"^[0-9A-Za-z /½-]{1,16}$")
# A short word joined to a name by a hyphen ("SY-Joseph", "STE-Anne", "Sr-Basile").
_SHORT_PREFIX = re.compile(r"(?<![\w'])([A-Za-z]{1,4})\.?-(?=[^\W\d_])")

# Reason templates (English source strings, translated where they are shown).
R_STREET_SAME = "street {0} agrees"
R_STREET_CLOSE = "street {0} is close to what the drop says ({1} %)"
R_STREET_NONE = "the drop names no street"
R_CIVIC_SAME = "civic number {0} agrees"
R_CIVIC_SUFFIX = "civic number {0} in the reference, {1} on the drop"
R_CIVIC_OTHER = "civic number {0} in the reference, {1} on the drop: another house"
R_CIVIC_NONE = "no civic number on the drop"
R_MUNICIPALITY_SAME = "municipality {0} agrees"
R_MUNICIPALITY_CLOSE = "municipality {0} is close to what the drop says ({1} %)"
R_MUNICIPALITY_OTHER = "municipality {0} in the reference, another on the drop"
R_MUNICIPALITY_NONE = "no municipality on the drop"
R_POSTAL_SAME = "postal code {0} agrees"
R_POSTAL_AREA = "postal code {0} in the reference, {1} on the drop (same area)"
R_POSTAL_OTHER = "postal code {0} in the reference, {1} on the drop"
R_POSTAL_NONE = "no postal code to compare"
R_DISTANCE = "{0} m from the address's coordinates"
R_DISTANCE_NONE = "no coordinates to compare"
R_NEXT = "next address {0} at {1} %"
R_TIE = "{0} addresses fit as well: a person must choose"
R_NO_PLACE = "nothing on the drop says where the street is (municipality, postal code or coordinates)"
R_REJECTED_BEFORE = "{0} address(es) rejected before are left out"
R_NOTHING = "no address of the reference fits"
R_NO_CIVIC_NO_COORDINATES = "no civic number and no coordinates: the house cannot be told"
R_CIVIC_NOT_FOUND = "no civic number {0} on the streets that fit"

Reason = tuple[str, tuple]


@dataclass(frozen=True)
class DropAddress:
	"""What a drop says about its address, in the comparable form of :mod:`normalize`."""

	civic: str | None = None
	suffix: str | None = None
	alt_civic: str | None = None
	generic: str | None = None
	direction: str | None = None
	street_tokens: tuple[str, ...] = ()
	municipality_tokens: tuple[str, ...] = ()
	postal_code: str | None = None  # compact: J0S1M0
	latitude: float | None = None
	longitude: float | None = None

	@property
	def has_coordinates(self) -> bool:
		return self.latitude is not None and self.longitude is not None


def read_rejected(text: str | None) -> list[str]:
	"""The addresses a person rejected for a drop: ``Fibre Drop.rejected_addresses``, one a line."""
	return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _saint_slip(match: re.Match) -> str:
	"""``SY-Joseph``, ``SYE-Anne``, ``tS-Liboire``: St-/Ste- with a slip of the keyboard. Legacy
	records abbreviate Saint nearly always, so its slips are common; no other short word that
	starts a compound name (Ham-, Val-, Lac-, Cap-…) is one letter from St or Ste, but for
	directions (Est-) and generics, left as they are."""
	word = match[1].lower()
	if word in PARTICLES or word in DIRECTIONS or word in GENERIC_FORMS:
		return match[0]
	to_saint, to_sainte = OSA.distance(word, "st"), OSA.distance(word, "ste")
	if min(to_saint, to_sainte) != 1:
		return match[0]
	return "Saint-" if to_saint <= to_sainte else "Sainte-"


def read_drop(
	civic_number: str | None,
	street: str | None,
	city: str | None = None,
	postal_code: str | None = None,
	latitude=None,
	longitude=None,
) -> DropAddress:
	"""A drop's address fields as :class:`DropAddress`. Never raises: what cannot be read is left out.

	The civic number may also be at the head of the street ("125 rue X" with no civic number),
	the street may carry an apartment ("rue X app. 3": the drop is the building's).
	"""
	civic_text = str(civic_number or "").strip()
	if civic_text and not (_CIVIC_FIELD.match(civic_text) and any(c.isdigit() for c in civic_text)):
		civic_text = ""  # "N/A", "?": no civic number
	street_text = _SHORT_PREFIX.sub(_saint_slip, str(street or "").strip())
	line = " ".join(p for p in (civic_text, street_text) if p)
	city_text = _SHORT_PREFIX.sub(_saint_slip, str(city or "").strip())
	query = parse_query(f"{line}, {city_text}" if city_text else line)
	postal = compact_postal_code(postal_code) or query.postal_code
	generic, tokens = query.generic, query.street_tokens
	if generic and not tokens:
		# "Parc", "Côte": a street named by a generic's word, its own generic left out.
		generic, tokens = None, (generic,)
	latitude, longitude = read_coordinate(latitude, 90), read_coordinate(longitude, 180)
	if latitude is None or longitude is None:
		latitude = longitude = None
	return DropAddress(
		civic=query.civic,
		suffix=query.suffix,
		alt_civic=query.alt_civic,
		generic=generic,
		direction=query.direction,
		street_tokens=tokens,
		municipality_tokens=query.municipality_tokens,
		postal_code=postal,
		latitude=latitude,
		longitude=longitude,
	)


@dataclass
class AddressCandidate(Candidate):
	"""One address of the reference with its street's comparable form (gf_civic_street), as
	the search ranks it (:class:`~.ranking.Candidate`), and what the distance and a reviewer need."""

	latitude: float | None = None
	longitude: float | None = None
	label: str | None = None
	street: str | None = None  # display form: "Rue Principale"
	municipality: str | None = None


@dataclass
class Evidence:
	"""One drop compared with one address: each part's verdict and the confidence."""

	candidate: AddressCandidate
	street: float
	municipality: float | None  # None: the drop names no municipality
	civic: str  # same | suffix | other | unknown
	postal: str  # same | area | other | unknown
	distance: float | None  # metres; None when either has no coordinates
	confidence: float = 0.0

	@property
	def located(self) -> bool:
		"""Something other than the street's name puts the drop at this address's place."""
		return (
			(self.municipality or 0) >= 0.8
			or self.postal == "same"
			or (self.distance is not None and self.distance <= 300)
		)

	@property
	def contradicted(self) -> bool:
		"""The drop's place says elsewhere: far away, or another municipality that neither the
		postal code nor the coordinates put back here (a legacy "city" may be a sector's name)."""
		if self.distance is not None and self.distance > 1000:
			return True
		near = self.distance is not None and self.distance <= 300
		other_place = self.municipality is not None and self.municipality < 0.5
		return other_place and self.postal != "same" and not near


@dataclass
class Decision:
	"""The outcome for one drop: its status, the address (or None), confidence, reason, runners-up."""

	status: str
	address_id: str | None
	confidence: float
	reasons: list[Reason] = field(default_factory=list)
	candidates: list[Evidence] = field(default_factory=list)
	best: Evidence | None = None


@functools.lru_cache(maxsize=1 << 17)
def similarity(typed: str, known: str) -> float:
	""":func:`ranking.word_similarity`, remembered: a page of drops of a few villages compares
	the same words again and again."""
	return word_similarity(typed, known)


def _best(token: str, pool: tuple[str, ...]) -> tuple[float, int]:
	best, where = 0.0, -1
	for i, known in enumerate(pool):
		sim = similarity(token, known)
		if sim > best:
			best, where = sim, i
			if sim == 1.0:
				break
	return best, where


def _cover(typed: tuple[str, ...], own: tuple[str, ...], weights: dict[str, float], default: float) -> float:
	"""0..1: how well two lists of words agree, both ways, rare words weighing more."""
	if not typed or not own:
		return 0.0
	own_hit = [0.0] * len(own)
	explained = total = 0.0
	for token in typed:
		weight = weights.get(token, default)
		total += weight
		sim, at = _best(token, own)
		if sim:
			own_hit[at] = max(own_hit[at], sim)
			explained += weight * sim
	own_weights = [weights.get(token, default) for token in own]
	own_cover = sum(w * h for w, h in zip(own_weights, own_hit, strict=True)) / sum(own_weights)
	return 0.5 * explained / total + 0.5 * own_cover


def street_similarity(
	drop: DropAddress, cand: AddressCandidate, weights: dict[str, float], default: float = 1.0
) -> float:
	"""0..1: the drop's street and the candidate's, by their words, generic and direction."""
	tokens, generic, direction = drop.street_tokens, drop.generic, drop.direction
	if not tokens and generic and cand.generic == generic and not cand.street_tokens:
		return 1.0
	# A direction or a generic that is a word of the candidate's name ("Rue Ham-Nord",
	# "Chemin Stukely-Sud", "Rue de la Côte") is that word, not a direction or a generic.
	if direction and direction != cand.direction and direction in cand.street_tokens:
		tokens, direction = (*tokens, direction), cand.direction
	if generic and generic != cand.generic and generic in cand.street_tokens:
		tokens, generic = (generic, *tokens), None
	if cand.generic and not generic:
		# A generic typed with a typo ("chmein") is not read as one by the parser: it is the
		# candidate's generic, not a word its name lacks.
		tokens = tuple(t for t in tokens if not similarity(t, cand.generic) > _best(t, cand.street_tokens)[0])
	sim = _cover(tokens, cand.street_tokens, weights, default)
	if generic and cand.generic and generic != cand.generic:
		# "Rue du Lac" and "Chemin du Lac" are two streets of one village.
		sim *= 0.85
	if direction != cand.direction:
		# Est and Ouest are two streets; a direction left out is only a small doubt.
		sim *= 0.7 if direction and cand.direction else 0.93
	return sim


def municipality_similarity(
	drop: DropAddress, cand: AddressCandidate, weights: dict[str, float], default: float = 1.0
) -> float | None:
	if not drop.municipality_tokens:
		return None
	return _cover(drop.municipality_tokens, cand.municipality_tokens, weights, default)


def street_fit(
	drop: DropAddress,
	street: AddressCandidate,
	weights: dict[str, float],
	default: float = 1.0,
	has_postal_code: bool = False,
	municipality: float | bool | None = False,
) -> tuple[float, float]:
	"""How well a street (an :class:`AddressCandidate` without its house) fits the drop:
	``(street similarity, rank)``, the rank also counting whether it is in the drop's
	municipality or postal code. Only the best few streets have their addresses read."""
	sim = street_similarity(drop, street, weights, default)
	municipality = municipality_similarity(drop, street, weights, default)
	if has_postal_code:
		place = 1.0
	elif municipality is None and not drop.postal_code:
		place = UNKNOWN_SHARE
	else:
		place = municipality or 0.0
	return sim, 0.7 * sim + 0.3 * place


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
	"""Great-circle distance in metres (haversine)."""
	phi1, phi2 = math.radians(lat1), math.radians(lat2)
	dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
	a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
	return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


def _civic_verdict(drop: DropAddress, cand: AddressCandidate) -> str:
	if not drop.civic:
		return "unknown"
	if cand.civic not in (drop.civic, drop.alt_civic):
		return "other"
	return "same" if (cand.suffix or None) == (drop.suffix or None) else "suffix"


def _postal_verdict(drop: DropAddress, cand: AddressCandidate) -> str:
	own = (cand.postal_code or "").replace(" ", "")
	if not drop.postal_code or not own:
		return "unknown"
	if own == drop.postal_code:
		return "same"
	return "area" if own[:3] == drop.postal_code[:3] else "other"


def compare(
	drop: DropAddress, cand: AddressCandidate, weights: dict[str, float], default: float = 1.0
) -> Evidence:
	"""The drop against one address, part by part, and the confidence (0..100) they add up to."""
	evidence = Evidence(
		candidate=cand,
		street=street_similarity(drop, cand, weights, default),
		municipality=municipality_similarity(drop, cand, weights, default),
		civic=_civic_verdict(drop, cand),
		postal=_postal_verdict(drop, cand),
		distance=None,
	)
	if drop.has_coordinates and cand.latitude is not None and cand.longitude is not None:
		evidence.distance = distance_m(drop.latitude, drop.longitude, cand.latitude, cand.longitude)
	evidence.confidence = round(_points(evidence), 1)
	return evidence


def _points(e: Evidence) -> float:
	points = STREET_POINTS * e.street
	points += {"same": 1.0, "suffix": 0.4}.get(e.civic, 0.0) * CIVIC_POINTS
	if e.municipality is None:
		points += UNKNOWN_SHARE * MUNICIPALITY_POINTS
	elif e.municipality >= 0.5:
		points += e.municipality * MUNICIPALITY_POINTS
	points += {"same": 1.0, "area": 0.4, "unknown": UNKNOWN_SHARE}.get(e.postal, 0.0) * POSTAL_POINTS
	if e.distance is None:
		points += UNKNOWN_SHARE * DISTANCE_POINTS
	elif e.distance <= 100:
		points += DISTANCE_POINTS
	elif e.distance <= 300:
		points += 0.6 * DISTANCE_POINTS
	elif e.distance <= 1000:
		points += 0.2 * DISTANCE_POINTS
	elif e.distance <= 5000:
		points -= 10
	else:
		points -= 25
	return max(0.0, min(100.0, points))


def _order(e: Evidence) -> tuple:
	# Best first; between equals, the nearer, then a stable order.
	return (-e.confidence, e.distance if e.distance is not None else math.inf, e.candidate.address_id)


def decide(
	drop: DropAddress,
	evidences: list[Evidence],
	rejected: frozenset[str] | set[str] = frozenset(),
	no_candidate_reason: Reason | None = None,
) -> Decision:
	"""The status, address and reason for a drop, from its candidates compared (:func:`compare`).

	``rejected``: addresses a person said this drop is not at; never proposed again. A drop
	with a rejection is never linked without a person: its next address goes to review.
	"""
	kept: dict[str, Evidence] = {}
	for e in sorted(evidences, key=_order):
		if e.candidate.address_id not in rejected:
			kept.setdefault(e.candidate.address_id, e)
	ranked = list(kept.values())
	left_out = len({e.candidate.address_id for e in evidences} & set(rejected))
	if not ranked or ranked[0].confidence < REVIEW:
		reasons = [no_candidate_reason or (R_NOTHING, ())]
		if ranked:
			reasons.append((R_NEXT, (_label(ranked[0]), _pct(ranked[0].confidence))))
		if left_out:
			reasons.append((R_REJECTED_BEFORE, (left_out,)))
		return Decision(UNMATCHED, None, 0.0, reasons, ranked[:MAX_CANDIDATES])
	best = ranked[0]
	others = ranked[1:]
	second = others[0] if others else None
	reasons = explain(drop, best)
	ties = [e for e in others if best.confidence - e.confidence < MARGIN]
	if ties and best.confidence - ties[0].confidence < 1:
		equal = [e for e in ties if best.confidence - e.confidence < 1]
		reasons.append((R_TIE, (len(equal) + 1,)))
	elif second and second.confidence >= REVIEW:
		reasons.append((R_NEXT, (_label(second), _pct(second.confidence))))
	if not best.located:
		reasons.append((R_NO_PLACE, ()))
	if left_out:
		reasons.append((R_REJECTED_BEFORE, (left_out,)))
	automatic = (
		best.confidence >= AUTO_MATCH
		and not ties
		and best.civic == "same"
		and best.street >= 0.8
		and best.located
		and not best.contradicted
		and not rejected
	)
	return Decision(
		MATCHED if automatic else NEEDS_REVIEW,
		best.candidate.address_id,
		best.confidence,
		reasons,
		[e for e in others if e.confidence >= REVIEW / 2][:MAX_CANDIDATES],
		best,
	)


def _pct(value: float) -> str:
	return f"{value:.0f}"


def _label(e: Evidence) -> str:
	return e.candidate.label or e.candidate.address_id


def explain(drop: DropAddress, e: Evidence) -> list[Reason]:
	"""What agreed and what did not between the drop and one address, part by part."""
	cand = e.candidate
	street = cand.street or " ".join(cand.street_tokens)
	out: list[Reason] = []
	if not drop.street_tokens:
		out.append((R_STREET_NONE, ()))
	elif e.street >= 0.999:
		out.append((R_STREET_SAME, (street,)))
	else:
		out.append((R_STREET_CLOSE, (street, _pct(100 * e.street))))
	reference_civic = civic_display(cand.civic, cand.suffix)
	drop_civic = civic_display(drop.civic, drop.suffix)
	out.append(
		{
			"same": (R_CIVIC_SAME, (reference_civic,)),
			"suffix": (R_CIVIC_SUFFIX, (reference_civic, drop_civic)),
			"other": (R_CIVIC_OTHER, (reference_civic, drop_civic)),
		}.get(e.civic, (R_CIVIC_NONE, ()))
	)
	municipality = cand.municipality or " ".join(cand.municipality_tokens)
	if e.municipality is None:
		out.append((R_MUNICIPALITY_NONE, ()))
	elif e.municipality >= 0.999:
		out.append((R_MUNICIPALITY_SAME, (municipality,)))
	elif e.municipality >= 0.5:
		out.append((R_MUNICIPALITY_CLOSE, (municipality, _pct(100 * e.municipality))))
	else:
		out.append((R_MUNICIPALITY_OTHER, (municipality,)))
	drop_postal = format_postal_code(drop.postal_code)
	out.append(
		{
			"same": (R_POSTAL_SAME, (cand.postal_code,)),
			"area": (R_POSTAL_AREA, (cand.postal_code, drop_postal)),
			"other": (R_POSTAL_OTHER, (cand.postal_code, drop_postal)),
		}.get(e.postal, (R_POSTAL_NONE, ()))
	)
	if e.distance is None:
		out.append((R_DISTANCE_NONE, ()))
	else:
		out.append((R_DISTANCE, (f"{e.distance:,.0f}".replace(",", " "),)))
	return out
