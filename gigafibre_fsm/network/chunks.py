"""Rows for many ids, read a chunk of ids at a time.

A batch asks the database about thousands of ids at once (the words of a page of drops,
their streets, the addresses to delete…). One ``IN (…)`` list of them all would make the
range optimiser plan past its memory limit and scan; :func:`rows_in` sends :data:`CHUNK`
ids a query, which keeps each plan small.
"""

from collections.abc import Iterable, Iterator

import frappe

# Ids per IN (…) list: the range optimiser keeps its plan well below its memory limit.
CHUNK = 2000


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[tuple]:
	"""The distinct ``values``, sorted (the same ids read the same way), ``size`` at a time."""
	ordered = sorted(set(values))
	for start in range(0, len(ordered), size):
		yield tuple(ordered[start : start + size])


def rows_in(sql: str, values: Iterable, *params, size: int = CHUNK, **kwargs) -> Iterator:
	"""The rows of ``sql`` for every one of ``values``: its first ``%s`` is the ``IN`` list,
	``params`` fill the placeholders after it; ``kwargs`` go to ``frappe.db.sql`` (``as_dict``…).
	"""
	for chunk in chunks(values, size):
		yield from frappe.db.sql(sql, (chunk, *params), **kwargs)
