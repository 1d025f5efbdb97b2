"""Bench commands of the app (Frappe reads this module's ``commands`` list)."""

from gigafibre_fsm.legacy.commands import commands as legacy_commands

commands = [*legacy_commands]
