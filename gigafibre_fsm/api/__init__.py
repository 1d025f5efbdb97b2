"""HTTP endpoints, grouped by who calls them: website.py (guests), desk.py (agents taking an
order), fibre_drops.py (reviewers of the drops' addresses; the map of drops). guard.py is what
every endpoint does first. Each endpoint checks, calls a service and returns."""
