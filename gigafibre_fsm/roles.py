"""Who may do what: the one permission matrix of the app. Pure Python.

Every role × doctype right is written here and nowhere else. The app's doctype JSON files
carry exactly these rows (a unit test compares them, and ``python -m gigafibre_fsm.roles``
rewrites them); install and every migrate apply the rows for ERPNext's doctypes as Custom
DocPerm. Rights marked as *job-scoped* hold only for the records of the dispatch jobs a
Field Technician is assigned to (field_service/permissions.py enforces that on the server).

Least privilege: each role gets what its work needs. Sharing is for System Managers only;
exporting data is for the office roles that report on it.
"""

import json
import sys
from datetime import datetime
from pathlib import Path

SUPPORT = "Gigafibre Support"
DISPATCHER = "Dispatcher"
TECHNICIAN = "Field Technician"
SALES = "Sales Agent"
COLLECTIONS = "Collections"
# The ACS's API user (GenieACS today, Oktopus next): the only one that may call api/acs.py. It
# has no right on any doctype: its endpoints read and write what they answer themselves.
ACS = "ACS"
SYSTEM_MANAGER = "System Manager"

# The office's and the field's roles (desk users), each with its rights below.
STAFF_ROLES = (SUPPORT, DISPATCHER, TECHNICIAN, SALES, COLLECTIONS)
# An integration's API user: no desk (its user is a Website User, without the rights Frappe
# gives every desk user) and no row in the matrix.
API_ROLES = (ACS,)
ROLES = (*STAFF_ROLES, *API_ROLES)

# The rights Frappe stores on a permission row; every one not granted is 0.
RIGHTS = (
	"read",
	"write",
	"create",
	"delete",
	"submit",
	"cancel",
	"amend",
	"report",
	"export",
	"import",
	"print",
	"email",
	"share",
)

READ = frozenset({"read", "report", "print"})
EDIT = READ | {"write"}
ADD = EDIT | {"create"}
MANAGE = ADD | {"delete"}
EXPORT = frozenset({"export"})
EMAIL = frozenset({"email"})
ALL = frozenset(RIGHTS) - {"submit", "cancel", "amend"}
# A technician on the road reads (and prints a work order); no lists to export, nothing to share.
ON_THE_ROAD = frozenset({"read", "print"})

# The app's own doctypes.
APP_DOCTYPES: dict[str, dict[str, frozenset[str]]] = {
	"Service Location": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD | EXPORT | EMAIL,
		SALES: ADD | EMAIL,
		DISPATCHER: READ,
		COLLECTIONS: READ,
		TECHNICIAN: ON_THE_ROAD,
	},
	"Service Subscription": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD | EXPORT,
		SALES: ADD,
		COLLECTIONS: EDIT | EXPORT,
		DISPATCHER: READ,
		TECHNICIAN: ON_THE_ROAD,
	},
	"Service Equipment": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD | EXPORT,
		DISPATCHER: READ,
		SALES: READ,
		TECHNICIAN: ON_THE_ROAD | {"write"},
	},
	"VoIP Line": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD | EXPORT,
		COLLECTIONS: EDIT,
		DISPATCHER: READ,
		TECHNICIAN: ON_THE_ROAD,
	},
	# The company's phone numbers: support adds and assigns them, the others read whose number it is.
	"DID": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: MANAGE | EXPORT,
		COLLECTIONS: READ,
		DISPATCHER: READ,
		SALES: READ,
	},
	"Dispatch Job": {
		SYSTEM_MANAGER: ALL,
		DISPATCHER: MANAGE | EXPORT | EMAIL,
		SUPPORT: ADD | EMAIL,
		SALES: READ,
		TECHNICIAN: ON_THE_ROAD | {"write"},
	},
	"Dispatch Tag": {
		SYSTEM_MANAGER: ALL,
		DISPATCHER: MANAGE,
		SUPPORT: READ,
		SALES: READ,
		TECHNICIAN: frozenset({"read"}),
	},
	"Fibre Drop": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD | EXPORT,
		DISPATCHER: READ,
		SALES: READ,
	},
	"OLT": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: ADD,
		DISPATCHER: READ,
	},
	"Payment Arrangement": {
		SYSTEM_MANAGER: ALL,
		COLLECTIONS: MANAGE | EXPORT | EMAIL,
		SUPPORT: READ,
	},
	# Cards and bank accounts: collections manage them, support can tell a customer which is on file.
	"Payment Method": {
		SYSTEM_MANAGER: ALL,
		COLLECTIONS: ADD,
		SUPPORT: READ,
	},
	"Suspension Log": {
		SYSTEM_MANAGER: ALL,
		COLLECTIONS: ADD | EXPORT,
		SUPPORT: READ,
	},
	# The messages collections sent (reminders, notices, suspension and restoration): written by
	# the collections run only.
	"Collection Notice": {SYSTEM_MANAGER: ALL, COLLECTIONS: READ | EXPORT, SUPPORT: READ},
	# The monthly billing's record of each run and its one claim per customer and month:
	# written by the run only, read by the office.
	"Billing Run": {SYSTEM_MANAGER: ALL, COLLECTIONS: READ | EXPORT, SUPPORT: READ},
	"Billing Claim": {SYSTEM_MANAGER: ALL, COLLECTIONS: READ, SUPPORT: READ},
	# A run's bank debit file and its debits: written by the service; Collections upload the file
	# and record what the bank cleared or returned (the form's buttons, which check "write").
	"Bank Debit Batch": {SYSTEM_MANAGER: ALL, COLLECTIONS: EDIT | EXPORT, SUPPORT: READ},
	# The Adresses Québec reference and its matches to fibre drops (reviewed by support).
	"Civic Address": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: EDIT | EXPORT,
		SALES: READ,
		DISPATCHER: READ,
	},
	# Orders from the website and the agents' "Nouvelle installation", and their messages.
	"Web Order": {
		SYSTEM_MANAGER: ALL,
		SALES: READ,
		SUPPORT: READ | EXPORT,
		DISPATCHER: READ,
	},
	"Order Notification": {
		SYSTEM_MANAGER: ALL,
		SUPPORT: READ,
		SALES: READ,
	},
	# The legacy import's runs, rejects and ledger: written by the import, read by the office.
	"Legacy Import Run": {SYSTEM_MANAGER: ALL, SUPPORT: READ | EXPORT},
	"Legacy Import Log": {SYSTEM_MANAGER: ALL, SUPPORT: READ | EXPORT},
	"Legacy Record": {SYSTEM_MANAGER: ALL, SUPPORT: READ | EXPORT},
	"Gigafibre Settings": {
		SYSTEM_MANAGER: frozenset({"read", "write", "print"}),
	},
}

# ERPNext's doctypes our roles work with (their own roles' rows are left as ERPNext has them).
STANDARD_DOCTYPES: dict[str, dict[str, frozenset[str]]] = {
	"Customer": {
		SUPPORT: EDIT | EMAIL,
		SALES: ADD | EMAIL,
		COLLECTIONS: EDIT | EXPORT | EMAIL,
		DISPATCHER: READ,
		TECHNICIAN: ON_THE_ROAD,
	},
	"Contact": {SUPPORT: ADD, SALES: ADD, COLLECTIONS: EDIT, DISPATCHER: READ},
	"Address": {SUPPORT: ADD, SALES: ADD, COLLECTIONS: EDIT, DISPATCHER: READ},
	"Lead": {SALES: ADD | EXPORT | EMAIL, SUPPORT: READ},
	"Issue": {
		SUPPORT: ADD | EXPORT | EMAIL,
		DISPATCHER: ADD,
		SALES: READ | {"create"},
		COLLECTIONS: READ | {"create"},
		TECHNICIAN: ON_THE_ROAD,
	},
	"Project": {SUPPORT: EDIT, DISPATCHER: EDIT, SALES: READ, TECHNICIAN: ON_THE_ROAD},
	# A technician marks the tasks of their own jobs' projects done (field_service/permissions.py
	# keeps them to those, and writing to the technicians' own tasks); Collections follows up
	# the unpaid invoices' tasks.
	"Task": {SUPPORT: EDIT, DISPATCHER: EDIT, COLLECTIONS: EDIT, TECHNICIAN: ON_THE_ROAD | {"write"}},
	"Item": {role: READ for role in STAFF_ROLES},
	"Quotation": {SALES: ADD | EMAIL, SUPPORT: READ},
	"Sales Invoice": {COLLECTIONS: READ | EXPORT | EMAIL, SUPPORT: READ},
	"Payment Entry": {COLLECTIONS: READ | EXPORT},
}

# What a Field Technician may see only for the dispatch jobs they are assigned to.
JOB_SCOPED = (
	"Dispatch Job",
	"Customer",
	"Service Location",
	"Service Subscription",
	"Service Equipment",
	"VoIP Line",
	"Project",
	"Task",
	"Issue",
)

# Child tables of a dispatch job: listed only within the jobs their reader may see.
DISPATCH_JOB_TABLES = (
	"Dispatch Job Technician",
	"Dispatch Job Equipment",
	"Dispatch Job Tag",
	"Dispatch Job Part",
)

MATRIX = {**APP_DOCTYPES, **STANDARD_DOCTYPES}

# Who may run each of the app's reports: its JSON's roles are exactly these, and each role also
# has "report" on the report's reference doctype above. Money (arrangements, suspensions) is for
# collections and support; the network and the installations for dispatch and support; a Field
# Technician runs none.
REPORTS: dict[str, tuple[str, ...]] = {
	"OLT Capacity": (SYSTEM_MANAGER, SUPPORT, DISPATCHER),
	"Orders and Installations": (SYSTEM_MANAGER, SUPPORT, DISPATCHER),
	"Payment Arrangements": (SYSTEM_MANAGER, COLLECTIONS, SUPPORT),
	"Suspensions": (SYSTEM_MANAGER, COLLECTIONS, SUPPORT),
	"Legacy Reconciliation": (SYSTEM_MANAGER, SUPPORT),
	# 911: every number (collections read it beside the account), the audit and the orphans (support).
	"DID 911 Register": (SYSTEM_MANAGER, SUPPORT, COLLECTIONS),
	"E911 Address Audit": (SYSTEM_MANAGER, SUPPORT),
	"Orphan E911 Registrations": (SYSTEM_MANAGER, SUPPORT),
}

# ERPNext's own reports our roles open from the workspace (money owed is ERPNext's Accounts
# Receivable and its ageing, not rewritten): install gives them these roles beside ERPNext's.
STANDARD_REPORTS: dict[str, tuple[str, ...]] = {
	"Accounts Receivable": (COLLECTIONS, SUPPORT),
	"Accounts Receivable Summary": (COLLECTIONS, SUPPORT),
}


def rights(doctype: str, role: str) -> frozenset[str]:
	"""The rights ``role`` has on ``doctype`` by this matrix (empty when none)."""
	return MATRIX.get(doctype, {}).get(role, frozenset())


def permission_rows(doctype: str) -> list[dict]:
	"""The doctype JSON's ``permissions`` list for one of the app's doctypes."""
	return [
		{"role": role, "permlevel": 0, **{right: 1 for right in RIGHTS if right in granted}}
		for role, granted in APP_DOCTYPES[doctype].items()
	]


def _doctype_files(app_dir: Path) -> dict[str, Path]:
	files = {}
	for path in app_dir.glob("*/doctype/*/*.json"):
		if path.stem != path.parent.name:
			continue
		data = json.loads(path.read_text())
		if data.get("doctype") == "DocType" and not data.get("istable"):
			files[data["name"]] = path
	return files


def write_doctype_permissions(app_dir: Path) -> list[str]:
	"""Rewrite the permissions of every app doctype JSON from the matrix; return what changed."""
	changed = []
	for doctype, path in sorted(_doctype_files(app_dir).items()):
		if doctype not in APP_DOCTYPES:
			continue
		data = json.loads(path.read_text())
		rows = permission_rows(doctype)
		if data.get("permissions") != rows:
			data["permissions"] = rows
			# Frappe reloads a doctype on migrate only when its file's timestamp moved.
			data["modified"] = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
			path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
			changed.append(doctype)
	return changed


if __name__ == "__main__":
	app = Path(__file__).parent
	for name in write_doctype_permissions(app):
		print(f"updated {name}")
	sys.exit(0)
