"""staff → User: the technicians of work orders and the agents of arrangements.

A staff member is mapped by email to an existing user, else created disabled and without
roles, named after their email (``legacy-staff-<id>@gigafibre.invalid`` when they have none),
each logged as a warning; an administrator enables those who still work. The ledger keeps
the user a staff id became, for the steps that name staff.
"""

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import Context, Issue, Notes, Plan
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def staff_email(row: dict) -> str | None:
	email = clean.clean_email(row.get("email"))
	return email if isinstance(email, str) else None


def convert_staff(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	email = staff_email(row) or f"legacy-staff-{row['id']}@gigafibre.invalid"
	values = {
		"email": email,
		"first_name": notes.text(row.get("first_name"), what="first name") or f"Staff {row['id']}",
		"last_name": notes.text(row.get("last_name"), what="last name"),
	}
	return Plan("User", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class StaffStep(Step):
	key = "staff"
	doctype = "User"
	sources = ("staff",)
	creates_at_once = True

	def prepare(self):
		self.existing = {}
		self.writer = self.new_writer()
		self.by_email = {}
		for user in frappe.get_all("User", fields=["name", "email"]):
			self.by_email[user.name.casefold()] = user.name
			if user.email:
				self.by_email[user.email.casefold()] = user.name

	def find_existing(self, source_table, key, plan):
		ledger = self.imp.ledger.get(("staff", key))
		if ledger and frappe.db.exists("User", ledger[1]):
			return ledger[1]
		return None

	def convert(self, source_table, row):
		return convert_staff(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		known = self.by_email.get(plan.values["email"].casefold())
		if known:
			return known
		# A technician or agent of the old system with no account here: a disabled user with no
		# role, so their name shows on the history and an administrator can enable them.
		doc = self.writer.new(
			{**plan.values, "enabled": 0, "send_welcome_email": 0, "user_type": "System User"},
			name=plan.values["email"],
		)
		self.writer.validate(doc)
		self.writer.accept(doc)
		# Written at once: User.validate_username looks for taken usernames in the database.
		self.writer.flush()
		plan.warnings.append(Issue("Disabled user created for staff", plan.values["email"]))
		self.by_email[plan.values["email"].casefold()] = doc.name
		return doc.name

	def update(self, source_table, key, name, plan, row, batch):
		return name
