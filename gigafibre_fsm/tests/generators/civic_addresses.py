"""Québec-like civic addresses and misspelled queries, for tests and benchmarks. Pure Python.

``addresses`` writes a CSV in the RQA extract format (``shared/rqa/sample.csv``): municipalities
of Zipf-like sizes (a few cities, many villages), French street names with accents, saints
(Saint-/Sainte-), numbered streets (1re Avenue, 3e Rang, Route 132), the same street names in
many municipalities, cities with Est/Ouest streets, civic suffixes (125A, 125 1/2), postal
codes of Canada Post's shape for Québec (G, H or J first; rural FSAs have a 0), coordinates
inside Québec and a few rows without coordinates or postal code, as in the real extract.
The same seed always writes the same file; rows are streamed, so size is only disk.

``queries`` samples addresses from such a file and writes what people type for them, one
JSON object a line with the ground-truth ``rqa_id`` and the variant ``family``: a typo,
missing accents, abbreviations, apartment forms, postal code forms, a misspelled
municipality.

    python -m gigafibre_fsm.tests.generators.civic_addresses addresses OUT.csv --rows N --seed S
    python -m gigafibre_fsm.tests.generators.civic_addresses queries ADDR.csv OUT.jsonl --count N
"""

import argparse
import bisect
import csv
import json
import math
import random
import sys
import time
import unicodedata
from collections.abc import Iterator

from gigafibre_fsm.network.civic_address.records import COLUMNS, street_display

# ---------------------------------------------------------------------------------------------
# Word lists. Names are spelled as the Commission de toponymie writes them.

_SAINTS_M = (
	"Joseph Jean Pierre Paul Louis Jacques François Michel André Antoine Augustin Benoît Bernard "
	"Bruno Charles Clément Côme Cyprien Damien Denis Dominique Édouard Élie Étienne Eugène "
	"Eustache Fabien Félix Ferdinand Fortunat Gabriel Georges Gérard Germain Gilles Grégoire "
	"Guillaume Henri Hilaire Hippolyte Honoré Hubert Hyacinthe Ignace Isidore Janvier Jérôme "
	"Joachim Jude Julien Justin Lambert Laurent Lazare Léon Léonard Liboire Lin Luc Malachie Marc "
	"Martin Mathieu Mathias Maurice Médard Narcisse Nazaire Norbert Octave Odilon Pacôme Pascal "
	"Patrice Philippe Placide Polycarpe Prosper Raphaël Raymond Rémi René Robert Roch Romain "
	"Sébastien Siméon Simon Sylvestre Théodore Thomas Tite Ubalde Urbain Valentin Valère Victor "
	"Vincent Wenceslas Zacharie Zénon Zéphirin Adrien Anicet Stanislas Albert Alban Alexandre "
	"Alexis Alphonse Amable Ambroise Anselme Apollinaire Armand Arsène Barnabé Basile Boniface "
	"Camille Casimir Célestin Césaire Chrysostome Colomban Cyrille David Donat Edmond Éloi Émile "
	"Éphrem Évariste Faustin Flavien Fulgence Gédéon Gervais Guy Herménégilde Irénée "
	"Jean-Baptiste Ludger Magloire Marcel Modeste Moïse Nérée Noël Onésime Pamphile Paulin Pie "
	"Prime Rosaire Samuel Sixte Sulpice Séverin Théophile Timothée Ulric Valérien Zotique"
).split()
_SAINTS_F = (
	"Anne Marie Catherine Claire Agathe Barbe Brigide Cécile Christine Clotilde Edwidge Élisabeth "
	"Émélie Eulalie Euphémie Félicité Françoise Geneviève Germaine Hélène Hénédine Jeanne Julie "
	"Julienne Justine Luce Lucie Madeleine Marguerite Marthe Monique Paule Perpétue Pétronille "
	"Philomène Rosalie Rose Sabine Séraphine Sophie Thècle Thérèse Ursule Victoire Angèle "
	"Apolline Béatrix Blandine Émilie Flore Gertrude Hedwidge Irène Louise Mélanie Odile Praxède "
	"Scholastique Sylvie Véronique Adèle Aurélie Colette"
).split()
_PLACES = (
	"Beauce Caxton Kostka Matha Lourdes Bellechasse Kamouraska Lotbinière Portneuf Champlain "
	"Joliette Berthier Lévis Wolfe Ham Shefford Granby Brome Stanstead Frontenac Dorchester "
	"Montcalm Rimouski Matane Gaspé Témiscouata Sorel Bagot Richelieu Laprairie Beauharnois "
	"Huntingdon Godmanchester Vaudreuil Soulanges Terrebonne Mirabel Maskinongé Nicolet Yamaska "
	"Drummond Arthabaska Mégantic Charlevoix Chicoutimi Roberval Abitibi Pontiac Gatineau "
	"Papineau Labelle Argenteuil Bonaventure Matapédia Horton Blandford Halifax Tring Windsor "
	"Bolton Compton Coaticook Wickham Acton Upton Milton Roxton Ely Stukely Orford Hatley "
	"Weedon Lingwick Buckland Cranbourne Standon Ware Rigaud Chertsey Kildare Brandon Rawdon"
).split()
_PLACE_TAILS = (
	"du-Lac des-Monts des-Bois sur-Richelieu sur-Mer du-Nord des-Plaines des-Pins de-la-Rivière "
	"des-Érables du-Rosaire de-la-Pérade des-Saules de-Lessard de-l'Islet de-la-Durantaye "
	"d'Abbotsford d'Acton de-Chester de-Bagot des-Lacs du-Parc de-la-Baie du-Cap de-l'Île"
).split()
# Town names with a space in them are kept whole by the "|" separator.
_REAL_TOWN_LIST = (
	"Montréal|Québec|Laval|Gatineau|Longueuil|Sherbrooke|Lévis|Saguenay|Trois-Rivières|Terrebonne|"
	"Saint-Jean-sur-Richelieu|Repentigny|Brossard|Drummondville|Saint-Jérôme|Granby|Blainville|"
	"Saint-Hyacinthe|Mirabel|Shawinigan|Dollard-Des Ormeaux|Rimouski|Châteauguay|Victoriaville|"
	"Mascouche|Rouyn-Noranda|Salaberry-de-Valleyfield|Vaudreuil-Dorion|Sorel-Tracy|Alma|"
	"Boucherville|Val-d'Or|Joliette|Magog|Thetford Mines|Sept-Îles|Baie-Comeau|Rivière-du-Loup|"
	"Matane|Amos|Dolbeau-Mistassini|Roberval|La Tuque|Nicolet|Bécancour|Louiseville|Huntingdon|"
	"Ormstown|Lachute|Mont-Laurier|Sainte-Agathe-des-Monts|Mont-Tremblant|Montmagny|"
	"Saint-Georges|Sainte-Marie|Beauceville|Lac-Mégantic|Coaticook|Cowansville|Farnham|Bromont|"
	"Waterloo|Acton Vale|Windsor|Richmond|Danville|Plessisville|Princeville|Lac-Etchemin|"
	"Saint-Pascal|La Pocatière|Trois-Pistoles|Amqui|Causapscal|Gaspé|Percé|Chandler|"
	"New Richmond|Carleton-sur-Mer|Maria|Paspébiac|Chibougamau|Senneterre|Malartic|La Sarre|"
	"Ville-Marie|Témiscaming|Maniwaki|Gracefield|Shawville|Papineauville|Thurso|Saint-Donat|"
	"Rawdon|Berthierville|Dundee|Havelock|Hemmingford|Franklin|Elgin|Hinchinbrooke|"
	"Godmanchester|Stanbridge|Sutton|Potton|Stukely-Sud|Ely|Orford|Hatley|Compton|Ascot|Eaton|"
	"Newport|Westbury|Weedon|Lingwick|Hampden|Bury|Dudswell|Kingsey Falls|Durham-Sud|"
	"Melbourne|Cleveland|Stoke|Chesterville|Tingwick|Warwick|Kingsbury|Inverness|Leeds|Halifax|"
	"Wotton|Ham-Nord|Sainte-Barbe|Saint-Anicet|Saint-Stanislas-de-Kostka|Saint-Élie-de-Caxton|"
	"Saint-Adrien"
).split("|")
_CITY_CENTRES = {
	"Montréal": (45.5019, -73.5674),
	"Québec": (46.8139, -71.2080),
	"Laval": (45.6066, -73.7124),
	"Gatineau": (45.4765, -75.7013),
	"Longueuil": (45.5312, -73.5181),
	"Sherbrooke": (45.4042, -71.8929),
	"Lévis": (46.8033, -71.1779),
	"Saguenay": (48.4284, -71.0683),
}
_TOWN_HEADS = "Lac Val Mont Rivière Pointe Cap Grande Petite Baie Île Notre-Dame-de".split()
_TOWN_HEAD_TAILS = (
	"Beauport Brome Saguay Etchemin Simon Drolet Supérieur Vert Noir Long Croche Bouchette Édouard "
	"Alain Morin Bélanger Racine David Joli Saint-Charles Saint-Pierre Lourdes Fatima Ham "
	"Montauban Stoneham Portage Pins Outardes Cascades Sables Îles Chênes Loups Blanche Nord"
).split()

_LAST_NAMES = (
	"Gagnon Tremblay Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
	"Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
	"Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault Nadeau Landry Martel Bédard "
	"Grenier Lessard Bernier Richard Michaud Hébert Desjardins Couture Turcotte Lachance Parent "
	"Blais Gosselin Savard Proulx Beaudoin Demers Perron Boudreau Drouin Charbonneau Vachon "
	"Langlois Roberge Arsenault Dion Robitaille Dufour Therrien Brassard Labbé Mercier Dumont "
	"Lemieux Champagne Laflamme Rousseau Gingras Boivin Bolduc Lacroix Audet Dupuis Ménard "
	"Marcotte Légaré Chabot Lemay Rioux Labelle Lemire Vaillancourt Bérubé Jacques Paré Fontaine "
	"Lalonde Deschênes Carrier Guay Tessier Lapierre Houle Tardif Thériault Racine Guérin "
	"Villeneuve Boisvert Bissonnette Beauchamp Charron Pouliot Harvey Lebel Vézina Lamontagne "
	"Doucet Gilbert Jolicoeur Plante Auger Laplante Lavallée Rivard Allard Daigle Giroux Lafrance "
	"Trudel Sirois Labrecque Boucher Croteau Beaudry Desrosiers Gervais Veilleux Cyr Poitras "
	"Deslauriers Lamarche Lévêque Brochu Cormier Lacasse Laberge Rochon Bourque Séguin Pépin "
	"Bourassa Papineau Laurier Champlain Frontenac Talon Cartier Mercier Duplessis Lesage "
	"Bourget Maisonneuve Viger Lafontaine Chapleau Taschereau Drapeau Lévesque Parizeau "
	"Marquette Jolliet Radisson Iberville Vaudreuil Montcalm Lévis Dollard Hertel Brébeuf "
	"Laval Youville Bourgeoys Marie-Victorin Gadbois Masson Saint-Onge Beaubien Rosemont "
	"Fleury Sauvé Gouin Henri-Bourassa Crémazie Jarry Bélanger Legendre Dandurand Laurendeau "
	"Hochelaga Ontario Sherbrooke Notre-Dame Wellington Victoria King Queen Main Dufferin "
	"Argyle Abbott Macdonald Elgin Grey Murray Stanley Mackay Mountain Church Albert Edward"
).split()


def _synthetic_surnames(count: int) -> list[str]:
	"""French-sounding surnames from syllables (Beaulière, Desmontet…): the long tail of real
	street names, so a typo lands near other words as often as in the real reference."""
	heads = (
		"Beau Bel Bon Bour Bris Char Chau Cour Cré Dau Del Des Dou Du Fau Fon Four Gal Gau Gil Gré Gui "
		"Hou Jol La Lan Lau Le Lec Mar Mau Mer Mon Nor Pa Pel Per Pou Pré Ra Ri Ro Rou Sa Sau Ser Tal "
		"Tes Thi Tou Tru Va Ver Vil"
	).split()
	middles = ["", "", "", "ber", "che", "de", "la", "li", "ma", "ne", "ri", "ro", "te", "va", "vi"]
	tails = (
		"ault eau ier ière ette on ard ais ois in ot elle ville mont champ bois pré court lieu fort det "
		"net chon geon quet lard nier pin rand tier vert zeau cot bert lais rault quin veau"
	).split()
	rng = random.Random(20261124)
	names: dict[str, None] = {}
	while len(names) < count:
		names[rng.choice(heads) + rng.choice(middles) + rng.choice(tails)] = None
	return list(names)


_SURNAMES = _synthetic_surnames(15000)


_FIRST_NAMES = (
	"Jean Pierre Paul Louis Jacques Joseph Charles Georges Henri Émile Alfred Adélard Honoré "
	"Wilfrid Lionel Maurice Gérard Armand Omer Napoléon Olivier Ovide Philippe Raoul Roland "
	"Télesphore Ulysse Xavier Yvon Zéphirin Marie Anne Jeanne Marguerite Thérèse Rose Laure "
	"Émilie Angélique Gabrielle Simone Madeleine Félix Gilles Claude Camille René Robert Roger"
).split()
_NATURE = (
	"Érables Pins Bouleaux Merisiers Cèdres Sapins Épinettes Chênes Ormes Peupliers Trembles "
	"Frênes Lilas Roses Tulipes Marguerites Hirondelles Mésanges Outardes Huards Cerisiers "
	"Pommiers Noyers Tilleuls Saules Mélèzes Pruches Fougères Bleuets Framboisiers Hérons "
	"Castors Chevreuils Renards Loups Perdrix Faisans Alouettes Goélands Cascades Sables Prés "
	"Champs Vergers Jardins Sources Falaises Rochers Collines Vallons Sommets Ruisseaux Îles"
).split()
_NATURE_SINGULAR = (
	"Lac Moulin Pont Quai Port Cap Ruisseau Boisé Domaine Plateau Vallon Verger Parc Golf "
	"Couvent Collège Manoir Village Canton Rivage Belvédère Sanctuaire Calvaire Portage Coteau"
).split()
_NATURE_FEMININE = (
	"Rivière Montagne Colline Vallée Falaise Chute Plage Baie Pointe Forêt Pinède Prairie Gare "
	"Fabrique Station Savane Côte Grève Anse Érablière Sucrerie Briqueterie Tannerie Scierie"
).split()
_NATURE_VOWEL = (
	"Église École Île Anse Érablière Étang Orée Aqueduc Hôtel-de-Ville Aéroport Usine Ermitage".split()
)
_COMMON = (
	("", "Principale"),
	("de l'", "Église"),
	("du", "Moulin"),
	("", "Notre-Dame"),
	("du", "Lac"),
	("des", "Érables"),
	("", "Saint-Joseph"),
	("", "Sainte-Anne"),
	("", "Saint-Louis"),
	("", "Saint-Jean"),
	("de la", "Gare"),
	("du", "Couvent"),
	("de l'", "École"),
	("du", "Parc"),
	("de la", "Rivière"),
	("", "Champlain"),
	("", "Laurier"),
	("", "Wilfrid-Laurier"),
	("", "Victoria"),
	("", "Saint-Pierre"),
	("", "Saint-Paul"),
	("", "Saint-Georges"),
	("des", "Pins"),
	("du", "Ruisseau"),
	("de la", "Montagne"),
	("", "Industrielle"),
	("", "Commerciale"),
	("du", "Pont"),
)
_COMMON_WEIGHTS = tuple(
	int(w) for w in "60 40 18 22 20 15 22 16 12 14 10 8 9 10 10 10 8 6 5 8 7 6 8 6 6 6 4 5".split()
)
# Provincial route numbers (Route 132, Route 138…).
_ROUTES = (
	"104 112 116 117 122 125 132 138 139 143 155 158 161 169 170 173 185 201 202 203 209 219 223 "
	"230 235 239 243 245 249 255 257 263 265 277 281 283 289 291 293 295 335 337 341 343 344 348"
).split()

# Generic, its share of streets, whether it is rural (long, sparse numbering).
_GENERICS = (
	("Rue", 52, False),
	("Chemin", 12, True),
	("Avenue", 9, False),
	("Rang", 5, True),
	("Route", 4, True),
	("Boulevard", 3, False),
	("Montée", 3, True),
	("Place", 2, False),
	("Croissant", 2, False),
	("Impasse", 2, False),
	("Terrasse", 1, False),
	("Allée", 1, False),
	("Côte", 1, True),
	("Promenade", 1, False),
	("Carré", 1, False),
	("Ruelle", 1, False),
)
_GENERIC_TOTAL = sum(w for _, w, _ in _GENERICS)
_DIRECTIONS = (("Est", "Ouest"), ("Nord", "Sud"))

# Canada Post letters: no D, F, I, O, Q, U; W and Z never first (and never here).
_LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
_FSA_THIRD = "ABCEGHJKLMNPRSTVXYZ"


def _zipf_weights(n: int, s: float = 1.0, offset: float = 1.0) -> list[float]:
	return [1.0 / (i + offset) ** s for i in range(n)]


class _Picker:
	"""Weighted choice with a precomputed cumulative table (random.choices re-sums every call)."""

	def __init__(self, items, weights):
		self.items = list(items)
		self.cum = []
		total = 0.0
		for w in weights:
			total += w
			self.cum.append(total)
		self.total = total

	def pick(self, rng: random.Random):
		return self.items[min(len(self.items) - 1, bisect.bisect_right(self.cum, rng.random() * self.total))]


def _saint(rng: random.Random) -> str:
	if rng.random() < 0.7:
		return f"Saint-{rng.choice(_SAINTS_M)}"
	return f"Sainte-{rng.choice(_SAINTS_F)}"


def _municipality_names(count: int, rng: random.Random) -> list[str]:
	"""Distinct names: real towns first, then Saint-X, Saint-X-de-Y, Lac-Z, Notre-Dame-de-Z…"""
	names: list[str] = []
	seen: set[str] = set()

	def add(name: str) -> None:
		if name not in seen:
			seen.add(name)
			names.append(name)

	towns = list(_REAL_TOWN_LIST)
	rng.shuffle(towns)
	# The big cities stay at the head: they get the largest sizes.
	head = ["Montréal", "Québec", "Laval", "Gatineau", "Longueuil", "Sherbrooke", "Lévis", "Saguenay"]
	for name in head + towns:
		add(name)
	attempts = 0
	while len(names) < count and attempts < count * 50:
		attempts += 1
		r = rng.random()
		if r < 0.35:
			add(_saint(rng))
		elif r < 0.70:
			tail = rng.choice(_PLACES) if rng.random() < 0.6 else rng.choice(_PLACE_TAILS)
			link = "" if "-" in tail[:4] and tail[0].islower() else "de-"
			add(f"{_saint(rng)}-{link}{tail}")
		elif r < 0.85:
			add(f"{rng.choice(_TOWN_HEADS)}-{rng.choice(_TOWN_HEAD_TAILS)}")
		else:
			add(f"{rng.choice(_PLACES)}{rng.choice(('', '-Sud', '-Nord', '-Ouest', '-Est', ' Station'))}")
	return names[:count]


def _specific(rng: random.Random) -> tuple[str, str]:
	"""A street's (link, specific): persons, saints, nature, places; numbered ones elsewhere."""
	r = rng.random()
	if r < 0.30:
		last = rng.choice(_LAST_NAMES) if rng.random() < 0.5 else rng.choice(_SURNAMES)
		if rng.random() < 0.55:
			return "", f"{rng.choice(_FIRST_NAMES)}-{last}"
		return "", last
	if r < 0.45:
		return "", _saint(rng)
	if r < 0.62:
		return "des", rng.choice(_NATURE)
	if r < 0.72:
		word = rng.choice(_NATURE_SINGULAR)
		if word == "Lac" and rng.random() < 0.7:
			return "du", f"Lac-{rng.choice(_TOWN_HEAD_TAILS + _LAST_NAMES[:60])}"
		return "du", word
	if r < 0.80:
		return "de la", rng.choice(_NATURE_FEMININE)
	if r < 0.84:
		return "de l'", rng.choice(_NATURE_VOWEL)
	if r < 0.92:
		return "", rng.choice(_PLACES)
	return "", rng.choice(_REAL_TOWN_LIST[8:])


def _ordinal(n: int, feminine: bool) -> str:
	if n == 1:
		return "1re" if feminine else "1er"
	return f"{n}e"


def _csv_field(value: str) -> str:
	if any(ch in value for ch in ',"\n\r'):
		return '"' + value.replace('"', '""') + '"'
	return value


class _Municipality:
	__slots__ = ("code", "fsa", "lat", "lng", "name", "postal_blocks", "rural", "size", "spread")


def _municipalities(rows: int, rng: random.Random) -> list[_Municipality]:
	# About 1,100 municipalities for the 5.2 million of the real extract; a few for a test file.
	count = max(min(8, rows // 20 or 1), min(1100, rows // 4700))
	names = _municipality_names(count, rng)
	weights = _zipf_weights(count, 1.0, 1.5)
	total = sum(weights)
	sizes = [max(1, int(rows * w / total)) for w in weights]
	# Integer rounding leaves a remainder: give it to the largest.
	sizes[0] += rows - sum(sizes)
	codes = rng.sample(range(10000, 99999), count)
	out = []
	used_fsa: set[str] = set()
	for i, name in enumerate(names):
		m = _Municipality()
		m.name, m.code, m.size = name, f"{codes[i]:05d}", sizes[i]
		m.rural = m.size < 15000
		if name in _CITY_CENTRES:
			m.lat, m.lng = _CITY_CENTRES[name]
		else:
			m.lat = rng.uniform(45.02, 48.9)
			m.lng = rng.uniform(-79.4, -64.2) if m.lat > 46.6 else rng.uniform(-76.3, -70.2)
		m.spread = 0.015 if m.rural else min(0.25, 0.03 + m.size / 2_000_000)
		# H is Montréal and Laval, G the east of the province, J the west and south.
		first = "H" if name in ("Montréal", "Laval") and not m.rural else ("G" if m.lng > -72.3 else "J")
		# Rural FSAs have a 0 in second position and cover several villages; cities get their own.
		fsas = []
		n_fsa = 1 if m.rural else max(1, min(60, m.size // 12000))
		while len(fsas) < n_fsa:
			digit = "0" if m.rural else str(rng.randint(1, 9))
			fsa = f"{first}{digit}{rng.choice(_FSA_THIRD)}"
			if m.rural or fsa not in used_fsa:
				used_fsa.add(fsa)
				fsas.append(fsa)
		m.fsa = fsas
		m.postal_blocks = {}
		out.append(m)
	return out


def _ldu(rng: random.Random) -> str:
	return f"{rng.randint(0, 9)}{rng.choice(_LDU_LETTERS)}{rng.randint(0, 9)}"


def _streets_for(m: _Municipality, rng: random.Random, common: _Picker, generic: _Picker):
	"""Distinct (generic, link, specific, direction, rural) streets until the municipality's size is covered."""
	seen: set[tuple] = set()
	remaining = m.size
	numbered_avenue = 1
	numbered_rang = 1
	while remaining > 0:
		gname, rural_generic = generic.pick(rng)
		direction = ""
		r = rng.random()
		if r < 0.18:
			link, specific = common.pick(rng)
		elif r < 0.24 and gname in ("Avenue", "Rue", "Rang"):
			# Numbered streets: 1re Avenue, 2e Rue, 3e Rang, in order.
			if gname == "Rang":
				specific, numbered_rang = _ordinal(numbered_rang, False), numbered_rang + 1
			else:
				specific, numbered_avenue = _ordinal(numbered_avenue, True), numbered_avenue + 1
			link = ""
		elif r < 0.27:
			gname, rural_generic = "Route", True
			link, specific = "", rng.choice(_ROUTES)
		else:
			link, specific = _specific(rng)
		if not m.rural and rng.random() < 0.04 and gname in ("Rue", "Boulevard", "Avenue", "Chemin"):
			pair = rng.choice(_DIRECTIONS)
			for d in pair:
				key = (gname, specific, d)
				if key not in seen:
					seen.add(key)
					n = _street_size(m, rural_generic, rng)
					remaining -= n
					yield gname, link, specific, d, rural_generic, n
			continue
		key = (gname, specific, direction)
		if key in seen:
			continue
		seen.add(key)
		n = min(remaining, _street_size(m, rural_generic, rng))
		remaining -= n
		yield gname, link, specific, direction, rural_generic, n


def _street_size(m: _Municipality, rural_generic: bool, rng: random.Random) -> int:
	if m.rural:
		return max(1, int(rng.expovariate(1 / (40 if rural_generic else 18))))
	return max(1, int(rng.expovariate(1 / (60 if rural_generic else 30))))


def generate_addresses(out, rows: int, seed: int = 1, progress=None) -> int:
	"""Write ``rows`` addresses (plus the header) to the text stream ``out``; returns the count."""
	rng = random.Random(seed)
	prefix = f"{(seed * 2654435761 + 0x9E3779B9) & 0xFFFFFFFF:08X}"
	common = _Picker(_COMMON, _COMMON_WEIGHTS)
	generic = _Picker([(g, rural) for g, _, rural in _GENERICS], [w for _, w, _ in _GENERICS])
	out.write(",".join(COLUMNS) + "\n")
	written = 0
	buffer: list[str] = []
	for m in _municipalities(rows, rng):
		m_part = f"{m.code},{_csv_field(m.name)}"
		for gname, link, specific, direction, rural_generic, n in _streets_for(m, rng, common, generic):
			if written >= rows:
				break
			n = min(n, rows - written)
			street_part = ",".join(_csv_field(p) for p in (gname, link, specific, direction))
			# Each street runs from a point near the centre in one direction.
			angle = rng.uniform(0, math.tau)
			length = rng.uniform(0.002, 0.03 if rural_generic else 0.012)
			lat0 = m.lat + rng.uniform(-m.spread, m.spread)
			lng0 = m.lng + rng.uniform(-m.spread, m.spread) * 1.4
			dlat, dlng = math.sin(angle) * length / max(n, 1), math.cos(angle) * length / max(n, 1)
			step_max = 24 if rural_generic else 4
			civic = (
				rng.randint(1, 3000 if rural_generic else 900) if rng.random() < 0.7 else rng.randint(1, 60)
			)
			if rng.random() < 0.05 and not m.rural:
				civic = rng.randint(1000, 12000)
			fsa = rng.choice(m.fsa)
			postal = f"{fsa} {_ldu(rng)}"
			used: set[str] = set()
			suffixes = 0
			for k in range(n):
				if not m.rural and k % 24 == 0 and k:
					# Urban postal codes change every block face.
					postal = f"{fsa} {_ldu(rng)}"
				suffix = ""
				r = rng.random()
				if k and r < 0.0225:
					# 125A, 125B… after 125, or 125 1/2: each suffix once per civic number.
					suffix = "1/2" if r >= 0.02 else "ABCD"[min(suffixes, 3)]
					if suffix in used:
						suffix = ""
				if suffix:
					used.add(suffix)
					suffixes += suffix != "1/2"
				else:
					civic += rng.randint(1, step_max) * 2 if rng.random() < 0.8 else 1
					used, suffixes = set(), 0
				written += 1
				lat = lat0 + dlat * k
				lng = lng0 + dlng * k
				coords = f"{lat:.6f},{lng:.6f}" if rng.random() > 0.0005 else ","
				code = postal if rng.random() > 0.001 else ""
				buffer.append(
					f"{prefix}-{written:07d},{civic},{suffix},{street_part},{m_part},{code},{coords}\n"
				)
			if len(buffer) > 20000:
				out.write("".join(buffer))
				buffer.clear()
				if progress:
					progress(written, rows)
		if written >= rows:
			break
	out.write("".join(buffer))
	if progress:
		progress(written, rows)
	return written


# ---------------------------------------------------------------------------------------------
# Queries

_ABBREVIATIONS = {
	"Chemin": ("ch.", "ch", "Ch."),
	"Boulevard": ("boul.", "boul", "bd", "Boul."),
	"Avenue": ("av.", "ave", "Av."),
	"Route": ("rte", "Rte"),
	"Rang": ("rg", "Rg"),
	"Montée": ("mtée", "Mtée", "mtee"),
	"Rue": ("r.", "rue"),
	"Croissant": ("cr.", "crois."),
	"Place": ("pl.", "Pl."),
	"Impasse": ("imp.",),
	"Terrasse": ("terr.",),
}
_APARTMENT_FORMS = (
	"{apt}-{civic} {rest}",
	"{civic} {rest} app. {apt}",
	"{civic} {rest} apt {apt}",
	"{civic} {rest} #{apt}",
	"{civic} {rest}, unité {apt}",
	"{civic} {rest} bureau {apt}",
	"#{apt} - {civic} {rest}",
	"{civic} {rest} appartement {apt}",
)
# Neighbouring keys on a French-Canadian keyboard (close enough for QWERTY too).
_KEYS = "azertyuiop qsdfghjklm wxcvbn"


def strip_accents(text: str) -> str:
	return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _neighbour(ch: str, rng: random.Random) -> str:
	low = ch.lower()
	rows = _KEYS.split()
	for row in rows:
		i = row.find(low)
		if i >= 0:
			options = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
			out = rng.choice(options)
			return out.upper() if ch.isupper() else out
	return rng.choice("aeiourstln")


def typo(word: str, rng: random.Random) -> str:
	"""One keyboard slip: a letter replaced by a neighbour, dropped, doubled or two letters swapped."""
	letters = [i for i, c in enumerate(word) if c.isalpha()]
	if len(letters) < 4:
		return word
	# Not the first letter: people rarely get that wrong, and no index should rely on it either.
	i = rng.choice(letters[1:])
	kind = rng.random()
	if kind < 0.35:
		return word[:i] + _neighbour(word[i], rng) + word[i + 1 :]
	if kind < 0.6:
		return word[:i] + word[i + 1 :]
	if kind < 0.8:
		return word[:i] + word[i] + word[i:]
	if i + 1 < len(word) and word[i + 1].isalpha():
		return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
	return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _typo_in(text: str, rng: random.Random, spare: str | None = None) -> str:
	"""One typo in one of the longer words of ``text`` (hyphenated parts count as words).

	``spare`` (the generic) is left alone most of the time: people mistype names more than "Rue".
	"""
	parts = text.replace("-", " - ").split(" ")

	def pool(min_letters: int) -> list[int]:
		return [
			i
			for i, p in enumerate(parts)
			if sum(c.isalpha() for c in p) >= min_letters and p.lower() not in ("saint", "sainte")
		]

	candidates = pool(5) or pool(4)
	if spare and len(candidates) > 1 and rng.random() < 0.85:
		candidates = [i for i in candidates if parts[i] != spare] or candidates
	if not candidates:
		return text
	i = rng.choice(candidates)
	parts[i] = typo(parts[i], rng)
	return " ".join(parts).replace(" - ", "-")


def _abbreviate_saints(text: str, rng: random.Random) -> str:
	form = rng.choice((("St-", "Ste-"), ("St ", "Ste "), ("st-", "ste-"), ("ST-", "STE-")))
	return text.replace("Sainte-", form[1]).replace("Saint-", form[0])


FAMILIES = (
	"typo",
	"accent",
	"abbreviation",
	"apartment",
	"postal_code",
	"municipality",
	"suffix",
	"mixed",
	"street_first",
)


def make_query(row: dict, family: str, rng: random.Random) -> str:
	"""What someone might type for ``row`` (a CSV row as a dict), in the given variant family."""
	civic = row["civic_number"]
	suffix = row["civic_suffix"]
	generic = row["street_generic"]
	street = street_display(generic, row["street_link"], row["street_specific"], row["street_direction"])
	municipality = row["municipality"]
	postal = row["postal_code"]
	if rng.random() < 0.25 and row["street_link"]:
		# Many people skip "de la", "du"…
		street = street_display(generic, None, row["street_specific"], row["street_direction"])
	civic_text = (
		f"{civic}{suffix}" if suffix and "/" not in suffix else (f"{civic} {suffix}" if suffix else civic)
	)
	if family == "typo":
		street = _typo_in(street, rng, spare=generic)
	elif family == "accent":
		street, municipality = strip_accents(street), strip_accents(municipality)
	elif family == "abbreviation":
		forms = _ABBREVIATIONS.get(generic or "")
		if forms and generic and street.startswith(generic):
			street = rng.choice(forms) + street[len(generic) :]
		street = _abbreviate_saints(street, rng)
		municipality = _abbreviate_saints(municipality, rng)
	elif family == "municipality":
		if rng.random() < 0.7 or "Saint" not in municipality:
			municipality = _typo_in(municipality, rng)
		else:
			municipality = _abbreviate_saints(municipality, rng).replace("-", " ")
	elif family == "suffix" and suffix and "/" not in suffix:
		civic_text = rng.choice((f"{civic} {suffix}", f"{civic}-{suffix}", f"{civic}{suffix.lower()}"))
	elif family == "mixed":
		street = _typo_in(strip_accents(street), rng, spare=strip_accents(generic or ""))
		municipality = _abbreviate_saints(municipality, rng)
	rest = street
	place = municipality
	if family == "postal_code" and postal:
		form = rng.choice((postal, postal.replace(" ", ""), postal.lower(), postal.replace(" ", "").lower()))
		layout = rng.random()
		if layout < 0.4:
			place = f"{municipality} {form}"
		elif layout < 0.7:
			place = form
		else:
			return f"{form} {civic_text} {rest}"
	elif postal and rng.random() < 0.15:
		place = f"{place} QC {postal}"
	if family == "apartment":
		apt = str(rng.choice((rng.randint(1, 12), rng.randint(100, 450))))
		text = rng.choice(_APARTMENT_FORMS).format(apt=apt, civic=civic_text, rest=rest)
		return f"{text}, {place}" if rng.random() < 0.6 else f"{text} {place}"
	# Street first ("rue Principale 125, Saint-Adrien"), as often as number first on forms.
	text = f"{rest} {civic_text}" if family == "street_first" else f"{civic_text} {rest}"
	query = f"{text}, {place}" if rng.random() < 0.6 else f"{text} {place}"
	case = rng.random()
	if case < 0.2:
		query = query.lower()
	elif case < 0.25:
		query = query.upper()
	return query


def _read_rows(path: str) -> Iterator[dict]:
	with open(path, newline="", encoding="utf-8") as f:
		yield from csv.DictReader(f)


def sample_rows(path: str, count: int, seed: int, where=None) -> list[dict]:
	"""``count`` rows (those ``where(row)`` accepts) picked uniformly from a file of any size, in
	one pass (reservoir sampling)."""
	rng = random.Random(seed)
	sample: list[dict] = []
	seen = 0
	for row in _read_rows(path):
		if where and not where(row):
			continue
		if len(sample) < count:
			sample.append(row)
		else:
			j = rng.randint(0, seen)
			if j < count:
				sample[j] = row
		seen += 1
	return sample


def generate_queries(addresses_path: str, count: int, seed: int = 1) -> list[dict]:
	"""``count`` queries spread over the variant families, each with its ground-truth ``rqa_id``.

	The suffix family is drawn from the addresses that have a suffix (125A), the others from all.
	"""
	rng = random.Random(seed)
	n_suffix = count // len(FAMILIES)
	rows = sample_rows(addresses_path, count - n_suffix, seed)
	suffixed = sample_rows(addresses_path, n_suffix, seed + 1, where=lambda r: r["civic_suffix"])
	families = [f for f in FAMILIES if f != "suffix"]
	out = []
	for i, row in enumerate(rows):
		family = families[i % len(families)]
		if family == "postal_code" and not row["postal_code"]:
			family = "accent"
		out.append({"q": make_query(row, family, rng), "rqa_id": row["rqa_id"], "family": family})
	for row in suffixed:
		out.append({"q": make_query(row, "suffix", rng), "rqa_id": row["rqa_id"], "family": "suffix"})
	rng.shuffle(out)
	return out


# ---------------------------------------------------------------------------------------------
# Command line


def _progress_printer(label: str):
	started = time.monotonic()

	def show(done: int, total: int) -> None:
		elapsed = time.monotonic() - started
		sys.stderr.write(f"\r{label}: {done:,}/{total:,} rows, {elapsed:.1f} s")
		if done >= total:
			sys.stderr.write("\n")

	return show


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(prog="python -m gigafibre_fsm.tests.generators.civic_addresses")
	sub = parser.add_subparsers(dest="what", required=True)
	a = sub.add_parser("addresses", help="write an RQA-format CSV of generated addresses")
	a.add_argument("out")
	a.add_argument("--rows", type=int, default=10000)
	a.add_argument("--seed", type=int, default=1)
	q = sub.add_parser("queries", help="write misspelled queries (JSON lines) for addresses of a CSV")
	q.add_argument("addresses")
	q.add_argument("out")
	q.add_argument("--count", type=int, default=1000)
	q.add_argument("--seed", type=int, default=1)
	args = parser.parse_args(argv)
	if args.what == "addresses":
		with open(args.out, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
			generate_addresses(f, args.rows, args.seed, progress=_progress_printer(args.out))
	else:
		with open(args.out, "w", encoding="utf-8") as f:
			for item in generate_queries(args.addresses, args.count, args.seed):
				f.write(json.dumps(item, ensure_ascii=False) + "\n")
	return 0


if __name__ == "__main__":
	sys.exit(main())
