"""Import the legacy system's data on `bench migrate` when the site is configured for it.

Safe to run again: the import skips what it already holds and updates what changed. Without
a legacy database (site config `legacy_db` or Gigafibre Settings) it returns at once.
"""

from gigafibre_fsm.legacy.run import import_legacy


def execute():
	import_legacy()
