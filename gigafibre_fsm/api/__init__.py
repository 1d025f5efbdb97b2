"""HTTP endpoints, grouped by who calls them: website.py (guests), desk.py (agents)."""
