"""A physical fibre drop to a premises, on one ONT position of an OLT port, and its civic
address: proposed by the matching (network/drop_matching.py), confirmed, chosen or rejected
by a reviewer (the actions below, behind api/fibre_drops.py)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network.civic_address import matching_rules
from gigafibre_fsm.network.drop_matching import match_drops, render_reason
from gigafibre_fsm.network.fibre_port import drop_status, format_port, is_free, port_key, reservation_for
from gigafibre_fsm.status_flow import in_service
from gigafibre_fsm.validation import (
	UNKNOWN,
	normalize_coordinates,
	normalize_port_fields,
	normalize_postal_code_field,
	raise_unique_violation,
)

PORT_FIELDS = ("frame", "slot", "port", "ont_slot")


class NotLinkedError(frappe.ValidationError):
	"""A reviewer's action on the drop's address, and the drop has none."""


class FibreDrop(Document):
	def validate(self):
		normalize_postal_code_field(self)
		normalize_coordinates(self)
		normalize_port_fields(self, *PORT_FIELDS)
		self.normalize_installed_serial()
		self.keep_holder_reserved()
		self.set_position_and_status()
		self.check_position_not_duplicated()

	def before_save(self):
		# Not in validate(): the legacy import (legacy/bulk.py) runs validate's checks on drops
		# that have no civic address yet; a person's choice of address is a save's business.
		self.follow_address_choice()

	def follow_address_choice(self):
		"""A person who sets or changes the drop's civic address confirms it; cleared, the drop
		is unmatched. (A matching run writes its proposals directly, never through a save.)"""
		if self.flags.pop("match_decided", False):
			return  # confirmed or rejected through the reviewer's action, just now
		before = self.get_doc_before_save()
		old = (before.get("civic_address") if before else None) or None
		address, status = self.get("civic_address") or None, self.get("match_status")
		proposed = status in (matching_rules.MATCHED, matching_rules.NEEDS_REVIEW)
		if address and address != old and not (before is None and proposed):
			self.confirm_address(chosen=True)
		elif not address and status and status not in (matching_rules.REJECTED, matching_rules.UNMATCHED):
			self.set_match(matching_rules.UNMATCHED, 0, None)
		elif not address and old:
			self.set_match(matching_rules.UNMATCHED, 0, None)

	def set_match(self, status: str, confidence: float, reason: str | None, candidates: str | None = None):
		self.match_status = status
		self.match_confidence = confidence
		self.match_reason = reason
		self.match_candidates = candidates
		self.matched_on = now_datetime()

	def rejected(self) -> list[str]:
		return matching_rules.read_rejected(self.get("rejected_addresses"))

	# The reviewers' actions (who may take them is api/fibre_drops.py's business)

	def confirm_match(self):
		"""The reviewer confirms the drop's address: no later run changes it."""
		self.check_linked(_("Fibre drop {0} has no civic address to confirm"))
		self.confirm_address()
		self.save()

	def pick_address(self, address: str):
		"""The reviewer points the drop at another address, which is then confirmed
		(:meth:`follow_address_choice`)."""
		if not address or not frappe.db.exists("Civic Address", address):
			frappe.throw(_("Civic address {0} not found").format(address), frappe.DoesNotExistError)
		self.civic_address = address
		self.save()

	def reject_match(self):
		"""The reviewer says the drop is not at its proposed address: it is never proposed again."""
		self.check_linked(_("Fibre drop {0} has no civic address to reject"))
		self.reject_address()
		self.save()

	def match_again(self):
		"""Look for the drop's address now, as the batch would; a confirmed address stays."""
		if self.match_status == matching_rules.CONFIRMED:
			return
		match_drops(names=[self.name], commit=False)
		self.reload()

	def check_linked(self, message: str):
		if not self.civic_address:
			frappe.throw(message.format(self.name), NotLinkedError)

	def confirm_address(self, chosen: bool = False):
		"""Confirm the drop's address (``chosen``: a person picked it): no run changes it again."""
		who = frappe.utils.get_fullname(frappe.session.user)
		if chosen:
			reason = render_reason([("Chosen by {0}", (who,))])
			self.set_match(matching_rules.CONFIRMED, 100, reason)
		else:
			reason = render_reason([("Confirmed by {0}", (who,))])
			previous = (self.match_reason or "").strip()
			self.set_match(
				matching_rules.CONFIRMED,
				self.match_confidence,
				f"{reason}\n{previous}" if previous else reason,
				self.match_candidates,
			)
		# A person's choice wins over an earlier "not this one".
		rejected = [a for a in self.rejected() if a != self.civic_address]
		self.rejected_addresses = "\n".join(rejected) or None
		self.flags.match_decided = not chosen

	def reject_address(self):
		"""The drop is not at its proposed address: remember it (never proposed again), unlink it."""
		address = self.civic_address
		label = frappe.db.get_value("Civic Address", address, "label") or address
		who = frappe.utils.get_fullname(frappe.session.user)
		self.rejected_addresses = "\n".join(dict.fromkeys([*self.rejected(), address]))
		self.civic_address = None
		self.set_match(
			matching_rules.REJECTED,
			0,
			render_reason([("{0} rejected by {1}", (label, who))]),
			self.match_candidates,
		)
		self.flags.match_decided = True

	def normalize_installed_serial(self):
		self.installed_serial = (self.installed_serial or "").strip().upper() or None

	def keep_holder_reserved(self, holder_status=UNKNOWN):
		"""A drop serving a location in service is never shown free, even if its serial was cleared.

		``holder_status``: the location's status when the caller already knows it (the bulk import).
		"""
		if self.service_location and is_free(self.installed_serial):
			status = holder_status
			if status is UNKNOWN:
				status = frappe.db.get_value("Service Location", self.service_location, "status")
			if status and in_service(status):
				self.installed_serial = reservation_for(self.service_location)

	def set_position_and_status(self):
		self.olt_port = format_port(self.frame, self.slot, self.port)
		self.position_key = port_key(self.olt, *(self.get(f) for f in PORT_FIELDS))
		self.status = drop_status(self.installed_serial, self.box_not_installed)

	def check_position_not_duplicated(self, find_other=None):
		"""One drop per ONT position on an OLT port (the unique position key enforces it too).

		``find_other(position_key)``: another drop's name, when the caller holds an index.
		"""
		if not self.position_key:
			return
		if find_other:
			other = find_other(self.position_key)
		else:
			other = frappe.db.get_value(
				"Fibre Drop", {"position_key": self.position_key, "name": ("!=", self.name or "")}, "name"
			)
		if other:
			self.throw_position_taken(other)

	def throw_position_taken(self, other: str | None = None):
		frappe.throw(
			_("OLT {0} port {1} ONT {2} is already the drop {3}").format(
				self.olt, self.olt_port, self.ont_slot, other or _("of another premises")
			),
			PortUnavailableError,
		)

	def show_unique_validation_message(self, e):
		raise_unique_violation(self, e, {"position_key": lambda: self.throw_position_taken()})
		super().show_unique_validation_message(e)
