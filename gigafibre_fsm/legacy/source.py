"""Where the legacy databases are and how they are read.

The connection comes from the site config (``legacy_db``: host, port, user, password,
database, genieacs_database) or, when the site config has none, from Gigafibre Settings
(legacy_db_* fields, the password in a Password field). With neither, :func:`get_config`
returns None and the import does nothing, so new sites and test sites migrate cleanly.

Rows are read in pages ordered by their primary key (``WHERE id > last ORDER BY id LIMIT n``):
a page is what one batch imports, and the last key of a committed batch is where a resumed
run starts again. Text comes as the server converts it to utf8mb4; the cleaning rules repair
what the PHP application had stored in the wrong encoding.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import frappe
import pymysql
import pymysql.cursors

_DB_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


@dataclass(frozen=True)
class LegacyConfig:
	host: str
	port: int
	user: str
	password: str
	database: str = "legacy"
	genieacs_database: str = "genieacs"
	unix_socket: str | None = None

	def validate(self) -> None:
		for name in (self.database, self.genieacs_database):
			if not _DB_NAME.fullmatch(name or ""):
				frappe.throw(frappe._("{0} is not a database name").format(frappe.bold(name)))


def get_config() -> LegacyConfig | None:
	"""The legacy database the site is configured to import from, or None."""
	conf = frappe.conf.get("legacy_db")
	if conf:
		return LegacyConfig(
			host=conf.get("host") or "127.0.0.1",
			port=int(conf.get("port") or 3306),
			user=conf.get("user") or "root",
			password=conf.get("password") or "",
			database=conf.get("database") or "legacy",
			genieacs_database=conf.get("genieacs_database") or "genieacs",
			unix_socket=conf.get("unix_socket"),
		)
	if not frappe.db.table_exists("Singles"):
		return None
	settings = frappe.db.get_singles_dict("Gigafibre Settings")
	if not settings.get("legacy_db_host"):
		return None
	from frappe.utils.password import get_decrypted_password

	password = get_decrypted_password(
		"Gigafibre Settings", "Gigafibre Settings", "legacy_db_password", raise_exception=False
	)
	return LegacyConfig(
		host=settings.legacy_db_host,
		port=int(settings.get("legacy_db_port") or 3306),
		user=settings.get("legacy_db_user") or "root",
		password=password or "",
		database=settings.get("legacy_db_name") or "legacy",
		genieacs_database=settings.get("genieacs_db_name") or "genieacs",
	)


class LegacySource:
	"""A read-only connection to the legacy databases."""

	def __init__(self, config: LegacyConfig):
		config.validate()
		self.config = config
		self.connection = pymysql.connect(
			host=config.host,
			port=config.port,
			user=config.user,
			password=config.password,
			unix_socket=config.unix_socket,
			charset="utf8mb4",
			autocommit=True,
			cursorclass=pymysql.cursors.DictCursor,
		)
		with self.connection.cursor() as cursor:
			# Reads only; a consistent view per statement is all the import needs.
			cursor.execute("SET SESSION TRANSACTION READ ONLY")

	def close(self) -> None:
		self.connection.close()

	def table(self, name: str) -> str:
		"""``legacy.account`` style names: genieacs tables live in the second database."""
		database, _, table = name.rpartition(".")
		database = self.config.genieacs_database if database == "genieacs" else self.config.database
		return f"`{database}`.`{table}`"

	def query(self, sql: str, args=None) -> list[dict]:
		with self.connection.cursor() as cursor:
			cursor.execute(sql, args)
			return list(cursor.fetchall())

	def exists(self, name: str) -> bool:
		database, _, table = name.rpartition(".")
		database = self.config.genieacs_database if database == "genieacs" else self.config.database
		return bool(
			self.query(
				"SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
				(database, table),
			)
		)

	def count(self, name: str) -> int:
		return self.query(f"SELECT COUNT(*) AS n FROM {self.table(name)}")[0]["n"]

	def pages(self, name: str, after: int | None, size: int, where: str = "") -> Iterator[list[dict]]:
		"""The table's rows after key ``after``, ``size`` at a time, in key order."""
		last = after if after is not None else -(2**63)
		condition = f" AND ({where})" if where else ""
		while True:
			rows = self.query(
				f"SELECT * FROM {self.table(name)} WHERE id > %s{condition} ORDER BY id LIMIT %s",
				(last, size),
			)
			if not rows:
				return
			yield rows
			last = rows[-1]["id"]

	def duplicates(self, name: str) -> dict[int, int]:
		"""Rows whose every column but the key equals an earlier row's: {id: the earlier id}."""
		columns = [
			r["COLUMN_NAME"]
			for r in self.query(
				"SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
				"AND COLUMN_NAME <> 'id' ORDER BY ORDINAL_POSITION",
				(self.config.database, name),
			)
		]
		if not columns:
			return {}
		# One pass grouping on a digest of every other column (JSON_ARRAY keeps NULL apart from
		# ''); the smallest id of each group is the original.
		digest = "SHA2(JSON_ARRAY({}), 256)".format(", ".join(f"`{c}`" for c in columns))
		with self.connection.cursor() as cursor:
			cursor.execute("SET SESSION group_concat_max_len = 1048576")
		rows = self.query(
			f"SELECT MIN(id) AS original, GROUP_CONCAT(id ORDER BY id) AS ids FROM {self.table(name)} "
			f"GROUP BY {digest} HAVING COUNT(*) > 1"
		)
		found = {}
		for row in rows:
			for ident in str(row["ids"]).split(",")[1:]:
				found[int(ident)] = row["original"]
		return found
