"""Québec civic addresses folded to one comparable form. Pure Python, no database.

The index (when an RQA extract is loaded) and a query (what a visitor types) go through the
same functions, so "St-Élie-de-Caxton", "ST ELIE DE CAXTON" and "Saint-Élie-de-Caxton" all
become the tokens ``saint elie caxton``, and "ch. du Lac-Héroux" becomes the generic
``chemin`` and the tokens ``lac heroux``.

A token is lower-case ASCII letters and digits. Accents are folded with the standard
library's Unicode decomposition (NFKD without the combining marks), which is all French
needs: the few letters it does not decompose (œ, æ) are spelled out first.

What is dropped from matching and why:
- linking particles (de, du, des, la, l', d'…): RQA stores them in their own column and
  people write them or not ("rue de l'Église", "rue Église");
- the province ("QC") and "Canada": every address is in Québec.

What a free query is split into (:func:`parse_query`): the civic number and its suffix, an
apartment, the street generic (Rue, Chemin…) and direction (Est…), the remaining words as
tokens, and a postal code with or without its space, wherever it is typed.
"""

import re
from dataclasses import dataclass

from gigafibre_fsm.rules.address import take_postal_code
from gigafibre_fsm.rules.text import (
	DIRECTIONS,
	GENERIC_FORMS,
	PARTICLES,
	SAINTS,
	WEAK_GENERIC_FORMS,
	fold,
)

# Words that say "this is in Québec": noise for matching, whatever the case or accents.
_NOISE = frozenset({"qc", "canada"})

_ORDINAL = re.compile(r"^(\d{1,3})(?:e|er|re|ere|eme|ieme|iem|em|ier|iere|nd|nde)$")
_ORDINAL_WORDS = {
	"premier": "1e",
	"premiere": "1e",
	"deuxieme": "2e",
	"second": "2e",
	"seconde": "2e",
	"troisieme": "3e",
	"quatrieme": "4e",
	"cinquieme": "5e",
	"sixieme": "6e",
	"septieme": "7e",
	"huitieme": "8e",
	"neuvieme": "9e",
	"dixieme": "10e",
}

_WORD = re.compile(r"[a-z0-9]+")

# An apartment after a marker: "app. 12", "apt 3B", "#12", "unité 4", "bureau 200".
# A letter alone is a unit only after an explicit apartment marker ("app. B"); after "bureau"
# or "suite" a number is required, since Bureau and Suite are also street names.
_APARTMENT = re.compile(
	r"(?<![a-z0-9])(?:"
	r"(?:appartement|apartment|appart|appt|app|apt|unite|unit|#)\.?\s*(?:#\s*)?(?P<unit>\d+[a-z]?|[a-z]\d*)"
	r"|(?:bureau|suite|local|logement|log)\.?\s*(?:#\s*)?(?P<office>\d+[a-z]?)"
	r")(?![a-z0-9'])"
)

# Leading civic number, optionally preceded by "unit-" and followed by a suffix:
# "125", "125A", "125 A", "125-A", "125 1/2", "12-125", "3B-125", "A-125".
_LEADING_CIVIC = re.compile(
	r"^\s*(?:(?P<unit>\d+[a-z]?|[a-z])\s*-\s*)?(?P<civic>\d{1,6})"
	r"(?:\s*-?\s*(?P<suffix>[a-z])(?![a-z0-9'.])|\s+(?P<half>1/2)(?![0-9]))?"
	r"(?![0-9])"
)


def canonical_token(token: str) -> str:
	"""One token in its indexed form: St → saint, 1re → 1e, deuxième → 2e."""
	if token in SAINTS:
		return SAINTS[token]
	if token in _ORDINAL_WORDS:
		return _ORDINAL_WORDS[token]
	match = _ORDINAL.match(token)
	if match:
		return f"{int(match[1])}e"
	if token.isdigit():
		return str(int(token))
	return token


def words(text: str | None) -> list[str]:
	"""The folded words of a text, canonical, particles and province dropped."""
	out = []
	for raw in _WORD.findall(fold(text)):
		token = canonical_token(raw)
		if token in PARTICLES or token in _NOISE:
			continue
		out.append(token)
	return out


def canonical_generic(text: str | None) -> str | None:
	"""``"Ch."`` → ``"chemin"``; an unknown generic keeps its folded words (``"rond point"``)."""
	tokens = _WORD.findall(fold(text))
	if not tokens:
		return None
	if len(tokens) == 1:
		return GENERIC_FORMS.get(tokens[0], tokens[0])
	return " ".join(tokens)


def canonical_direction(text: str | None) -> str | None:
	tokens = _WORD.findall(fold(text))
	if len(tokens) != 1:
		return " ".join(tokens) or None
	return DIRECTIONS.get(tokens[0], tokens[0])


@dataclass(frozen=True)
class StreetKey:
	"""A street as the index compares it: generic, specific words, direction."""

	generic: str | None
	tokens: tuple[str, ...]
	direction: str | None


def street_key(
	generic: str | None, link: str | None, specific: str | None, direction: str | None
) -> StreetKey:
	"""The comparable form of an RQA street; the link (de, du, de l'…) is not compared."""
	return StreetKey(canonical_generic(generic), tuple(words(specific)), canonical_direction(direction))


def municipality_tokens(name: str | None) -> tuple[str, ...]:
	return tuple(words(name))


def delete_keys(token: str) -> set[str]:
	"""The token and every form of it with one letter removed (symmetric-delete spelling keys).

	A vocabulary token and a typed token within one edit (a letter wrong, missing, extra, or
	two letters swapped) always share a key, so typos are found by exact lookups in an
	indexed table. Digits and tokens under 4 letters are matched exactly: "132" is not "13".
	"""
	if len(token) < 4 or any(ch.isdigit() for ch in token):
		return {token}
	return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


# Words of a street name, or of a municipality name, beyond this many add no pairs.
MAX_PAIR_WORDS = 6


# Pair kinds: two words of a street's name, two of its municipality's, one of each. The mark
# also keeps pairs out of a word's prefix range (``LIKE 'parc%'`` is words only).
STREET_PAIR = "+"
MUNICIPALITY_PAIR = "*"
CROSS_PAIR = "="
PAIR_MARKS = (STREET_PAIR, MUNICIPALITY_PAIR, CROSS_PAIR)


def pair_key(a: str, b: str, kind: str = STREET_PAIR) -> str:
	"""Two words of one name as the index stores them: ``"+dame notre"`` (street),
	``"*anicet saint"`` (municipality); sorted."""
	return f"{kind}{a} {b}" if a < b else f"{kind}{b} {a}"


def cross_key(street_word: str, municipality_word: str) -> str:
	"""A word of a street's name with a word of its municipality's: ``"=dame@thurso"``."""
	return f"{CROSS_PAIR}{street_word}@{municipality_word}"


def pair_keys(street_words, municipality_words) -> list[str]:
	"""The pairs a street is indexed under: two words of its name, two words of its
	municipality's, and one of each (its name *in* that municipality).

	Pairs make "rue Notre-Dame, Thurso" a small lookup ("=dame@thurso", "=notre@thurso") where
	each word alone is on thousands of streets; and the cross pairs tell "rue de la Pointe,
	Pointe-Supérieur" from every other street of Pointe-Supérieur.
	"""
	street = list(dict.fromkeys(street_words))[:MAX_PAIR_WORDS]
	muni = list(dict.fromkeys(municipality_words))[:MAX_PAIR_WORDS]
	keys = [
		pair_key(a, b, kind)
		for words, kind in ((street, STREET_PAIR), (muni, MUNICIPALITY_PAIR))
		for i, a in enumerate(words)
		for b in words[i + 1 :]
	]
	keys += [cross_key(a, b) for a in street for b in muni]
	return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class ParsedQuery:
	"""A free address query split into its parts. Tokens are canonical (see :func:`words`)."""

	civic: str | None = None
	suffix: str | None = None
	apartment: str | None = None
	generic: str | None = None
	direction: str | None = None
	street_tokens: tuple[str, ...] = ()
	municipality_tokens: tuple[str, ...] = ()
	postal_code: str | None = None  # compact: J0S1M0
	postal_prefix: str | None = None  # first half only: J0S
	# The other reading of "12-125" (civic 12, unit 125), tried when the first finds nothing.
	alt_civic: str | None = None

	@property
	def tokens(self) -> tuple[str, ...]:
		"""Every word to match, street first: where the street ends is known only after a comma."""
		return self.street_tokens + self.municipality_tokens

	@property
	def is_empty(self) -> bool:
		return not (self.tokens or self.postal_code or self.postal_prefix)


def _take_apartment(text: str) -> tuple[str, str | None]:
	match = _APARTMENT.search(text)
	if not match:
		return text, None
	rest = text[: match.start()] + " " + text[match.end() :]
	if match["office"]:
		# "125 rue Bureau 200": when "bureau N" would leave the street without a name, the
		# word is the street's name and the number is not a unit.
		street = re.split(r"[,;]", _LEADING_CIVIC.sub(" ", rest, count=1))[0]
		if not [w for w in _WORD.findall(street) if w not in GENERIC_FORMS and w not in PARTICLES]:
			return text, None
	return rest, (match["unit"] or match["office"]).upper()


def _starts_with_ordinal_street(text: str) -> bool:
	"""``"3e rang …"``, ``"1re avenue …"``: a numbered street, not civic 3 suffix E."""
	tokens = _WORD.findall(text[:40])
	return (
		len(tokens) >= 2
		and bool(_ORDINAL.match(tokens[0]))
		and not tokens[0].isdigit()
		and tokens[1] in GENERIC_FORMS
	)


def _take_civic(text: str) -> tuple[str, dict]:
	if _starts_with_ordinal_street(text):
		return text, {}
	match = _LEADING_CIVIC.match(text)
	if not match:
		return text, {}
	civic = str(int(match["civic"]))
	suffix = (match["suffix"] or match["half"] or "").upper() or None
	unit = match["unit"].upper() if match["unit"] else None
	parts = {"civic": civic, "suffix": suffix, "apartment": unit}
	if unit and unit.isdigit():
		# "125-12": Canada Post puts the unit first, but people also write civic-unit.
		parts["alt_civic"] = str(int(unit))
	return text[match.end() :], parts


_TRAILING_CIVIC = re.compile(r"(\d{1,6})([a-z]?)")


def _take_trailing_civic(piece: str) -> tuple[str, str, dict]:
	"""Street first: ``"rue Principale 125"`` or ``"rue Principale 125 Saint-Adrien"`` → the
	street, what follows the number (the municipality, when no comma separates it) and the
	civic number. A number is the civic number only after a word of the street's name, so
	"Route 117" stays a street while "Route 117 125" is number 125 of it."""
	words = list(_WORD.finditer(piece))
	for i, match in enumerate(words):
		number = _TRAILING_CIVIC.fullmatch(match[0])
		if not number or i == 0:
			continue
		named = any(w[0] not in GENERIC_FORMS and w[0] not in PARTICLES for w in words[:i])
		if named:
			parts = {"civic": str(int(number[1])), "suffix": number[2].upper() or None}
			return piece[: match.start()], piece[match.end() :], parts
	return piece, "", {}


def _classify(tokens: list[str], street: bool = True) -> tuple[str | None, str | None, list[str]]:
	"""Pick the generic and the direction out of a street's words; the rest are content.

	A municipality (``street=False``) has neither: "Ham-Nord" is a name, not a direction.
	"""
	generic = direction = None
	content: list[str] = []
	for i, form in enumerate(tokens):
		if street and generic is None and form in GENERIC_FORMS:
			# The generic comes first ("Rue X", "ch. X") or after an ordinal ("3e Rang").
			at_start = not content and (form not in WEAK_GENERIC_FORMS or i == 0)
			after_ordinal = (
				len(content) == 1 and bool(_ORDINAL.match(content[0])) and not content[0].isdigit()
			)
			if at_start or after_ordinal:
				generic = GENERIC_FORMS[form]
				continue
		if street and direction is None and content and form in DIRECTIONS:
			# A lone letter is a direction only at the end of the street ("boul. Ste-Anne E").
			if len(form) > 1 or i == len(tokens) - 1:
				direction = DIRECTIONS[form]
				continue
		token = canonical_token(form)
		if token in PARTICLES or token in _NOISE:
			continue
		content.append(token)
	return generic, direction, content


def parse_query(query: str | None) -> ParsedQuery:
	"""Split what someone typed into civic number, suffix, apartment, street, municipality, postal code.

	Never raises: anything unreadable is left out, so junk parses to an empty query.
	"""
	text = fold(query)[:300]
	if not text.strip():
		return ParsedQuery()
	text, postal, prefix = take_postal_code(text)
	text, apartment = _take_apartment(text)
	# What a removed unit leaves in front ("unité 4 - 125 …") is not part of the civic number.
	text, civic_parts = _take_civic(text.lstrip(" -,.;:#"))
	if not apartment:
		apartment = civic_parts.get("apartment")
	# A comma separates the street from the municipality ("125 rue X, Saint-Adrien").
	pieces = [p for p in re.split(r"[,;]", text) if _WORD.search(p)]
	if pieces and not civic_parts:
		# Street first: "rue Principale 125, Saint-Adrien".
		street, after, civic_parts = _take_trailing_civic(pieces[0])
		pieces = [street, after, *pieces[1:]] if civic_parts else pieces
	street_words = _WORD.findall(pieces[0]) if pieces else []
	municipality_words = [w for p in pieces[1:] for w in _WORD.findall(p)]
	generic, direction, street_tokens = _classify(street_words)
	_, _, municipality_toks = _classify(municipality_words, street=False)
	return ParsedQuery(
		civic=civic_parts.get("civic"),
		suffix=civic_parts.get("suffix"),
		apartment=apartment,
		generic=generic,
		direction=direction,
		street_tokens=tuple(street_tokens),
		municipality_tokens=tuple(municipality_toks),
		postal_code=postal,
		postal_prefix=prefix,
		alt_civic=civic_parts.get("alt_civic"),
	)
