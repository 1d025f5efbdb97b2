"""A VoIP Line no longer holds a SIP password: it lives on the equipment that carries the account.

On a site made by an earlier version, each line's password (left in ``__Auth`` under the line
when the field left the doctype) moves to its equipment, and the line names that equipment:

- the equipment the line already names, else the location's device with the line's SIP user
  name (its DID for the legacy lines), else the location's IP phone with the line's ATA MAC
  (voip/accounts.py ``sip_home``);
- a location with none of these gets the line's IP phone, made from the line's ATA (its MAC
  when no other equipment has it, its model), In Stock as an order's placeholder is, with the
  account: a technician's scan completes it;
- the equipment gets the user name when it had none, and the line's password, which is the
  PBX's and so replaces a different one (printed);
- the password of a cancelled line (a closed account), of a line without a location (no device
  to carry it) and of an equipment that carries another line's account is not kept (printed).

Every line's own copy is removed, kept or not. Safe to run twice: a second run finds none.
"""

import frappe
from frappe.utils.password import decrypt, get_decrypted_password, set_encrypted_password

from gigafibre_fsm.voip.accounts import IP_PHONE, sip_home

EQUIPMENT = "Service Equipment"
LINE_FIELDS = [
	"name",
	"did",
	"status",
	"customer",
	"service_location",
	"sip_username",
	"equipment",
	"ata_mac",
	"ata_model",
]


def execute():
	rows = frappe.db.sql(
		"""select name, password from `__Auth`
		where doctype = 'VoIP Line' and fieldname = 'sip_password' and encrypted = 1""",
		as_dict=True,
	)
	outcomes: dict[str, int] = {}
	for row in rows:
		line = frappe.db.get_value("VoIP Line", row.name, LINE_FIELDS, as_dict=True)
		try:
			secret = decrypt(row.password)
		except Exception:
			secret = None
		outcome = move(line, secret) if line and secret else "not kept: the line or its password is gone"
		if line and not outcome.startswith("moved"):
			print(f"VoIP Line {line.name}: SIP password {outcome}")
		outcomes[outcome.split(":")[0]] = outcomes.get(outcome.split(":")[0], 0) + 1
		frappe.db.delete("__Auth", {"doctype": "VoIP Line", "name": row.name, "fieldname": "sip_password"})
	if rows:
		print(
			"SIP passwords of VoIP Lines: " + ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
		)


def move(line, secret: str) -> str:
	if line.status == "Cancelled":
		return "not kept: the line is cancelled (its account is closed)"
	if not line.service_location:
		return "not kept: the line has no location, so no device to carry it"
	username = line.sip_username or line.did
	equipment = frappe.get_all(
		EQUIPMENT,
		filters={"service_location": line.service_location},
		fields=["name", "equipment_type", "sip_username", "mac_address", "status"],
		order_by="creation asc",
	)
	home = next((e for e in equipment if e.name == line.equipment), None) or sip_home(
		username, line.ata_mac, equipment
	)
	if not home:
		home = make_ip_phone(line, username)
		created = True
	else:
		created = False
	other = frappe.db.get_value(
		"VoIP Line",
		{"equipment": home.name, "status": ("!=", "Cancelled"), "name": ("!=", line.name)},
		"name",
	)
	if other or home.sip_username not in (None, "", username):
		return f"not kept: equipment {home.name} carries another account ({other or home.sip_username})"
	if not home.sip_username:
		frappe.db.set_value(
			EQUIPMENT, home.name, {"sip_username": username, "sip_line": 1}, update_modified=False
		)
	current = get_decrypted_password(EQUIPMENT, home.name, "sip_password", raise_exception=False)
	set_encrypted_password(EQUIPMENT, home.name, secret, "sip_password")
	frappe.db.set_value(
		"VoIP Line", line.name, {"equipment": home.name, "sip_username": username}, update_modified=False
	)
	if created:
		return f"moved: to the new IP phone {home.name}"
	if current and current != secret:
		return f"moved: to {home.name}, replacing the one it had"
	return f"moved: to {home.name}"


def make_ip_phone(line, username: str):
	mac = (
		line.ata_mac
		if line.ata_mac and not frappe.db.exists(EQUIPMENT, {"mac_address": line.ata_mac})
		else None
	)
	doc = frappe.get_doc(
		{
			"doctype": EQUIPMENT,
			"equipment_type": IP_PHONE,
			"status": "In Stock",
			"customer": line.customer,
			"service_location": line.service_location,
			"mac_address": mac,
			"model": line.ata_model,
			"sip_username": username,
			"sip_line": 1,
		}
	)
	doc.flags.in_import = True
	doc.insert(ignore_permissions=True)
	return frappe._dict(name=doc.name, sip_username=username)
