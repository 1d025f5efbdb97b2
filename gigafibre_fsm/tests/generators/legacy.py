"""Fill a legacy database (``schema.sql``) with realistic and dirty rows, at any scale.

    python -m gigafibre_fsm.tests.generators.legacy --host 127.0.0.1 --port 3306 --user U --password P \\
        [--scale 1.0] [--seed N] [--legacy-db legacy] [--genieacs-db genieacs] \\
        [--drop-existing] [--manifest manifest.json]

Scale 1.0 gives the production sizes of DOMAIN.md (6,681 active accounts, 16,056 fibre
drops, 7,283 payment arrangements…); the import tests use 0.01. The rows look like the
legacy system's: French names with accents, Québec villages and postal codes, DIDs, MACs and
serials in every notation the staff typed, and the dirt the import must survive: zero and
absurd dates, NULLs, orphans (an account id that does not exist), duplicated rows, UTF-8
read as latin1, double encoding, lost characters, broken / truncated / nested PHP arrays.

Everything planted is counted in the manifest that :func:`generate` returns (and prints),
with the ids involved, so a test can check the import logged each one. The same seed gives
the same rows.
"""

import argparse
import hashlib
import html.entities
import json
import random
import re
import sys
import time
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pymysql

from gigafibre_fsm.billing.taxes import Totals, to_cents
from gigafibre_fsm.legacy.clean import mysql_latin1_decode, to_money

# The contract the import reads, beside it.
SCHEMA = Path(__file__).resolve().parents[2] / "legacy" / "schema.sql"

# A fixed "today" so that a seed always gives the same rows, whatever day it runs.
NOW = 1751284800  # 2025-06-30 12:00 UTC
YEAR = 365 * 86400
DAY = 86400

# Sizes in production (DOMAIN.md); everything else follows from the customer graph.
PRODUCTION = {
	"account_active": 6_681,
	"account_suspended": 212,
	"account_closed": 4_507,
	"fibre": 16_056,
	"soumission": 908,
	"soumission_accounts": 529,
	"accord_paiement": 7_283,
	"accord_accounts": 1_687,
	"accord_completed": 5_068,
	"accord_open": 2_205,
	"accord_pending": 10,
	"bon_travail": 14_486,
	"bon_accounts": 10_110,
	"account_profile": 658,
	"ppa": 655,
	"stripe": 752,
	"pbx": 790,
	"phone_addr": 1_014,
	"phone_provisioning": 786,
	"account_suspension": 1_049,
	"ip_history": 20_999,
	"ip_accounts": 5_769,
	"delivery_history": 16_284,
	"service_snapshot": 45_977,
	"wifi": 1_713,
	"wifi_serials": 858,
	"voip": 797,
	"voip_serials": 469,
	"staff": 42,
}

# Share of rows planted with each kind of dirt (at least one row whenever the table has rows).
ORPHAN_RATE = {
	"delivery": 0.008,
	"delivery_history": 0.01,
	"service": 0.006,
	"device": 0.005,
	"soumission": 0.01,
	"accord_paiement": 0.004,
	"bon_travail": 0.003,
	"account_profile": 0.01,
	"pbx": 0.006,
	"phone_addr": 0.01,
	"phone_provisioning": 0.006,
	"account_suspension": 0.01,
	"ip_history": 0.005,
	"service_snapshot": 0.005,
}
DUPLICATE_RATE = {
	"device": 0.004,
	"service": 0.002,
	"accord_paiement": 0.004,
	"bon_travail": 0.002,
	"pbx": 0.004,
	"phone_addr": 0.005,
	"account_suspension": 0.01,
	"ip_history": 0.01,
	"delivery_history": 0.01,
}
ZERO_DATE_RATE = {
	("account", "date_orig"): 0.03,
	("delivery", "date_orig"): 0.05,
	("service", "date_orig"): 0.02,
	("device", "date_orig"): 0.05,
	("soumission", "date"): 0.02,
	("accord_paiement", "date_accord"): 0.01,
	("accord_paiement", "date_echeance"): 0.03,
	("accord_paiement", "date_coupure"): 0.05,
	("bon_travail", "date"): 0.01,
	("bon_travail", "heure_depart_t1"): 0.04,
	("ip_history", "date"): 0.02,
	("pbx", "date_origin"): 0.05,
	("delivery_history", "date_orig"): 0.03,
}
ABSURD_DATES = (-1, -3600, 1, 86400, 31536000, 2147483647)  # negative, 1970-71, INT overflow
ABSURD_DATE_RATE = 0.002
NULL_RATE = {
	("account", "email"): 0.03,
	("account", "phone"): 0.02,
	("account", "first_name"): 0.002,
	("account", "language"): 0.005,
	("delivery", "zip"): 0.01,
	("delivery", "city"): 0.003,
	("delivery", "latitude"): 0.02,
	("device", "mac"): 0.05,
	("device", "manufacturer"): 0.05,
	("service", "payment_recurrence"): 0.01,
	("accord_paiement", "montant"): 0.005,
	("bon_travail", "tech1"): 0.005,
	("pbx", "vm_email"): 0.1,
	("phone_addr", "zip"): 0.01,
	("fibre", "latitude"): 0.01,
	("fibre", "frame"): 0.003,
}
# Encoding damage, by kind. latin1 tables store bytes; utf8mb4 tables store characters.
LATIN1_TABLES = ("account", "delivery", "delivery_history", "fibre", "phone_addr")
TEXT_COLUMNS = {
	"account": ("first_name", "last_name", "company"),
	"delivery": ("address1", "address2", "city"),
	"delivery_history": ("address1", "city"),
	"fibre": ("rue", "ville"),
	"phone_addr": ("street_name", "city", "first_name", "last_name"),
	"service": ("comment",),
	"pbx": ("name",),
	"accord_paiement": ("note",),
	"bon_travail": ("note",),
	"soumission": ("name", "text"),
	"staff": ("first_name", "last_name"),
	"wifi": ("ssid",),
}
TEXT_DAMAGE_RATE = {
	"latin1": {"utf8_as_latin1": 0.04, "double_encoded": 0.01, "lost_chars": 0.005, "html_entities": 0.003},
	"utf8": {"utf8_as_latin1": 0.03, "double_encoded": 0.005, "replacement_char": 0.005, "decomposed": 0.003},
}
# What a soumission materiel/mensuel holds, and how often (per 100 columns).
PHP_KINDS = {
	"valid": 52,
	"truncated": 3,
	"nested": 5,
	"latin1_lengths": 5,
	"wrong_lengths": 4,
	"garbage": 2,
	"php5_floats": 8,
	"string_amounts": 6,
	"blank_rows": 3,
	"mojibake_desc": 2,
	"not_a_number": 1,
	"null": 4,
	"empty_string": 1,
	"empty_array": 2,
	"php_null": 1,
	"php_false": 1,
}
# Kinds whose original cannot be recovered from the row alone.
LOSSY_KINDS = ("lost_chars", "replacement_char")

FIRST_NAMES = (
	"Jean", "Marie", "François", "Hélène", "Gaétan", "Réjean", "Gisèle", "Noël", "Josée", "André",
	"Thérèse", "Stéphane", "Mélanie", "Benoît", "Jérôme", "Céline", "Frédéric", "Geneviève",
	"Amélie", "Raphaël", "Zoé", "Chloé", "Maëlle", "Léa", "Éric", "Émilie", "Élise", "Ghislain",
	"Nicole", "Luc", "Pierre", "Louis", "Sylvie", "Danielle", "Mathieu", "Véronique", "Sébastien",
	"Hugues", "Ginette", "Réal", "Noëlla", "Anaïs", "Joël", "Cécile", "Angèle", "Lucie", "Yves",
	"Michel", "Diane", "Gilles", "Carole", "Denis", "Manon", "Martin", "Julie", "Éloïse", "Jacinthe",
	"Rosaire", "Lise", "Gérard", "Aurélie", "Mégane", "Olivier", "Nathalie", "Ève", "Félix",
)  # fmt: skip
LAST_NAMES = (
	"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
	"Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
	"Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier",
	"Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin",
	"Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier", "Richard", "Michaud", "Hébert",
	"Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais", "Gosselin", "Savard",
	"Proulx", "Beaudoin", "Demers", "Perreault", "Boudreau", "Lemieux", "Cyr", "Perron", "Dufour",
	"Dion", "Mercier", "Bolduc", "Bérubé", "Boisvert", "Langlois", "Ménard", "Thériault",
	"Létourneau", "Giguère", "Séguin", "Brière", "Gélinas", "Chênevert", "D'Amours", "Lefèvre",
	"Désilets", "Bégin", "Fréchette", "Émond", "Labbé", "Asselin", "Vézina", "Audet", "Rhéaume",
	"Bœuf", "Sœur-Ducharme", "Châteauneuf", "Brûlé", "Lafrenière", "Rivière", "Préfontaine",
)  # fmt: skip
COMPANY_WORDS = (
	"Garage {0} & Fils", "Dépanneur {0}", "Érablière {0}", "Ferme {0} inc.", "Pourvoirie du Lac-{0}",
	"Quincaillerie {0}", "Boulangerie {0}", "Clinique dentaire {0}", "Camping {0}", "Résidence {0}",
	"Les Entreprises {0} ltée", "Auberge {0}", "Menuiserie {0}", "Salon de coiffure Élégance {0}",
)  # fmt: skip
# Villages served: name, FSA, CAUCA code (for the 911 provider), latitude, longitude, OLTs.
MUNICIPALITIES = (
	("Saint-Zénon", "J0K", "62075", 46.545, -73.817, 2),
	("Saint-Michel-des-Saints", "J0K", "62085", 46.677, -73.917, 2),
	("Sainte-Émélie-de-l'Énergie", "J0K", "62060", 46.317, -73.650, 1),
	("Saint-Côme", "J0K", "62047", 46.267, -73.783, 2),
	("Notre-Dame-de-la-Merci", "J0T", "62060", 46.233, -74.050, 1),
	("Chertsey", "J0K", "62037", 46.067, -73.883, 2),
	("Rawdon", "J0K", "62047", 46.050, -73.717, 2),
	("Saint-Alphonse-Rodriguez", "J0K", "62025", 46.183, -73.683, 1),
	("Sainte-Béatrix", "J0K", "62030", 46.200, -73.617, 1),
	("Saint-Jean-de-Matha", "J0K", "62040", 46.233, -73.533, 1),
	("Sainte-Marcelline-de-Kildare", "J0K", "62020", 46.117, -73.600, 1),
	("Saint-Félix-de-Valois", "J0K", "62010", 46.167, -73.433, 1),
	("Saint-Gabriel-de-Brandon", "J0K", "52080", 46.267, -73.383, 1),
	("Mandeville", "J0K", "52070", 46.367, -73.350, 1),
	("Saint-Didace", "J0K", "52075", 46.333, -73.217, 1),
	("Saint-Damien", "J0K", "62015", 46.333, -73.483, 1),
	("Saint-Norbert", "J0K", "52050", 46.167, -73.317, 1),
	("Sainte-Mélanie", "J0K", "61035", 46.133, -73.517, 1),
	("Entrelacs", "J0T", "62055", 46.117, -74.000, 1),
	("Lac-Supérieur", "J0T", "78065", 46.200, -74.467, 1),
	("Val-des-Lacs", "J0T", "78060", 46.150, -74.350, 1),
	("Saint-Donat", "J0T", "62065", 46.317, -74.217, 1),
	("Lantier", "J0T", "78050", 46.150, -74.233, 1),
	("Saint-Cléophas-de-Brandon", "J0K", "52085", 46.233, -73.333, 1),
	("Saint-Ambroise-de-Kildare", "J0K", "61040", 46.083, -73.533, 1),
)  # fmt: skip
STREETS = (
	"rue Principale", "rue Saint-Louis", "chemin du Lac-Clair", "ch. des Érables", "rang Sainte-Anne",
	"route 131", "montée Sainte-Béatrix", "avenue des Pins", "rue de l'Église",
	"chemin du Lac-à-l'Eau-Claire", "rue Notre-Dame", "5e Rang", "rue des Cèdres", "chemin Brassard",
	"rue Émond", "chemin du Domaine-Hébert", "rue de la Rivière", "chemin des Français", "rue Côté",
	"montée Hélène", "chemin du Lac-Noël", "rue des Bouleaux", "chemin de la Forêt", "rang du Ruisseau",
	"rue Gélinas", "chemin du Pré", "rue des Œillets", "chemin de l'Érablière", "rue Léo-Ayotte",
	"chemin Désormeaux", "rue Brûlé", "rue Châteauguay", "chemin du Lac-Supérieur", "rang Saint-Isidore",
	"Route 125", "rue Saint-Jean-Baptiste", "chemin du Golf", "rue des Épinettes", "montée Rémi-Côté",
)  # fmt: skip
EMAIL_DOMAINS = ("videotron.ca", "gmail.com", "hotmail.com", "outlook.com", "bell.net", "sympatico.ca",
	"yahoo.ca", "cgocable.ca", "gigafibre.ca", "live.ca")  # fmt: skip
AREA_CODES = ("450", "450", "450", "819", "579", "873")
POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # never D F I O Q U
NOTES = (
	"Client rappelé, laisse un message.", "Paiement reçu par téléphone.", "Entente prise avec Mme.",
	"Le client s'engage à payer le solde d'ici la fin du mois.", "Carte refusée, nouvelle entente.",
	"Chèque postdaté reçu — à déposer le 15.", "Coupure évitée : paiement partiel de 50 $.",
	"Demande un délai à cause d'un congé de maladie.", "Ne pas couper avant le retour de vacances.",
	"Installation de la fibre, ONT au sous-sol près du panneau électrique.",
	"Remplacé le décodeur défectueux ; client satisfait.", "Câble coupé par l'émondage, épissure faite.",
	"Déplacé le routeur au rez-de-chaussée, signal WiFi amélioré.", "Aucun accès au terrain — chien.",
	"Client absent, avis laissé dans la boîte aux lettres.", "Vérifié le signal optique : −19,8 dBm.",
	"« Très satisfait » selon le client.", "Prolongement de fibre requis (150 m), soumission envoyée.",
)  # fmt: skip
# Products no longer sold (inactive in the legacy catalogue); old customers may still have them.
DISCONTINUED = {"TVFRANCO", "RAB12M", "INSTPRO", "FTTH80P"}
OLD_PLANS = (
	("FTTH10", "Fibre 10 Mbps (ancien forfait)", 39.95, 10, 1),
	("FTTH50", "Fibre 50/10 (ancien)", 69.95, 50, 10),
	("FTTH100", "Fibre 100/100 (ancien)", 89.95, 100, 100),
	("DSL5", "Internet haute vitesse 5 Mbps", 44.95, 5, 1),
	("WIFI10", "Internet sans fil 10 Mbps", 54.95, 10, 2),
)


def _pick_count(total: int, rate: float) -> int:
	return min(total, max(1, round(total * rate))) if total else 0


def _money(value: float | Decimal) -> float:
	"""A price with cents as the PHP application stored it (a DOUBLE)."""
	return float(to_cents(Decimal(str(value))))


class Builder:
	"""Builds the rows of every table in memory; :func:`load` writes them."""

	def __init__(self, seed: int, scale: float):
		self.rng = random.Random(seed)
		self.seed, self.scale = seed, scale
		self.rows: dict[str, list[dict]] = defaultdict(list)
		self.planted: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
		self.expected_text: list[dict] = []
		self.php: dict[str, dict] = {}
		self.used_dids: set[str] = set()
		self.used_serials: set[str] = set()
		self.used_macs: set[str] = set()
		self.next_id: dict[str, int] = {}

	# ----------------------------------------------------------------------- helpers

	def size(self, name: str) -> int:
		value = PRODUCTION[name]
		return max(1, round(value * self.scale)) if value else 0

	def planted_extra(self, table: str, rows: int = 0) -> tuple[int, int]:
		"""How many orphans and duplicates to plant in a table.

		Counted from the production size when the table has one, so that the table ends at
		exactly that size; otherwise from the rows built.
		"""
		size = self.size(table) if table in PRODUCTION else rows
		orphans = _pick_count(size, ORPHAN_RATE[table]) if table in ORPHAN_RATE else 0
		duplicates = _pick_count(size, DUPLICATE_RATE[table]) if table in DUPLICATE_RATE else 0
		return orphans, duplicates

	def base_size(self, table: str) -> int:
		"""The rows to build before orphans and duplicates are added."""
		return max(1, self.size(table) - sum(self.planted_extra(table)))

	def new_id(self, table: str, start: int = 1, max_gap: int = 1) -> int:
		current = self.next_id.get(table, start - 1)
		value = current + (self.rng.randint(1, max_gap) if max_gap > 1 else 1)
		self.next_id[table] = value
		return value

	def add(self, table: str, **values) -> dict:
		self.rows[table].append(values)
		return values

	def when(self, start_years_ago: float, end_years_ago: float = 0.0) -> int:
		return self.rng.randint(int(NOW - start_years_ago * YEAR), int(NOW - end_years_ago * YEAR))

	def did(self) -> str:
		while True:
			number = f"{self.rng.choice(AREA_CODES)}{self.rng.randint(2, 9)}{self.rng.randint(0, 99):02d}"
			number += f"{self.rng.randint(0, 9999):04d}"
			if number[4:6] != "11" and number not in self.used_dids:
				self.used_dids.add(number)
				return number

	def did_text(self, number: str, table: str, ident: int) -> str:
		"""A DID as the staff typed it; the notation is recorded."""
		style = self.rng.choices(
			("plain", "dashes", "brackets", "one", "plus", "dots", "space"), (40, 25, 12, 6, 5, 6, 6)
		)[0]
		a, b, c = number[:3], number[3:6], number[6:]
		text = {
			"plain": number,
			"dashes": f"{a}-{b}-{c}",
			"brackets": f"({a}) {b}-{c}",
			"one": f"1-{a}-{b}-{c}",
			"plus": f"+1 {a} {b} {c}",
			"dots": f"{a}.{b}.{c}",
			"space": f"{a} {b}-{c}",
		}[style]
		self.planted["did_notation"][style].append([table, ident])
		return text

	def mac(self, oui: str) -> str:
		while True:
			value = oui + "".join(f"{self.rng.randint(0, 255):02X}" for _ in range(3))
			if value not in self.used_macs:
				self.used_macs.add(value)
				return value

	def mac_text(self, bare: str, table: str, ident: int) -> str:
		style = self.rng.choices(
			("colon", "colon_lower", "dash", "dot", "bare", "bare_lower", "spaced"),
			(35, 15, 15, 8, 12, 10, 5),
		)[0]
		pairs = [bare[i : i + 2] for i in range(0, 12, 2)]
		text = {
			"colon": ":".join(pairs),
			"colon_lower": ":".join(pairs).lower(),
			"dash": "-".join(pairs).lower(),
			"dot": ".".join(bare[i : i + 4] for i in range(0, 12, 4)).lower(),
			"bare": bare,
			"bare_lower": bare.lower(),
			"spaced": f" {':'.join(pairs)} ",
		}[style]
		self.planted["mac_notation"][style].append([table, ident])
		return text

	def serial(self, prefix: str, length: int = 8, alphabet: str = "0123456789ABCDEF") -> str:
		while True:
			value = prefix + "".join(self.rng.choice(alphabet) for _ in range(length))
			if value not in self.used_serials:
				self.used_serials.add(value)
				return value

	def serial_text(self, serial: str, table: str, ident: int) -> str:
		style = self.rng.choices(("upper", "lower", "mixed", "spaced"), (75, 12, 8, 5))[0]
		if style == "lower":
			text = serial.lower()
		elif style == "mixed":
			text = serial[:4].lower() + serial[4:]
		elif style == "spaced":
			text = f"{serial[:4]} {serial[4:]} "
		else:
			text = serial
		if style != "upper":
			self.planted["serial_notation"][style].append([table, ident])
		return text

	def postal_code(self, fsa: str) -> str:
		rng = self.rng
		return f"{fsa} {rng.randint(0, 9)}{rng.choice(POSTAL_LETTERS)}{rng.randint(0, 9)}"

	def postal_text(self, code: str, table: str, ident: int) -> str:
		style = self.rng.choices(("spaced", "compact", "lower", "dash", "letter_o"), (70, 15, 8, 5, 2))[0]
		text = {
			"spaced": code,
			"compact": code.replace(" ", ""),
			"lower": code.lower(),
			"dash": code.replace(" ", "-"),
			"letter_o": code.replace("0", "O"),
		}[style]
		if style != "spaced":
			self.planted["postal_notation"][style].append([table, ident])
		return text

	def person(self) -> tuple[str, str]:
		return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

	def email(self, first: str, last: str) -> str:
		def ascii_(text: str) -> str:
			text = unicodedata.normalize("NFKD", text)
			return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())

		local = self.rng.choice(
			(
				f"{ascii_(first)}.{ascii_(last)}",
				f"{ascii_(first)[0]}{ascii_(last)}",
				f"{ascii_(last)}{self.rng.randint(1, 99)}",
			)
		)
		return f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"

	def address(self, municipality: tuple) -> dict:
		"""A premises: the parts and address1 written in one of the ways the staff wrote it."""
		rng = self.rng
		civic = str(rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 9999))))
		suffix = rng.choice("AB") if rng.random() < 0.03 else None
		apartment = str(rng.randint(1, 12)) if rng.random() < 0.08 else None
		street = rng.choice(STREETS)
		style = rng.choices(("plain", "comma", "apt_first", "apt_word_first", "apt_last"), (70, 12, 8, 5, 5))[
			0
		]
		number = civic + (suffix or "")
		address2 = None
		if apartment is None or style in ("plain", "comma"):
			line = f"{number}, {street}" if style == "comma" else f"{number} {street}"
			if apartment:
				address2 = rng.choice((f"app {apartment}", f"#{apartment}", apartment))
		elif style == "apt_first":
			line = f"{apartment}-{number} {street}"
		elif style == "apt_word_first":
			line = f"app {apartment} {number} {street}"
		else:
			line = f"{number} {street} app. {apartment}"
		return {
			"civic": civic,
			"suffix": suffix,
			"apartment": apartment,
			"street": street,
			"address1": line,
			"address2": address2,
			"style": style,
			"city": municipality[0],
			"zip": self.postal_code(municipality[1]),
			"lat": round(municipality[3] + rng.uniform(-0.06, 0.06), 6),
			"lng": round(municipality[4] + rng.uniform(-0.08, 0.08), 6),
		}

	# ----------------------------------------------------------------------- tables

	def build(self) -> None:
		self.build_reference()
		self.build_accounts()
		self.build_locations_and_services()
		self.build_fibre()
		self.build_soumissions()
		self.build_arrangements()
		self.build_work_orders()
		self.build_payment_profiles()
		self.build_phone()
		self.build_suspensions()
		self.build_ip_history()
		self.plant_bad_ips()
		self.build_delivery_history()
		self.build_snapshots()
		self.build_acs()
		self.plant_radius_without_device()
		self.plant_orphans()
		self.plant_dates()
		self.plant_nulls()
		self.plant_text_damage()
		self.plant_duplicates()  # last, so that a duplicate is an exact copy of the final row

	def build_reference(self) -> None:
		for ident, (name, down, up) in enumerate(
			(
				("FTTH25", 25, 5),
				("FTTH80", 80, 80),
				("FTTH150", 150, 150),
				("FTTH500", 500, 500),
				("FTTH1500", 1500, 1000),
			),
			start=100,
		):
			self.add("fibre_lineprofile", id=ident, name=name, down_mbps=down, up_mbps=up)
		for ident, (name, vlan) in enumerate((("INTERNET", 10), ("VOIP", 20), ("IPTV", 30)), start=1):
			self.add("fibre_serviceprofile", id=ident, name=name, vlan=vlan)
		catalogue = [
			("FTTH25", "Fibre 25/5", "internet", 49.95, "monthly", 1, 25, 5, 100),
			("FTTH80I", "Fibre 80/80", "internet", 79.95, "monthly", 1, 80, 80, 101),
			("FTTH150I", "Fibre 150/150", "internet", 99.95, "monthly", 1, 150, 150, 102),
			("FTTH500I", "Fibre 500/500", "internet", 99.95, "monthly", 1, 500, 500, 103),
			("FTTH1500I", "Fibre 1,5 Gbit/s / 1 Gbit/s", "internet", 109.95, "monthly", 1, 1500, 1000, 104),
			("TVBSKINNY", "Télé de base « Skinny »", "tv", 25.00, "monthly", 1, None, None, None),
			("TVBSTANDARD", "Télé standard", "tv", 30.00, "monthly", 1, None, None, None),
			("TVBEVO", "Télé Évolution", "tv", 35.00, "monthly", 1, None, None, None),
			("TELE", "Télé à la carte", "tv", 0.00, "monthly", 1, None, None, None),
			# The legacy system had no category for TV add-ons: they are "tv" products.
			("TVSPORTS", "Forfait Sports", "tv", 12.00, "monthly", 0, None, None, None),
			("TVFILMS", "Forfait Films et séries", "tv", 15.00, "monthly", 0, None, None, None),
			("TVJEUNESSE", "Forfait Jeunesse", "tv", 5.00, "monthly", 0, None, None, None),
			("TVINTL", "Forfait International", "tv", 25.00, "monthly", 0, None, None, None),
			("TVFRANCO", "Chaînes francophones +", "tv", 7.50, "monthly", 0, None, None, None),
			("TELEPMENS", "Téléphonie résidentielle", "phone", 28.95, "monthly", 1, None, None, None),
			("SERV911", "Service 911", "phone", 0.69, "monthly", 0, None, None, None),
			("ACTTELEP", "Activation téléphonie", "phone", 69.95, "once", 0, None, None, None),
			("RAB2X", "Rabais 2 services", "discount", -5.00, "monthly", 0, None, None, None),
			("RAB3X", "Rabais 3 services", "discount", -10.00, "monthly", 0, None, None, None),
			("RAB4X", "Rabais 4 services", "discount", -15.00, "monthly", 0, None, None, None),
			("RAB_X", "Rabais spécial", "discount", -20.00, "monthly", 0, None, None, None),
			("RAB24M", "Rabais engagement 24 mois", "discount", -15.00, "monthly", 0, None, None, None),
			("RAB36M", "Rabais engagement 36 mois", "discount", -15.00, "monthly", 0, None, None, None),
			("INSTFTTH", "Installation standard FTTH", "fee", 0.00, "once", 0, None, None, None),
			# The TV box was given away: no price in the legacy catalogue.
			("DECODEUR", "Décodeur TV", "equipment", 0.00, "once", 0, None, None, None),
			("DECO1ER", "1er décodeur offert", "equipment", 0.00, "once", 0, None, None, None),
			("ROUTEURDECO", "Routeur Deco X20", "equipment", 129.99, "once", 0, None, None, None),
			("ATA", "Adaptateur téléphonique", "equipment", 59.95, "once", 0, None, None, None),
			("FRAISRET", "Frais de retard", "fee", 10.00, "once", 0, None, None, None),
			("FRAISDEP", "Frais de déplacement", "fee", 75.00, "once", 0, None, None, None),
			("FRAISRECON", "Frais de reconnexion", "fee", 25.00, "once", 0, None, None, None),
			("PROLFIBRE", "Prolongement de fibre (le mètre)", "fee", 3.25, "once", 0, None, None, None),
			("IPFIXE", "Adresse IP fixe", "internet", 10.00, "monthly", 0, None, None, None),
			("DOMAINE", "Nom de domaine", "other", 24.99, "annual", 0, None, None, None),
			# Discontinued products of SKU families the import completes from the standard
			# catalogue (a commitment discount, a professional installation).
			("RAB12M", "Rabais engagement 12 mois", "discount", -10.00, "monthly", 0, None, None, None),
			("INSTPRO", "Installation commerciale", "fee", 149.95, "once", 0, None, None, None),
			# An internet plan with no speed of its own: its line profile's.
			("FTTH80P", "Fibre 80/80 (promotion)", "internet", 69.95, "monthly", 1, None, None, 101),
		]
		for sku, name, price, down, up in OLD_PLANS:
			catalogue.append((sku, name, "internet", price, "monthly", 0, down, up, None))
		# Years of promotions and one-offs: the catalogue held about 120 products.
		for year in range(2014, 2025):
			for kind, category, base in (
				("PROMOINT", "internet", -10.0),
				("PROMOTV", "tv", -5.0),
				("CREDIT", "discount", -25.0),
				("FRAISADM", "fee", 4.95),
				("CARTECADEAU", "Autre", 50.0),  # a category the import does not know
				("MOISGRATUIT", "discount", -49.95),
				("RABFIDELITE", "Discount", -2.5),
			):
				catalogue.append(
					(
						f"{kind}{year}",
						f"{kind.title()} {year} — édition spéciale",
						category,
						base,
						"once",
						0,
						None,
						None,
						None,
					)
				)
		for ident, (sku, name, category, price, recurrence, combo, down, up, line) in enumerate(
			catalogue, start=1
		):
			active = 0 if re.search(r"\d{4}$", sku) or sku in DISCONTINUED | {p[0] for p in OLD_PLANS} else 1
			self.add(
				"product",
				id=ident,
				sku=sku,
				name=name,
				category=category,
				price=price,
				recurrence=recurrence,
				combo_ready=combo,
				download_mbps=down,
				upload_mbps=up,
				lineprofile=line,
				serviceprofile=1 if category == "internet" and line else None,
				active=active,
			)
		self.products = {row["sku"]: row for row in self.rows["product"]}
		for ident in range(1, PRODUCTION["staff"] + 1):  # the team does not scale with the customers
			first, last = self.person()
			self.add(
				"staff",
				id=ident,
				first_name=first,
				last_name=last,
				email=self.email(first, last).split("@")[0] + "@gigafibre.ca",
				active=1 if self.rng.random() < 0.8 else 0,
			)
		staff = [row["id"] for row in self.rows["staff"]]
		self.technicians = staff[: max(1, len(staff) * 2 // 3)]
		self.agents = staff[len(self.technicians) :] or staff

	def build_accounts(self) -> None:
		rng = self.rng
		statuses = (
			[1] * self.size("account_active")
			+ [2] * self.size("account_suspended")
			+ [0] * self.size("account_closed")
		)
		rng.shuffle(statuses)
		# Unknown codes: the application once wrote 9 ("à fermer") and a group 3.
		closed = [i for i, status in enumerate(statuses) if status == 0]
		for index in rng.sample(closed, _pick_count(len(closed), 0.001)):
			statuses[index] = 9
		ppa = set(rng.sample(range(len(statuses)), self.size("ppa")))
		stripe = set(rng.sample(range(len(statuses)), self.size("stripe")))
		for index, status in enumerate(statuses):
			ident = self.new_id("account", start=1001, max_gap=3)
			first, last = self.person()
			commercial = rng.random() < 0.06
			company = rng.choice(COMPANY_WORDS).format(last) if commercial else None
			email = self.email(first, last)
			phone = self.did_text(self.did(), "account", ident)
			group = 2 if commercial else 1
			if status == 9:
				self.planted["unknown_code"]["account.status"].append(ident)
			row = self.add(
				"account",
				id=ident,
				first_name=first,
				last_name=last,
				company=company,
				email=email,
				phone=phone,
				cell=self.did_text(self.did(), "account", ident)
				if rng.random() < 0.4
				else rng.choice(("", None)),
				group_id=group,
				status=status,
				language="en" if rng.random() < 0.12 else rng.choice(("fr", "fr", "fr", "FR")),
				vip=1 if rng.random() < 0.01 else 0,
				commercial=1 if commercial else 0,
				date_orig=self.when(14, 0.1),
				password=hashlib.md5(f"{ident}-{self.seed}".encode()).hexdigest(),
				stripe_id=None,
				stripe_ppa=0,
				stripe_ppa_nocc=0,
				ppa=0,
				ppa_name=None,
				ppa_code=None,
				ppa_branch=None,
				ppa_account=None,
				ppa_amount=0,
				ppa_amount_buffer=0,
				ppa_fixed=0,
				ppa_cc=0,
			)
			if index in stripe:
				row["stripe_id"] = "cus_" + "".join(
					rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
					for _ in range(14)
				)
				row["stripe_ppa"] = 1 if rng.random() < 0.6 else 0
				row["stripe_ppa_nocc"] = 1 if row["stripe_ppa"] and rng.random() < 0.1 else 0
			else:
				row["stripe_id"] = rng.choice(("", "", None))
			if index in ppa:
				fixed = rng.random() < 0.3
				row.update(
					ppa=1,
					ppa_name=f"{first} {last}",
					ppa_code=rng.choice(("815", "815", "815", "001", "006", "003", "002")),
					ppa_branch=f"{rng.randint(0, 99999):05d}",
					ppa_account=str(rng.randint(10**6, 10**12)),
					ppa_amount=_money(rng.choice((79.95, 99.95, 134.85, 150.0, 87.43))) if fixed else 0,
					ppa_amount_buffer=_money(rng.choice((0, 0, 10, 25.5))),
					ppa_fixed=1 if fixed else 0,
					ppa_cc=1 if rng.random() < 0.05 else 0,
				)
		self.accounts = self.rows["account"]
		self.plant_account_dirt()
		existing = {row["id"] for row in self.accounts}
		self.missing_accounts = [i for i in range(1001, self.next_id["account"] + 50) if i not in existing]

	def plant_account_dirt(self) -> None:
		rng = self.rng
		rows = list(self.accounts)
		rng.shuffle(rows)
		taken = 0

		def take(rate: float) -> list[dict]:
			nonlocal taken
			count = _pick_count(len(rows), rate)
			chosen, taken = rows[taken : taken + count], taken + count
			return chosen

		for row in take(0.01):
			row["email"] = rng.choice(self.accounts)["email"]  # a family shares one address
			self.planted["shared_email"]["account"].append(row["id"])
		for row in take(0.01):
			row["email"] = rng.choice(("n/a", "aucun", "-", "NA"))
			self.planted["placeholder_email"]["account"].append(row["id"])
		for row in take(0.02):
			row["email"] = f" {row['email'].upper()} "
			self.planted["email_case_spaces"]["account"].append(row["id"])
		for row in take(0.005):
			row["email"] = row["email"].replace("@", " at ")
			self.planted["invalid_email"]["account"].append(row["id"])
		for row in take(0.004):
			row["phone"] = f"{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"  # no area code
			self.planted["invalid_did"]["account"].append(row["id"])
		for row in take(0.0005):
			row["group_id"] = rng.choice((0, 3))
			self.planted["unknown_code"]["account.group_id"].append(row["id"])

	def build_locations_and_services(self) -> None:
		rng = self.rng
		phone_target = self.size("pbx")
		candidates = [a for a in self.accounts if a["status"] in (1, 2)]
		phone_accounts = {
			a["id"] for a in rng.sample(candidates, min(len(candidates), round(phone_target * 0.95)))
		}
		self.locations = []  # (account, delivery row, address parts, municipality)
		self.internet_services = []
		self.phone_services = []
		for account in self.accounts:
			count = 2 if rng.random() < 0.08 else 1
			for number in range(count):
				municipality = rng.choice(MUNICIPALITIES)
				parts = self.address(municipality)
				ident = self.new_id("delivery", start=2001, max_gap=2)
				city = parts["city"]
				lat, lng = parts["lat"], parts["lng"]
				delivery = self.add(
					"delivery",
					id=ident,
					account_id=account["id"],
					address1=parts["address1"],
					address2=parts["address2"],
					city=city,
					state=rng.choices(("QC", "Qc", "Québec", "PQ", ""), (90, 4, 3, 2, 1))[0],
					zip=self.postal_text(parts["zip"], "delivery", ident),
					latitude=lat,
					longitude=lng,
					date_orig=max(account["date_orig"], self.when(12, 0.1)),
				)
				self.planted["address_style"][parts["style"]].append(ident)
				self.locations.append((account, delivery, parts, municipality))
				self.make_services(account, delivery, parts, account["id"] in phone_accounts and number == 0)
		self.plant_location_dirt()
		# Devices nobody holds: the warehouse.
		for _ in range(max(1, round(len(self.accounts) * 0.03))):
			category = rng.choice(("ont", "routeur", "decodeur", "ata"))
			self.make_device(None, None, category, status=0)

	def plant_location_dirt(self) -> None:
		rng = self.rng
		deliveries = self.rows["delivery"]
		saints = [d for d in deliveries if d["city"].startswith(("Saint-", "Sainte-"))]
		for row in rng.sample(saints, _pick_count(len(saints), 0.03)):
			row["city"] = row["city"].replace("Saint-", "St-", 1).replace("Sainte-", "Ste-", 1)
			self.planted["city_variant"]["abbreviated"].append(row["id"])
		varied = set(self.planted["city_variant"]["abbreviated"])
		plain = [d for d in deliveries if d["id"] not in varied]
		for row in rng.sample(plain, _pick_count(len(plain), 0.02)):
			row["city"] = row["city"].upper()
			self.planted["city_variant"]["upper"].append(row["id"])
		accented = [d for d in deliveries if not d["city"].isascii() and not d["city"].isupper()]
		for row in rng.sample(accented, _pick_count(len(accented), 0.02)):
			row["city"] = unicodedata.normalize("NFKD", row["city"]).encode("ascii", "ignore").decode()
			self.planted["city_variant"]["no_accents"].append(row["id"])
		for row in rng.sample(deliveries, _pick_count(len(deliveries), 0.008)):
			if row["id"] in self.planted["bad_coordinates"]["zero"]:
				continue
			if len(self.planted["bad_coordinates"]["zero"]) <= len(
				self.planted["bad_coordinates"]["positive_longitude"]
			):
				row["latitude"] = row["longitude"] = 0.0
				self.planted["bad_coordinates"]["zero"].append(row["id"])
			else:
				row["longitude"] = -row["longitude"]
				self.planted["bad_coordinates"]["positive_longitude"].append(row["id"])
		# Services pointing at a product deleted from the catalogue, or at a delivery that is gone.
		services = [s for s in self.rows["service"] if s["status"] == 1]
		for column, value, rate in (("product_id", 9999, 0.002), ("delivery_id", 999999, 0.001)):
			for template in rng.sample(services, _pick_count(len(services), rate)):
				row = dict(
					template, id=self.new_id("service"), device_id=None, radius_user=None, radius_pwd=None
				)
				row[column] = value
				self.rows["service"].append(row)
				self.planted["dangling"][f"service.{column}"].append(row["id"])
		devices = [d for d in self.rows["device"] if d["mac"]]
		for row in rng.sample(devices, _pick_count(len(devices), 0.002)):
			row["mac"] = rng.choice(("N/A", "inconnu", "00:00:00:00:00"))
			self.planted["invalid_mac"]["device"].append(row["id"])

	def make_services(self, account: dict, delivery: dict, parts: dict, phone: bool) -> None:
		rng = self.rng
		p = self.products
		account_status = account["status"]
		status = {1: 1, 2: 2}.get(account_status, 0)
		start = max(delivery["date_orig"], account["date_orig"])
		services = []
		has_fibre = rng.random() < (0.95 if not phone else 0.85)
		if has_fibre:
			plan = rng.choices(
				("FTTH25", "FTTH80I", "FTTH150I", "FTTH500I", "FTTH1500I", "FTTH10", "FTTH50", "DSL5"),
				(10, 30, 30, 15, 8, 3, 3, 1),
			)[0]
			services.append((p[plan], "internet"))
			if rng.random() < 0.35:
				services.append((p[rng.choice(("TVBSKINNY", "TVBSTANDARD", "TVBEVO", "TELE"))], "tv"))
				if rng.random() < 0.3:
					services.append(
						(
							p[rng.choice(("TVSPORTS", "TVFILMS", "TVJEUNESSE", "TVINTL", "TVFRANCO"))],
							"addon",
						)
					)
		if phone:
			services.append((p["TELEPMENS"], "phone"))
			services.append((p["SERV911"], "911"))
		kinds = {k for _, k in services if k in ("internet", "tv", "phone")}
		if len(kinds) >= 2:
			services.append((p[{2: "RAB2X", 3: "RAB3X"}[len(kinds)]], "discount"))
		if rng.random() < 0.1:
			services.append((p[rng.choice(("RAB24M", "RAB36M"))], "discount"))
		ont = router = ata = None
		if has_fibre:
			ont = self.make_device(account, delivery, "ont", status=self.device_status(status), since=start)
			if rng.random() < 0.9:
				router = self.make_device(
					account, delivery, "routeur", status=self.device_status(status), since=start
				)
		# A plan changed years ago: the old service is cancelled, the new one active.
		if has_fibre and status == 1 and rng.random() < 0.12:
			old = self.add_service(
				account, delivery, p[rng.choice(("FTTH25", "FTTH10", "FTTH50"))], 0, start, ont
			)
			old["date_end"] = min(NOW - DAY, start + rng.randint(1, 5) * YEAR)
			start = old["date_end"]
		for product, kind in services:
			device = None
			if kind == "internet":
				device = ont
			elif kind == "tv":
				boxes = [
					self.make_device(
						account, delivery, "decodeur", status=self.device_status(status), since=start
					)
					for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
				]
				device = boxes[0]
			elif kind == "phone":
				ata = self.make_device(
					account, delivery, "ata", status=self.device_status(status), since=start
				)
				device = ata
			service_status = status
			if status == 1 and rng.random() < 0.02:
				service_status = 3  # pending installation
			service = self.add_service(account, delivery, product, service_status, start, device)
			if kind == "internet":
				service["radius_user"] = (
					f"gf{account['id']}" if rng.random() < 0.7 else f"{account['id']}@gigafibre.ca"
				)
				service["radius_pwd"] = "".join(
					rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10)
				)
				self.internet_services.append((service, delivery, parts, ont, router))
			if kind == "phone":
				self.phone_services.append((service, delivery, parts, ont, ata))

	def device_status(self, service_status: int) -> int:
		if service_status in (1, 2):
			return 1
		return 2 if self.rng.random() < 0.7 else 1  # some equipment was never returned

	def add_service(self, account, delivery, product, status, start, device) -> dict:
		rng = self.rng
		ident = self.new_id("service", start=5001, max_gap=2)
		hijack = None
		if rng.random() < 0.05 and product["price"] > 0:
			hijack = _money(product["price"] * rng.choice((0.5, 0.8, 0.9)) - rng.choice((0, 0.01, 0.05)))
		end = 0
		if status == 0:
			end = rng.randint(min(start + DAY, NOW - DAY), NOW - DAY)
		comment = None
		if rng.random() < 0.05:
			comment = rng.choice(NOTES)
		return self.add(
			"service",
			id=ident,
			account_id=account["id"],
			delivery_id=delivery["id"],
			product_id=product["id"],
			device_id=device["id"] if device else None,
			status=status,
			date_orig=start + rng.randint(0, 30) * DAY if start + 30 * DAY < NOW else start,
			date_end=end,
			hijack_price=hijack,
			payment_recurrence=product["recurrence"] if product["recurrence"] != "once" else "monthly",
			radius_user=None,
			radius_pwd=None,
			comment=comment,
		)

	def make_device(self, account, delivery, category: str, *, status: int, since: int | None = None) -> dict:
		rng = self.rng
		ident = self.new_id("device", start=30001, max_gap=2)
		maker, model, serial, oui = {
			"ont": rng.choice(
				(
					("Raisecom", "HT803G-W", self.serial("RCMG"), None),
					("TP-Link", "XZ000-G3", self.serial("TPLG"), None),
					("ZTE", "F601", self.serial("ZTEG"), None),
				)
			),
			"routeur": (
				"TP-Link",
				rng.choice(("Deco X20", "Deco X50", "Deco M5")),
				self.serial("22", 11, "0123456789"),
				"50C7BF",
			),
			"decodeur": (
				"Amino",
				rng.choice(("A140", "H200")),
				self.serial("AMB", 9, "0123456789"),
				"000202",
			),
			"ata": (
				"Grandstream",
				rng.choice(("HT502", "HT802", "HT812")),
				self.serial("20EZ", 7, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"),
				"000B82",
			),
		}[category]
		mac = self.mac(oui or rng.choice(("E4C32A", "98DAC4")))
		row = self.add(
			"device",
			id=ident,
			account_id=account["id"] if account else rng.choice((None, 0)),
			delivery_id=delivery["id"] if delivery else None,
			category=category if rng.random() > 0.03 else category.capitalize(),
			sn=self.serial_text(serial, "device", ident),
			mac=self.mac_text(mac, "device", ident),
			manufacturer=maker,
			model=model,
			status=status,
			date_orig=since + rng.randint(0, 20) * DAY if since and since + 20 * DAY < NOW else self.when(8),
		)
		row["_serial"], row["_mac"] = serial, mac
		return row

	def build_fibre(self) -> None:
		rng = self.rng
		total = self.size("fibre")
		olts = []
		for index, municipality in enumerate(MUNICIPALITIES):
			for n in range(municipality[5]):
				olts.append((municipality, f"10.20.{index + 1}.{n + 2}"))
		positions = {olt[1]: [0, 1, 1, 0] for olt in olts}  # frame, slot, port, next ont id

		def next_position(ip: str) -> tuple[int, int, int, int]:
			frame, slot, port, ont = positions[ip]
			if ont >= 64:
				ont, port = 0, port + 1
				if port > 16:
					port, slot = 1, slot + 1
			positions[ip] = [frame, slot, port, ont + 1]
			return frame, slot, port, ont

		services = [s for s in self.internet_services if s[3] is not None]
		rng.shuffle(services)
		linked = services[: min(len(services), total)]
		by_city = defaultdict(list)
		for olt in olts:
			by_city[olt[0][0]].append(olt)
		for index in range(total):
			ident = self.new_id("fibre", start=1, max_gap=1)
			if index < len(linked):
				service, _delivery, parts, ont, _router = linked[index]
				municipality = next(m for m in MUNICIPALITIES if m[0] == parts["city"])
				olt = rng.choice(by_city[municipality[0]])
				if service["status"] in (1, 2, 3):
					sn = (
						ont["sn"] if rng.random() < 0.3 else ont["_serial"]
					)  # as typed, or as the OLT reports it
				else:
					sn = rng.choice((ont["_serial"], "", None))  # cancelled: often not cleaned up
				service_id = service["id"]
				street, civic, city, postal = (
					parts["street"],
					parts["civic"] + (parts["suffix"] or ""),
					parts["city"],
					parts["zip"],
				)
				lat, lng = parts["lat"], parts["lng"]
			else:
				municipality = rng.choice(MUNICIPALITIES)
				olt = rng.choice(by_city[municipality[0]])
				parts = self.address(municipality)
				street, civic, city, postal = parts["street"], parts["civic"], parts["city"], parts["zip"]
				lat, lng = parts["lat"], parts["lng"]
				roll = rng.random()
				service_id = rng.choice((None, 0))
				if roll < 0.08:
					sn = f"RESERVED-{rng.randint(1000, 99999)}"
					self.planted["fibre_state"]["reserved"].append(ident)
				else:
					sn = rng.choice(("", "", None))
			frame, slot, port, ont_id = next_position(olt[1])
			flag = 1 if rng.random() < 0.03 else 0
			self.add(
				"fibre",
				id=ident,
				service_id=service_id,
				rue=street,
				civique=civic,
				ville=city,
				zip=postal if rng.random() > 0.1 else postal.replace(" ", ""),
				latitude=lat,
				longitude=lng,
				info_connect=olt[1],
				frame=frame,
				slot=slot,
				port=port,
				ontid=ont_id,
				sn=sn,
				boitier_pas_install=flag,
				zone_tarifaire=rng.choices(("A", "B", "C", None, ""), (50, 25, 10, 10, 5))[0],
				max_speed_mbps=rng.choices((1500, 500, 150, 80, None), (60, 20, 10, 5, 5))[0],
			)
		# Two drops claiming one OLT position: the import must refuse the second.
		rows = self.rows["fibre"]
		for victim in rng.sample(rows, _pick_count(len(rows), 0.001)):
			other = rng.choice(rows)
			if other is victim:
				continue
			for key in ("info_connect", "frame", "slot", "port", "ontid"):
				victim[key] = other[key]
			self.planted["duplicate_port"]["fibre"].append([victim["id"], other["id"]])

	# ----------------------------------------------------------------------- PHP arrays

	def php_number(self, value: Decimal, style: str) -> str:
		if style == "int" and value == value.to_integral_value():
			return f"i:{int(value)};"
		if style == "php5":
			return f"d:{float(value):.17g};"
		if style == "string":
			text = f"{value:.2f}"
			return f's:{len(text)}:"{text}";'
		if style == "comma":
			text = f"{value:.2f}".replace(".", ",")
			return f's:{len(text)}:"{text}";'
		return f"d:{float(value)!r};"

	@staticmethod
	def php_string(text: str, lengths: str = "bytes") -> str:
		size = len(text.encode("cp1252")) if lengths == "latin1" else len(text.encode("utf-8"))
		return f's:{size}:"{text}";'

	def php_item(self, item: dict, number_style: str, lengths: str = "bytes") -> str:
		parts = []
		for key in ("sku", "desc", "amt", "qte", "tot"):
			value = item[key]
			parts.append(self.php_string(key))
			if isinstance(value, Decimal):
				parts.append(
					self.php_number(
						value, "int" if key == "qte" and number_style != "comma" else number_style
					)
				)
			else:
				parts.append(self.php_string(value, lengths))
		return f"a:5:{{{''.join(parts)}}}"

	def quote_items(self, monthly: bool) -> list[dict]:
		rng = self.rng
		if monthly:
			pool = [
				"FTTH80I",
				"FTTH150I",
				"FTTH500I",
				"FTTH1500I",
				"TVBSTANDARD",
				"TVBEVO",
				"TELEPMENS",
				"SERV911",
				"RAB2X",
				"IPFIXE",
			]
		else:
			pool = [
				"INSTFTTH",
				"DECODEUR",
				"DECO1ER",
				"ROUTEURDECO",
				"ATA",
				"ACTTELEP",
				"PROLFIBRE",
				"FRAISDEP",
			]
		items = []
		for sku in rng.sample(pool, rng.randint(1, min(5, len(pool)))):
			product = self.products[sku]
			qte = (
				Decimal(rng.choice((1, 1, 1, 2, 3))) if sku != "PROLFIBRE" else Decimal(rng.randint(20, 400))
			)
			amt = Decimal(str(product["price"]))
			if rng.random() < 0.1:
				amt = (amt * Decimal("0.9")).quantize(Decimal("0.01"))  # negotiated
			items.append(
				{
					"sku": sku,
					"desc": product["name"],
					"amt": amt,
					"qte": qte,
					"tot": (amt * qte).quantize(Decimal("0.01")),
				}
			)
		return items

	def php_column(self, ident: int, column: str, monthly: bool) -> str | None:
		"""One materiel/mensuel value; its kind and the lines a correct import finds are recorded."""
		rng = self.rng
		kind = self.php_kinds.pop()
		items = self.quote_items(monthly)
		while kind in ("nested", "truncated") and len(items) < 2:
			items += self.quote_items(monthly)  # a nested list, or a cut after a complete line
		expected_lines = len(items)
		total = sum((i["tot"] for i in items), Decimal("0.00"))
		style = {"php5_floats": "php5", "string_amounts": rng.choice(("string", "comma"))}.get(kind, "double")
		lengths = "latin1" if kind == "latin1_lengths" else "bytes"
		if kind == "latin1_lengths":
			# Only text that has an accent shows the difference between byte and latin1 lengths.
			items[0]["desc"] += " (modèle équipé)"
		body = [f"i:{n};{self.php_item(item, style, lengths)}" for n, item in enumerate(items)]
		if kind == "blank_rows":
			body.append(
				f"i:{len(body)};"
				+ self.php_item({"sku": "", "desc": "", "amt": "", "qte": "", "tot": ""}, style)
			)
		if kind == "not_a_number":
			item = {
				"sku": "FRAISDEP",
				"desc": "Déplacement",
				"amt": "gratuit",
				"qte": Decimal(1),
				"tot": Decimal(0),
			}
			body.append(f"i:{len(body)};{self.php_item(item, style)}")
			expected_lines += 1
		text = f"a:{len(body)}:{{{''.join(body)}}}"
		if kind == "nested":
			inner = "".join(f"i:{n};{self.php_item(item, style)}" for n, item in enumerate(items[1:]))
			text = f"a:2:{{i:0;{self.php_item(items[0], style)}i:1;a:{len(items) - 1}:{{{inner}}}}}"
		elif kind == "wrong_lengths":
			# Lengths counted in characters: 's:8:"Décodeur"' instead of 9 bytes.
			text = re.sub(r's:(\d+):"([^"]*)";', lambda m: f's:{len(m[2])}:"{m[2]}";', text)
			if text == re.sub(r's:(\d+):"([^"]*)";', lambda m: f's:{len(m[2].encode())}:"{m[2]}";', text):
				first = re.search(r's:(\d+):"([^"]{3,})";', text)
				text = text[: first.start()] + f's:{len(first[2]) - 2}:"{first[2]}";' + text[first.end() :]
		elif kind == "mojibake_desc":
			# Written by a latin1 connection: each UTF-8 byte became a character, lengths still right.
			text = mysql_latin1_decode(text.encode("utf-8"))
		elif kind == "truncated":
			# Cut inside the last item (a MEDIUMTEXT filled by a form that lost its end).
			last = text.rfind(f"i:{len(items) - 1};a:5:")
			cut = rng.randint(last + 8, len(text) - 3)
			text = text[:cut]
			expected_lines = len(items) - 1
			total = sum((i["tot"] for i in items[:-1]), Decimal("0.00"))
		elif kind in ("null", "empty_string", "empty_array", "php_null", "php_false"):
			text = {
				"null": None,
				"empty_string": "",
				"empty_array": "a:0:{}",
				"php_null": "N;",
				"php_false": "b:0;",
			}[kind]
			expected_lines, total = 0, Decimal("0.00")
		elif kind == "garbage":
			text = rng.choice(("Voir la soumission papier", "<p>Installation + 2 décodeurs</p>", "a:3:{i:0;"))
			expected_lines, total = 0, Decimal("0.00")
		self.planted["php"][kind].append([ident, column])
		self.php.setdefault(str(ident), {})[column] = {
			"kind": kind,
			"lines": expected_lines,
			"total": str(total),
			"error_expected": kind in ("truncated", "garbage", "not_a_number"),
		}
		return text

	def build_soumissions(self) -> None:
		rng = self.rng
		accounts = rng.sample(self.accounts, min(len(self.accounts), self.size("soumission_accounts")))
		owners = list(accounts) + [
			rng.choice(accounts) for _ in range(self.base_size("soumission") - len(accounts))
		]
		# Every kind at least once (the tests run at a small scale), the rest by frequency.
		columns = 2 * len(owners)
		kinds = list(PHP_KINDS)[:columns]
		kinds += rng.choices(list(PHP_KINDS), list(PHP_KINDS.values()), k=columns - len(kinds))
		rng.shuffle(kinds)
		self.php_kinds = kinds
		for account in owners:
			ident = self.new_id("soumission", start=1, max_gap=2)
			self.add(
				"soumission",
				id=ident,
				account_id=account["id"],
				name=rng.choice(
					(
						"Soumission fibre",
						"Installation commerciale",
						"Prolongement de fibre",
						"Forfait Télé + Internet",
						f"Soumission {account['last_name']}",
					)
				),
				po=f"PO-{rng.randint(1000, 9999)}" if rng.random() < 0.15 else rng.choice((None, "")),
				date=max(account["date_orig"], self.when(8)),
				tax=1 if rng.random() < 0.95 else 0,
				materiel=self.php_column(ident, "materiel", False),
				mensuel=self.php_column(ident, "mensuel", True),
				text=rng.choice(
					(
						None,
						"",
						"<p>Merci de votre confiance !</p>",
						"Prix valides 30 jours. Taxes en sus (TPS 5 %, TVQ 9,975 %).",
					)
				),
			)
		for ident, name in enumerate(
			("Résidentiel — Internet + Télé", "Commercial — Fibre dédiée", "Téléphonie seule"), start=1
		):
			self.add(
				"soumission_template",
				id=ident,
				name=name,
				materiel="a:1:{i:0;"
				+ self.php_item(
					{
						"sku": "INSTFTTH",
						"desc": "Installation standard FTTH",
						"amt": Decimal(0),
						"qte": Decimal(1),
						"tot": Decimal(0),
					},
					"double",
				)
				+ "}",
				mensuel="a:0:{}",
				text="Gabarit",
			)

	def build_arrangements(self) -> None:
		rng = self.rng
		total = self.base_size("accord_paiement")
		statuses = (
			[1] * self.size("accord_completed")
			+ [0] * self.size("accord_open")
			+ [-1] * self.size("accord_pending")
		)
		# Orphans and duplicates are copies of these rows, so the totals stay close to production.
		rng.shuffle(statuses)
		statuses = (statuses + [1] * total)[:total]
		pool = [a for a in self.accounts if a["status"] in (1, 2)] or self.accounts
		accounts = rng.sample(pool, min(len(pool), self.size("accord_accounts")))
		owners = list(accounts) + [rng.choice(accounts) for _ in range(total - len(accounts))]
		for account, status in zip(owners, statuses, strict=False):
			ident = self.new_id("accord_paiement", start=1, max_gap=2)
			agreed = max(account["date_orig"], self.when(9)) if status == 1 else self.when(0.3)
			due = agreed + rng.randint(3, 30) * DAY
			method = rng.choices((0, 1, 2, 3, 4), (10, 35, 10, 30, 15))[0]
			self.add(
				"accord_paiement",
				id=ident,
				account_id=account["id"],
				staff_id=rng.choice(self.agents),
				date_accord=agreed,
				date_echeance=due,
				date_coupure=due + rng.randint(2, 10) * DAY,
				montant=_money(
					rng.choice(
						(rng.randint(20, 600) + rng.choice((0, 0.5, 0.95, 0.43, 0.01)), 150.0, 87.43, 134.85)
					)
				),
				method=method,
				status=status,
				note=rng.choice(NOTES[:9]) if rng.random() < 0.7 else None,
				raison_changement=rng.choice(
					(None, None, None, "Report demandé par le client", "Perte d'emploi")
				),
			)
		rows = self.rows["accord_paiement"]
		for row in rng.sample(rows, _pick_count(len(rows), 0.001)):
			row["method"] = rng.choice((5, 9))
			self.planted["unknown_code"]["accord_paiement.method"].append(row["id"])
		for row in rng.sample(rows, _pick_count(len(rows), 0.002)):
			row["staff_id"] = 999
			self.planted["dangling"]["accord_paiement.staff_id"].append(row["id"])
		for row in rng.sample(rows, _pick_count(len(rows), 0.01)):
			# The PHP form added the amounts as floats: 49.95 + 28.95 + 0.69 = 79.59000000000002.
			parts = rng.sample((49.95, 28.95, 0.69, 79.95, 99.95, 35.0, 0.1, 0.2), 3)
			row["montant"] = parts[0] + parts[1] + parts[2]
			self.planted["float_residue"]["accord_paiement.montant"].append(row["id"])

	def build_work_orders(self) -> None:
		rng = self.rng
		total = self.base_size("bon_travail")
		accounts = rng.sample(self.accounts, min(len(self.accounts), self.size("bon_accounts")))
		owners = list(accounts) + [rng.choice(accounts) for _ in range(total - len(accounts))]
		for account in owners:
			ident = self.new_id("bon_travail", start=1, max_gap=1)
			day = max(account["date_orig"], self.when(10, 0.01))
			day -= day % DAY
			arrive1 = day + rng.randint(12, 20) * 3600 + rng.randint(0, 59) * 60  # 8:00-16:00 local, in UTC
			depart1 = arrive1 + rng.randint(20, 240) * 60
			second = rng.random() < 0.3
			arrive2 = arrive1 + rng.randint(0, 30) * 60 if second else 0
			subtotal = (
				Decimal(0)
				if rng.random() < 0.45
				else Decimal(rng.choice(("75.00", "112.50", "150.00", "49.95", "237.40", "89.99")))
			)
			taxes = Totals.of(subtotal)
			tps, tvq = taxes.tps, taxes.tvq
			self.add(
				"bon_travail",
				id=ident,
				account_id=account["id"],
				date=day + 16 * 3600,
				tech1=rng.choice(self.technicians),
				heure_arrive_t1=arrive1,
				heure_depart_t1=depart1,
				tech2=rng.choice(self.technicians) if second else rng.choice((None, 0)),
				heure_arrive_t2=arrive2,
				heure_depart_t2=arrive2 + rng.randint(20, 200) * 60 if second else 0,
				note=rng.choice(NOTES[9:]) if rng.random() < 0.8 else "",
				subtotal=float(subtotal),
				tps=float(tps),
				tvq=float(tvq),
				total=float(subtotal + tps + tvq),  # a DOUBLE sum, as PHP added them
			)
		rows = self.rows["bon_travail"]
		for row in rng.sample(rows, _pick_count(len(rows), 0.005)):
			row["heure_depart_t1"] = row["heure_arrive_t1"] - rng.randint(5, 120) * 60
			self.planted["departure_before_arrival"]["bon_travail"].append(row["id"])
		for row in rng.sample(rows, _pick_count(len(rows), 0.002)):
			row["tech1"] = 777
			self.planted["dangling"]["bon_travail.tech1"].append(row["id"])
		for ident, (bon, sku, qte) in enumerate(
			(
				(rows[0], "FRAISDEP", 1.0),
				(rows[0], "PROLFIBRE", 35.5),
				(rows[min(1, len(rows) - 1)], "DECODEUR", 1.0),
			),
			start=1,
		):
			product = self.products[sku]
			self.add(
				"bon_travail_item",
				id=ident,
				bon_id=bon["id"],
				product_id=product["id"],
				qte=qte,
				price=product["price"],
				desc=product["name"],
			)

	def build_payment_profiles(self) -> None:
		rng = self.rng
		pool = [a for a in self.accounts if a["status"] in (1, 2)] or self.accounts
		for account in rng.sample(pool, min(len(pool), self.base_size("account_profile"))):
			ident = self.new_id("account_profile", start=1, max_gap=2)
			self.add(
				"account_profile",
				id=ident,
				account_id=account["id"],
				profile_id=f"{rng.getrandbits(128):032x}",
				card_id=f"{rng.getrandbits(64):016x}",
				token="".join(
					rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
					for _ in range(24)
				),
				initial_transaction=str(rng.randint(10**9, 10**10)) if rng.random() < 0.8 else None,
			)

	def build_phone(self) -> None:
		rng = self.rng
		target = self.base_size("pbx")
		services = self.phone_services[:target]
		lines = [(*service, 1, self.did()) for service in services]
		# A few customers have a second line on the same ATA (a two-port HT802).
		for service in rng.sample(services, min(len(services), target - len(lines))):
			lines.append((*service, 2, self.did()))
		lines.sort(key=lambda line: (line[0]["id"], line[5]))
		self.phone_lines = lines
		provisioning = self.base_size("phone_provisioning")
		# The 911 address of a few lines is an old one (a move nobody reported).
		mismatched = set(rng.sample(range(1, len(lines) + 1), _pick_count(len(lines), 0.03)))
		accounts = {a["id"]: a for a in self.accounts}
		for service, delivery, parts, _ont, ata, _line, number in lines:
			account = accounts[service["account_id"]]
			ident = self.new_id("pbx", start=1, max_gap=2)
			vm = rng.random() < 0.6
			self.add(
				"pbx",
				id=ident,
				account_id=account["id"],
				delivery_id=delivery["id"],
				service_id=service["id"],
				phone=self.did_text(number, "pbx", ident),
				name=(account["company"] or f"{account['first_name']} {account['last_name']}")[:40],
				password="".join(
					rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(16)
				),
				vm_password=f"{rng.randint(0, 9999):04d}" if vm else None,
				has_vm=1 if vm else 0,
				vm_email=self.email(account["first_name"], account["last_name"])
				if vm and rng.random() < 0.7
				else None,
				int_code=rng.choice((None, "", "011")),
				language=account["language"].lower() if account["language"] else "fr",
				call_911=1,
				max_calls=rng.choice((2, 2, 2, 1, 4)),
				call_timeout=rng.choice((30, 30, 25, 20)),
				user_context="sip.targo.ca",
				country_whitelist=rng.choice((None, "CA,US", "CA,US,FR")),
				date_origin=service["date_orig"],
				date_update=service["date_orig"] + rng.randint(0, 400) * DAY if rng.random() < 0.5 else 0,
			)
			# The 911 registration: usually the service address, sometimes an old one.
			addr_id = self.new_id("phone_addr", start=1, max_gap=1)
			street, civic, apt, city, postal = (
				parts["street"],
				parts["civic"] + (parts["suffix"] or ""),
				parts["apartment"],
				parts["city"],
				parts["zip"],
			)
			if addr_id in mismatched:
				civic = str(int(parts["civic"]) + rng.randint(2, 40))
				street = rng.choice([s for s in STREETS if s != parts["street"]])
				self.planted["e911_mismatch"]["phone_addr"].append(addr_id)
			municipality = next(m for m in MUNICIPALITIES if m[0] == parts["city"])
			self.add(
				"phone_addr",
				id=addr_id,
				account_id=account["id"],
				phone=number if rng.random() < 0.6 else self.did_text(number, "phone_addr", addr_id),
				street_number=civic,
				apt=apt or rng.choice(("", None)),
				street_name=street,
				city=city,
				state="QC",
				zip=postal,
				first_name=account["first_name"],
				last_name=account["last_name"],
				info=rng.choice((None, "", "Entrée par le côté", "Chalet")),
				enhanced_capable=rng.choice(("Y", "Y", "Y", "N")),
				code_cauca=municipality[2],
				class_service="BUS" if account["group_id"] == 2 else "RES",
			)
			if ata is not None and len(self.rows["phone_provisioning"]) < provisioning:
				prov_id = self.new_id("phone_provisioning", start=1, max_gap=1)
				self.add(
					"phone_provisioning",
					id=prov_id,
					account_id=account["id"],
					delivery_id=delivery["id"],
					service_id=service["id"],
					phone=self.did_text(number, "phone_provisioning", prov_id),
					app=rng.choice(("ht502", "ht802", "ht803g-w", "HT812", "spa112")),
					mac=self.mac_text(ata["_mac"], "phone_provisioning", prov_id),
					password="".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(12)),
					internationnal=1 if rng.random() < 0.05 else 0,
				)
		# An ATA swapped for a new one: the old provisioning row stays beside the new one.
		provisioned = list(self.rows["phone_provisioning"])
		while provisioned and len(self.rows["phone_provisioning"]) < provisioning:
			old = rng.choice(provisioned)
			prov_id = self.new_id("phone_provisioning", start=1, max_gap=1)
			self.add("phone_provisioning", **dict(old, id=prov_id, mac=self.mac("000B82"), app="ht802"))
			self.planted["replaced_ata"]["phone_provisioning"].append([prov_id, old["id"]])
		# 911 registrations left behind when a line was cancelled (the "orphan 911" report).
		target_addr = self.base_size("phone_addr")
		closed = [a for a in self.accounts if a["status"] == 0] or self.accounts
		while len(self.rows["phone_addr"]) < target_addr:
			account = rng.choice(closed)
			addr_id = self.new_id("phone_addr", start=1, max_gap=1)
			municipality = rng.choice(MUNICIPALITIES)
			parts = self.address(municipality)
			self.add(
				"phone_addr",
				id=addr_id,
				account_id=account["id"],
				phone=self.did(),
				street_number=parts["civic"],
				apt=parts["apartment"],
				street_name=parts["street"],
				city=parts["city"],
				state="QC",
				zip=parts["zip"],
				first_name=account["first_name"],
				last_name=account["last_name"],
				info=None,
				enhanced_capable="Y",
				code_cauca=municipality[2],
				class_service="RES",
			)
			self.planted["e911_without_line"]["phone_addr"].append(addr_id)

	def build_suspensions(self) -> None:
		rng = self.rng
		total = self.base_size("account_suspension")
		suspended = [a for a in self.accounts if a["status"] == 2]
		others = [a for a in self.accounts if a["status"] != 2]
		owners = suspended[:total] + [rng.choice(others) for _ in range(max(0, total - len(suspended)))]
		for account in owners:
			ident = self.new_id("account_suspension", start=1, max_gap=1)
			bare = rng.random() < 0.8  # most rows are bare flags
			start = 0 if bare else self.when(5)
			self.add(
				"account_suspension",
				id=ident,
				account_id=account["id"],
				date_start=start,
				date_end=0 if bare or account["status"] == 2 else start + rng.randint(1, 60) * DAY,
				note=rng.choice(
					(
						None,
						"",
						"Non-paiement",
						"Suspendu pour non-paiement — entente brisée",
						"Demande du client (vacances)",
					)
				),
			)

	def build_ip_history(self) -> None:
		rng = self.rng
		total = self.base_size("ip_history")
		services = list(self.internet_services)
		rng.shuffle(services)
		chosen = services[: min(len(services), self.size("ip_accounts"))]
		if not chosen:
			return
		owners = list(chosen) + [rng.choice(chosen) for _ in range(max(0, total - len(chosen)))]
		owners.sort(key=lambda s: s[0]["id"])
		for service, delivery, *_ in owners:
			ident = self.new_id("ip_history", start=1, max_gap=1)
			if rng.random() < 0.7:
				ip = f"100.64.{rng.randint(0, 63)}.{rng.randint(1, 254)}"
			else:
				ip = f"{rng.choice(('142.169', '207.253', '24.37'))}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
			self.add(
				"ip_history",
				id=ident,
				account_id=service["account_id"],
				delivery_id=delivery["id"],
				service_id=service["id"],
				ip=ip,
				date=max(service["date_orig"], self.when(6)),
			)

	def plant_bad_ips(self) -> None:
		rows = self.rows["ip_history"]
		for row in self.rng.sample(rows, _pick_count(len(rows), 0.002)):
			row["ip"] = self.rng.choice(("", "0.0.0.0", "2607:fa48:6d20::1", "100.64.1"))
			self.planted["bad_ip"]["ip_history"].append(row["id"])

	def build_delivery_history(self) -> None:
		rng = self.rng
		total = self.base_size("delivery_history")
		for _ in range(total):
			account, delivery, _parts, municipality = rng.choice(self.locations)
			old = self.address(municipality if rng.random() < 0.7 else rng.choice(MUNICIPALITIES))
			ident = self.new_id("delivery_history", start=1, max_gap=1)
			self.add(
				"delivery_history",
				id=ident,
				account_id=account["id"],
				delivery_id=delivery["id"],
				date_orig=self.when(10),
				address1=old["address1"],
				address2=old["address2"],
				city=old["city"],
				state="QC",
				zip=old["zip"],
			)

	def build_snapshots(self) -> None:
		rng = self.rng
		total = self.base_size("service_snapshot")
		services = [s[0] for s in self.internet_services] or [None]
		for _ in range(total):
			service = rng.choice(services)
			self.add(
				"service_snapshot",
				id=self.new_id("service_snapshot", start=1, max_gap=1),
				account_id=service["account_id"] if service else None,
				service_id=service["id"] if service else None,
				date=self.when(2),
				quota_day=rng.randint(0, 80 * 10**9),
				quota_night=rng.randint(0, 40 * 10**9),
			)

	def build_acs(self) -> None:
		rng = self.rng
		routers = [
			(s, r) for s, _d, _p, _o, r in self.internet_services if r is not None and s["status"] in (1, 2)
		]
		serials = min(self.size("wifi_serials"), len(routers) + 1)
		rows = self.size("wifi")
		chosen = rng.sample(routers, max(0, serials - 1))
		accounts = {a["id"]: a for a in self.accounts}
		targets: list[tuple[str, str | None]] = [
			(r["_mac"], accounts[s["account_id"]]["last_name"]) for s, r in chosen
		]
		targets.append((self.mac("50C7BF"), None))  # a Deco no device row knows
		counts = [1] * len(targets)
		for _ in range(rows - len(targets)):
			counts[rng.randrange(len(targets))] += 1
		ident = 0
		for (mac, last_name), count in zip(targets, counts, strict=True):
			for version in range(count):
				ident += 1
				name = re.sub(r"[^\w-]", "", last_name or "Client")
				ssid = (
					f"Gigafibre-{name}"
					if version == 0 or rng.random() < 0.5
					else rng.choice(
						(f"Chez {last_name or 'nous'}", "Maison", "Chalet du Lac", "Famille Côté")
					)
				)
				self.add(
					"wifi",
					id=ident,
					serial=self.mac_text(mac, "wifi", ident),
					ssid=ssid,
					password="".join(
						rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
						for _ in range(12)
					),
					ssid_5g=f"{ssid}-5G" if rng.random() < 0.7 else None,
					enabled=1 if rng.random() < 0.97 else 0,
				)
		self.planted["unmatched"]["wifi.serial"].append(targets[-1][0])
		# SIP credentials pushed to the ONTs of phone customers, several rows per serial.
		first_line: dict[int, tuple] = {}
		for _s, _d, _p, ont, _a, _l, number in self.phone_lines:
			if ont is not None:
				first_line.setdefault(ont["id"], (ont, number))
		phone = list(first_line.values())
		if not phone:  # a tiny scale without phone customers on fibre: any ONT will do
			phone = [
				(ont, self.did()) for _s, _d, _p, ont, _r in self.internet_services[:1] if ont is not None
			]
		serials = rng.sample(phone, min(len(phone), self.size("voip_serials")))
		counts = [1] * len(serials)
		for _ in range(max(0, self.size("voip") - len(serials)) if serials else 0):
			counts[rng.randrange(len(serials))] += 1
		ident = 0
		for (ont, number), count in zip(serials, counts, strict=True):
			for version in range(count):
				ident += 1
				self.add(
					"voip",
					id=ident,
					serial=self.serial_text(ont["_serial"], "voip", ident),
					sip_user=number,
					sip_password="".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(16)),
					line=1 if version == 0 or rng.random() < 0.6 else 2,
				)

	# ----------------------------------------------------------------------- planted dirt

	def plant_orphans(self) -> None:
		"""Rows whose account no longer exists (deleted in the legacy system, children kept)."""
		rng = self.rng
		missing = self.missing_accounts
		for table in ORPHAN_RATE:
			rows = [r for r in self.rows[table] if r.get("account_id")]
			if not rows:
				continue
			for template in rng.sample(rows, min(len(rows), self.planted_extra(table, len(rows))[0])):
				row = dict(template)
				row["id"] = self.new_id(table)
				row["account_id"] = rng.choice(missing)
				for key in ("delivery_id", "service_id"):
					if row.get(key):
						row[key] = 900000 + row["id"]  # gone with the account
				if table == "device":
					row["_serial"] = self.serial("RCMG")
					row["sn"], row["mac"] = row["_serial"], self.mac("E4C32A")
				if table in ("pbx", "phone_addr", "phone_provisioning"):
					row["phone"] = self.did()
				if table == "account_profile":
					row["token"] = f"orphan{row['id']:018d}"
				self.rows[table].append(row)
				self.planted["orphan"][table].append(row["id"])

	def plant_duplicates(self) -> None:
		"""The same row twice under two ids (a double submit, a re-run script)."""
		rng = self.rng
		orphans = self.planted["orphan"]
		damaged = defaultdict(list)
		for entry in self.expected_text:
			damaged[(entry["table"], entry["id"])].append(entry)
		for table in DUPLICATE_RATE:
			skip = set(orphans.get(table, ()))
			rows = [r for r in self.rows[table] if r["id"] not in skip]
			for original in rng.sample(rows, min(len(rows), self.planted_extra(table, len(rows))[1])):
				row = dict(original)
				row["id"] = self.new_id(table)
				self.rows[table].append(row)
				self.planted["duplicate"][table].append([row["id"], original["id"]])
				for entry in damaged.get((table, original["id"]), ()):
					self.expected_text.append(dict(entry, id=row["id"]))

	def plant_radius_without_device(self) -> None:
		"""Internet services whose RADIUS account no device carries: none linked (PPPoE on the
		customer's own router) or a device deleted since. The account stays on the service."""
		rng = self.rng
		services = [s for s in self.rows["service"] if s["radius_user"] and s["device_id"]]
		for row in rng.sample(services, _pick_count(len(services), 0.01)):
			row["device_id"] = None
			self.planted["radius_without_device"]["no_device"].append(row["id"])
		services = [s for s in services if s["device_id"]]
		devices = {d["id"] for d in self.rows["device"]}
		gone = max(devices, default=30000) + 100_000  # beyond any id the generator gives a device
		for row in rng.sample(services, _pick_count(len(services), 0.003)):
			row["device_id"] = gone
			gone += 1
			self.planted["radius_without_device"]["device_gone"].append(row["id"])

	def plant_dates(self) -> None:
		rng = self.rng
		for (table, column), rate in ZERO_DATE_RATE.items():
			rows = [r for r in self.rows[table] if r.get(column)]
			for row in rng.sample(rows, _pick_count(len(rows), rate)):
				row[column] = 0
				self.planted["zero_date"][f"{table}.{column}"].append(row["id"])
			rows = [r for r in self.rows[table] if r.get(column)]
			for row in rng.sample(rows, _pick_count(len(rows), ABSURD_DATE_RATE)):
				row[column] = rng.choice(ABSURD_DATES)
				self.planted["absurd_date"][f"{table}.{column}"].append([row["id"], row[column]])

	def plant_nulls(self) -> None:
		rng = self.rng
		for (table, column), rate in NULL_RATE.items():
			rows = [r for r in self.rows[table] if r.get(column) is not None]
			for row in rng.sample(rows, _pick_count(len(rows), rate)):
				row[column] = None
				if column == "latitude":
					row["longitude"] = None
				self.planted["null"][f"{table}.{column}"].append(row["id"])

	def damage(self, text: str, kind: str) -> str:
		if kind == "utf8_as_latin1":
			return mysql_latin1_decode(text.encode("utf-8"))
		if kind == "double_encoded":
			return mysql_latin1_decode(mysql_latin1_decode(text.encode("utf-8")).encode("utf-8"))
		if kind == "lost_chars":
			return "".join("?" if ord(c) > 127 else c for c in text)
		if kind == "replacement_char":
			return "".join("\ufffd" if ord(c) > 127 else c for c in text)
		if kind == "html_entities":
			return "".join(
				f"&{html.entities.codepoint2name[ord(c)]};"
				if ord(c) in html.entities.codepoint2name and ord(c) > 127
				else c
				for c in text
			)
		if kind == "decomposed":
			return unicodedata.normalize("NFD", text)
		raise ValueError(kind)

	def plant_text_damage(self) -> None:
		"""Accents in mixed encodings; the clean text is recorded for every damaged value."""
		rng = self.rng
		limits = {"first_name": 100, "last_name": 100, "company": 150, "address1": 150, "address2": 100,
			"city": 100, "rue": 150, "ville": 100, "street_name": 150, "name": 100, "ssid": 64}  # fmt: skip
		for table, columns in TEXT_COLUMNS.items():
			family = "latin1" if table in LATIN1_TABLES else "utf8"
			candidates = [
				(row, column)
				for row in self.rows[table]
				for column in columns
				if isinstance(row.get(column), str) and not row[column].isascii()
			]
			rng.shuffle(candidates)
			for kind, rate in TEXT_DAMAGE_RATE[family].items():
				wanted = _pick_count(len(candidates), rate)
				for _ in range(wanted):
					while candidates:
						row, column = candidates.pop()
						damaged = self.damage(row[column], kind)
						if damaged != row[column] and len(damaged) <= limits.get(column, 60000):
							break
					else:
						break
					self.expected_text.append(
						{
							"table": table,
							"id": row["id"],
							"column": column,
							"kind": kind,
							"expected": row[column],
						}
					)
					self.planted["text"][f"{kind}"].append([table, row["id"], column])
					row[column] = damaged

	# ----------------------------------------------------------------------- manifest

	def manifest(self) -> dict:
		def cents(table: str, column: str) -> Decimal:
			# Each row to the cent, then summed: what an import that keeps cents adds up to.
			values = (r[column] for r in self.rows[table] if r.get(column) is not None)
			return sum((to_money(v) for v in values), Decimal("0.00"))

		totals = {
			"accord_paiement.montant": cents("accord_paiement", "montant"),
			"bon_travail.total": cents("bon_travail", "total"),
			"bon_travail.subtotal": cents("bon_travail", "subtotal"),
			"account.ppa_amount": cents("account", "ppa_amount"),
			"service.hijack_price": cents("service", "hijack_price"),
		}
		return {
			"seed": self.seed,
			"scale": self.scale,
			"now": NOW,
			"rows": {table: len(rows) for table, rows in sorted(self.rows.items())},
			"accounts": {
				"active": sum(1 for a in self.accounts if a["status"] == 1),
				"suspended": sum(1 for a in self.accounts if a["status"] == 2),
				"closed": sum(1 for a in self.accounts if a["status"] == 0),
				"unknown_status": sum(1 for a in self.accounts if a["status"] not in (0, 1, 2)),
			},
			"planted": {
				kind: {k: v for k, v in sorted(by.items())} for kind, by in sorted(self.planted.items())
			},
			"expected_text": self.expected_text,
			"php": self.php,
			"money_totals": {k: str(v) for k, v in totals.items()},
		}


def summarize(manifest: dict) -> dict:
	"""The manifest without ids: how many of each thing were planted."""

	def count(value):
		if isinstance(value, dict):
			return {k: count(v) for k, v in value.items()}
		return len(value) if isinstance(value, list) else value

	return {
		"seed": manifest["seed"],
		"scale": manifest["scale"],
		"rows": manifest["rows"],
		"accounts": manifest["accounts"],
		"planted": count(manifest["planted"]),
		"money_totals": manifest["money_totals"],
		"timings": manifest.get("timings"),
	}


# ---------------------------------------------------------------------------------------
# Database


class GeneratorError(Exception):
	pass


_DB_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


def schema_statements(
	legacy_db: str = "legacy", genieacs_db: str = "genieacs", path: Path = SCHEMA
) -> list[str]:
	"""The statements of schema.sql with the two database names substituted."""
	for name in (legacy_db, genieacs_db):
		if not _DB_NAME.fullmatch(name):
			raise GeneratorError(f"invalid database name {name!r}")
	names = {"legacy": legacy_db, "genieacs": genieacs_db}
	text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
	text = re.sub(
		r"\b(CREATE DATABASE IF NOT EXISTS|USE)\s+(legacy|genieacs)\b",
		lambda m: f"{m[1]} `{names[m[2]]}`",
		text,
	)
	return [s.strip() for s in text.split(";") if s.strip()]


def _database_exists(cursor, name: str) -> bool:
	cursor.execute("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", (name,))
	return cursor.fetchone() is not None


def load(connection, builder: Builder, legacy_db: str, genieacs_db: str, drop_existing: bool) -> None:
	"""Create both databases from schema.sql and insert every row, a table at a time."""
	statements = schema_statements(legacy_db, genieacs_db)
	with connection.cursor() as cursor:
		for name in (legacy_db, genieacs_db):
			if _database_exists(cursor, name):
				if not drop_existing:
					raise GeneratorError(f"database {name!r} exists; pass --drop-existing to replace it")
				cursor.execute(f"DROP DATABASE `{name}`")
		for statement in statements:
			cursor.execute(statement)
		cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
		for table, rows in builder.rows.items():
			database = genieacs_db if table in ("wifi", "voip") else legacy_db
			cursor.execute(
				"SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
				"ORDER BY ORDINAL_POSITION",
				(database, table),
			)
			columns = [c[0] for c in cursor.fetchall()]
			if not columns:
				raise GeneratorError(f"{database}.{table} is not in schema.sql")
			extra = {k for row in rows for k in row if not k.startswith("_")} - set(columns)
			if extra:
				raise GeneratorError(f"{table}: columns not in schema.sql: {sorted(extra)}")
			sql = "INSERT INTO `{}`.`{}` ({}) VALUES ({})".format(
				database, table, ", ".join(f"`{c}`" for c in columns), ", ".join(["%s"] * len(columns))
			)
			values = [tuple(row.get(c) for c in columns) for row in sorted(rows, key=lambda r: r["id"])]
			for start in range(0, len(values), 5000):
				cursor.executemany(sql, values[start : start + 5000])
			connection.commit()


def generate(
	host: str = "127.0.0.1",
	port: int = 3306,
	user: str = "root",
	password: str = "",
	*,
	scale: float = 1.0,
	seed: int = 1,
	legacy_db: str = "legacy",
	genieacs_db: str = "genieacs",
	drop_existing: bool = False,
	unix_socket: str | None = None,
) -> dict:
	"""Build and load the legacy databases; returns the manifest of what was planted."""
	if scale <= 0:
		raise GeneratorError("scale must be positive")
	started = time.monotonic()
	builder = Builder(seed, scale)
	builder.build()
	built = time.monotonic()
	connection = pymysql.connect(
		host=host,
		port=port,
		user=user,
		password=password,
		charset="utf8mb4",
		autocommit=False,
		unix_socket=unix_socket,
	)
	try:
		load(connection, builder, legacy_db, genieacs_db, drop_existing)
	finally:
		connection.close()
	manifest = builder.manifest()
	manifest["databases"] = {"legacy": legacy_db, "genieacs": genieacs_db}
	manifest["timings"] = {
		"build_s": round(built - started, 2),
		"load_s": round(time.monotonic() - built, 2),
		"total_s": round(time.monotonic() - started, 2),
	}
	return manifest


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=3306)
	parser.add_argument("--user", required=True)
	parser.add_argument("--password", default="")
	parser.add_argument("--socket", default=None, help="unix socket instead of host/port")
	parser.add_argument("--scale", type=float, default=1.0)
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--legacy-db", default="legacy")
	parser.add_argument("--genieacs-db", default="genieacs")
	parser.add_argument("--drop-existing", action="store_true", help="replace the databases if they exist")
	parser.add_argument("--manifest", type=Path, help="write the full manifest (with ids) to this JSON file")
	args = parser.parse_args(argv)
	try:
		manifest = generate(
			args.host,
			args.port,
			args.user,
			args.password,
			scale=args.scale,
			seed=args.seed,
			legacy_db=args.legacy_db,
			genieacs_db=args.genieacs_db,
			drop_existing=args.drop_existing,
			unix_socket=args.socket,
		)
	except (GeneratorError, pymysql.MySQLError) as exc:
		print(f"error: {exc}", file=sys.stderr)
		return 1
	if args.manifest:
		args.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
	print(json.dumps(summarize(manifest), ensure_ascii=False, indent=1))
	return 0


if __name__ == "__main__":
	sys.exit(main())
