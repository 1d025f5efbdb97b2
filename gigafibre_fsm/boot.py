"""What the desk receives at login."""

from gigafibre_fsm.status_flow import colours


def boot_session(bootinfo):
	# The list and form indicators read the status colours from status_flow.py, the one list.
	bootinfo.gigafibre_status_colours = colours()
