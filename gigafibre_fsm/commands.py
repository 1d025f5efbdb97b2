"""Bench commands of the app (Frappe reads this module's ``commands`` list)."""

from gigafibre_fsm.billing.commands import commands as billing_commands
from gigafibre_fsm.legacy.commands import commands as legacy_commands
from gigafibre_fsm.network.civic_address.commands import commands as address_commands

commands = [*address_commands, *legacy_commands, *billing_commands]
