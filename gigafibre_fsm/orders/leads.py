"""Where fibre is not available yet, and for businesses: leads for the waitlist and for sales.

- `join_waitlist`: a Residential Lead tagged with the municipality (for coverage planning);
  the same email again returns the same Lead. Phone plans are still offered by the page.
- `request_business_quote`: an Enterprise Lead and an Issue for the sales team.
"""

import frappe
from frappe import _

from gigafibre_fsm.network.coverage import load_site
from gigafibre_fsm.orders.order_input import OrderInputError, read_email, read_name, read_phone

MAX_TEXT = 2000


def _free_text(value: object, field: str, limit: int, required: bool = True) -> str | None:
	text = " ".join(str(value or "").split())
	if not text:
		if required:
			raise OrderInputError(field, _("This field is required"))
		return None
	if len(text) > limit:
		raise OrderInputError(field, _("At most {0} characters"), limit)
	if "<" in text or ">" in text:
		raise OrderInputError(field, _("The characters < and > are not accepted"))
	return text


def _existing_lead(email: str) -> str | None:
	return frappe.db.get_value("Lead", {"email_id": email}, "name")


def _tag(doctype: str, name: str, tag: str) -> None:
	"""Tag the record as the desk's tag box does, without its permission check (the visitor
	is a guest). A tag another request creates at the same moment is not an error."""
	if not frappe.db.exists("Tag", tag):
		frappe.db.savepoint("gf_tag")
		try:
			frappe.get_doc({"doctype": "Tag", "__newname": tag}).insert(ignore_permissions=True)
		except frappe.DuplicateEntryError:
			frappe.db.rollback(save_point="gf_tag")
			frappe.clear_messages()
	frappe.db.set_value(doctype, name, "_user_tags", f",{tag}", update_modified=False)
	frappe.get_doc(
		{"doctype": "Tag Link", "document_type": doctype, "document_name": name, "tag": tag, "title": name}
	).insert(ignore_permissions=True)


def join_waitlist(body: dict) -> dict:
	first = read_name(body.get("first_name"), "first_name")
	last = read_name(body.get("last_name"), "last_name")
	email = read_email(body.get("email"), "email")
	phone = read_phone(body.get("phone"), "phone")
	values = {"lead_type": "Residential"}
	if body.get("address_id"):
		site = load_site(str(body["address_id"]).strip()[:64])
		address = site.address
		values.update(
			service_address=address.label,
			service_city=address.municipality,
			service_postal_code=address.postal_code,
			rqa_address_id=address.name,
			fibre_drop=address.fibre_drop,
		)
	else:
		values["service_address"] = _free_text(body.get("address"), "address", 200)
	existing = _existing_lead(email)
	if existing:
		return {"lead": existing}
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": first,
			"last_name": last,
			"email_id": email,
			"mobile_no": phone,
			"status": "Lead",
			"wants_internet": 1,
			**values,
		}
	)
	lead.insert(ignore_permissions=True)
	if values.get("service_city"):
		_tag("Lead", lead.name, values["service_city"])
	return {"lead": lead.name}


def request_business_quote(body: dict) -> dict:
	company = _free_text(body.get("company"), "company", 140)
	first = read_name(body.get("first_name"), "first_name")
	last = read_name(body.get("last_name"), "last_name")
	email = read_email(body.get("email"), "email")
	phone = read_phone(body.get("phone"), "phone")
	address = _free_text(body.get("address"), "address", 200)
	needs = _free_text(body.get("needs"), "needs", MAX_TEXT, required=False)
	lead = _existing_lead(email)
	if lead:
		frappe.db.set_value("Lead", lead, "lead_type", "Enterprise")
	else:
		lead = (
			frappe.get_doc(
				{
					"doctype": "Lead",
					"first_name": first,
					"last_name": last,
					"company_name": company,
					"email_id": email,
					"mobile_no": phone,
					"status": "Lead",
					"lead_type": "Enterprise",
					"service_address": address,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	issue = frappe.get_doc(
		{
			"doctype": "Issue",
			# Data for the sales team, in French like every title the staff works with.
			"subject": f"Soumission fibre entreprise - {address}"[:140],
			"raised_by": email,
			"lead": lead,
			"description": "\n".join(
				filter(None, [f"{company} — {first} {last}, {email}, {phone}", address, needs])
			),
		}
	)
	issue.flags.ignore_links = True
	issue.insert(ignore_permissions=True)
	return {"lead": lead, "issue": issue.name}
