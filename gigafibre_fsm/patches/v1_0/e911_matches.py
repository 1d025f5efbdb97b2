"""Lines made before the 911 comparison was stored get theirs: Match, Mismatch or Missing and
the differing parts, from their location's address today."""

from gigafibre_fsm.voip.e911_reports import refresh_matches


def execute():
	refresh_matches()
