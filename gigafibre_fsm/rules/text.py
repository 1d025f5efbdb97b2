"""Text folded to compare what people write: accents, typographic punctuation, the saints and
the street generics as Québec abbreviates them. Pure Python.

The one home of these rules: the civic-address search and its index, the matching of fibre
drops and the 911 comparison fold text through this module, so "St-Élie", "ST ELIE" and
"Saint-Élie" are one name everywhere. Accents are folded with the standard library's Unicode
decomposition (NFKD without the combining marks), which is all French needs: the few letters
it does not decompose (œ, æ) are spelled out first.
"""

import re
import unicodedata

# Letters NFKD leaves alone, and typographic punctuation people paste from word processors.
SPELL_OUT = str.maketrans(
	{
		"œ": "oe",
		"Œ": "OE",
		"æ": "ae",
		"Æ": "AE",
		"ß": "ss",
		"ø": "o",
		"Ø": "O",
		"ł": "l",
		"Ł": "L",
		"đ": "d",
		"’": "'",
		"‘": "'",
		"ʼ": "'",
		"`": "'",
		"´": "'",
		"‐": "-",
		"‑": "-",
		"‒": "-",
		"–": "-",
		"—": "-",
		"½": " 1/2",
		"⁄": "/",
		"№": "#",
	}
)

PARTICLES = frozenset(
	{"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "sur", "sous", "et"}
)

SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Street generics as RQA writes them (folded) and the abbreviations people type for them.
GENERICS: dict[str, tuple[str, ...]] = {
	"rue": ("rue", "r", "street"),
	"chemin": ("chemin", "ch", "chem", "chm", "road", "rd"),
	"boulevard": ("boulevard", "boul", "bd", "blvd", "boulv", "bl"),
	"avenue": ("avenue", "av", "ave", "avn"),
	"route": ("route", "rte", "rt"),
	"rang": ("rang", "rg"),
	"montee": ("montee", "mtee", "mte"),
	"croissant": ("croissant", "cr", "crois", "cres"),
	"place": ("place", "pl"),
	"impasse": ("impasse", "imp"),
	"terrasse": ("terrasse", "terr", "tsse"),
	"allee": ("allee", "all"),
	"cote": ("cote",),
	"promenade": ("promenade", "prom"),
	"carre": ("carre",),
	"cercle": ("cercle",),
	"cours": ("cours",),
	"sentier": ("sentier", "sent"),
	"ruelle": ("ruelle",),
	"square": ("square", "sq"),
	"voie": ("voie",),
	"autoroute": ("autoroute", "aut"),
	"passage": ("passage",),
	"concession": ("concession", "conc"),
	"circuit": ("circuit",),
	"jardin": ("jardin", "jardins"),
	"quai": ("quai",),
	"parc": ("parc",),
}
GENERIC_FORMS: dict[str, str] = {form: canon for canon, forms in GENERICS.items() for form in forms}
# Forms too short or too common to be read as a generic anywhere but right after the civic number.
WEAK_GENERIC_FORMS = frozenset({"r", "bl", "cr", "rt", "all", "parc", "quai", "cote", "jardin", "jardins"})

DIRECTIONS: dict[str, str] = {
	"est": "est",
	"east": "est",
	"e": "est",
	"ouest": "ouest",
	"west": "ouest",
	"o": "ouest",
	"w": "ouest",
	"nord": "nord",
	"north": "nord",
	"n": "nord",
	"sud": "sud",
	"south": "sud",
	"s": "sud",
}

_WORD = re.compile(r"[a-z0-9]+")
# Abbreviations spelled out when two texts are compared word by word (not in a search, where
# a short form may be the start of a word being typed).
ABBREVIATIONS: dict[str, str] = {
	**{form: canon for form, canon in GENERIC_FORMS.items() if form not in WEAK_GENERIC_FORMS},
	**SAINTS,
}
# Words that mark an apartment, dropped when an address line is compared.
_UNIT_WORDS = frozenset({"app", "apt", "appt", "appartement"})


def fold(text: str | None) -> str:
	"""Lower-case ASCII-ish text: accents removed, œ spelled out, typographic dashes and quotes plain."""
	if not text:
		return ""
	text = unicodedata.normalize("NFKD", str(text).translate(SPELL_OUT))
	return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def fold_words(value: str | None) -> str:
	"""Folded words with the abbreviations spelled out: ``"Boul. St-Été"`` → ``"boulevard saint ete"``."""
	words = _WORD.findall(fold(value))
	return " ".join(ABBREVIATIONS.get(w, w) for w in words if w not in _UNIT_WORDS)
