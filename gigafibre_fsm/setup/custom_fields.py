"""Fields the app adds to ERPNext's own doctypes. Created on install and by a patch,
removed on uninstall: this dict is the one place they are defined."""

from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

SERVICE_TYPES = "\ninternet\ntv\ntv_addon\nphone\nfee\ndiscount\nequipment"
# Who carries out a task of the app (role names, translated on display; field_service/task_types.py).
TASK_TEAMS = "\nGigafibre Support\nDispatcher\nField Technician\nCollections"

CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "gigafibre_section",
			"fieldtype": "Section Break",
			"label": "Gigafibre",
			"insert_after": "customer_group",
			"collapsible": 1,
		},
		{
			"fieldname": "legacy_customer_id",
			"fieldtype": "Data",
			"label": "Legacy Customer ID",
			"insert_after": "gigafibre_section",
			"unique": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "stripe_id",
			"fieldtype": "Data",
			"label": "Stripe Customer ID",
			"insert_after": "legacy_customer_id",
			"search_index": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "is_suspended",
			"fieldtype": "Check",
			"label": "Suspended",
			"insert_after": "stripe_id",
			"in_standard_filter": 1,
			"no_copy": 1,
			"description": "Services suspended for non-payment",
		},
		{"fieldname": "gigafibre_column_break", "fieldtype": "Column Break", "insert_after": "is_suspended"},
		{
			"fieldname": "ppa_enabled",
			"fieldtype": "Check",
			"label": "PPA (bank pre-authorized debit)",
			"insert_after": "gigafibre_column_break",
			"no_copy": 1,
		},
		{
			"fieldname": "stripe_ppa_enabled",
			"fieldtype": "Check",
			"label": "PPA (card, Stripe)",
			"insert_after": "ppa_enabled",
			"no_copy": 1,
		},
		# Collections may pause the dunning ladder for a customer (billing/collections.py).
		{
			"fieldname": "collections_paused",
			"fieldtype": "Check",
			"label": "Collections Paused",
			"insert_after": "stripe_ppa_enabled",
			"in_standard_filter": 1,
			"no_copy": 1,
			"description": "No reminders, suspension notices or suspension for overdue invoices while checked (payment arrangements still apply)",
		},
		# The Customer 360 panel, first on the form (public/js/customer_360.js draws it); the
		# section after it gives the form's own fields back their place.
		{
			"fieldname": "customer_360_section",
			"fieldtype": "Section Break",
			"label": "Customer 360",
			"insert_after": "basic_info",
		},
		{"fieldname": "customer_360", "fieldtype": "HTML", "insert_after": "customer_360_section"},
		{"fieldname": "customer_360_end", "fieldtype": "Section Break", "insert_after": "customer_360"},
	],
	"Lead": [
		{
			"fieldname": "gigafibre_tab",
			"fieldtype": "Tab Break",
			"label": "Service Request",
			"insert_after": "dashboard_tab",
		},
		{
			"fieldname": "lead_type",
			"fieldtype": "Select",
			"label": "Lead Type",
			"options": "Residential\nEnterprise",
			"default": "Residential",
			"insert_after": "gigafibre_tab",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "service_address",
			"fieldtype": "Data",
			"label": "Service Address",
			"insert_after": "lead_type",
		},
		{
			"fieldname": "service_city",
			"fieldtype": "Data",
			"label": "Municipality",
			"insert_after": "service_address",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "service_postal_code",
			"fieldtype": "Data",
			"label": "Service Postal Code",
			"insert_after": "service_city",
		},
		{
			"fieldname": "rqa_address_id",
			"fieldtype": "Data",
			"label": "RQA Address ID",
			"insert_after": "service_postal_code",
		},
		{
			"fieldname": "fibre_drop",
			"fieldtype": "Link",
			"label": "Fibre Drop",
			"options": "Fibre Drop",
			"insert_after": "rqa_address_id",
		},
		{"fieldname": "services_column_break", "fieldtype": "Column Break", "insert_after": "fibre_drop"},
		{
			"fieldname": "wants_internet",
			"fieldtype": "Check",
			"label": "Internet",
			"insert_after": "services_column_break",
		},
		{
			"fieldname": "internet_plan",
			"fieldtype": "Link",
			"label": "Internet Plan",
			"options": "Item",
			"insert_after": "wants_internet",
			"depends_on": "wants_internet",
		},
		{"fieldname": "wants_tv", "fieldtype": "Check", "label": "TV", "insert_after": "internet_plan"},
		{
			"fieldname": "tv_package",
			"fieldtype": "Link",
			"label": "TV Package",
			"options": "Item",
			"insert_after": "wants_tv",
			"depends_on": "wants_tv",
		},
		{"fieldname": "wants_phone", "fieldtype": "Check", "label": "Phone", "insert_after": "tv_package"},
		{
			"fieldname": "installation_section",
			"fieldtype": "Section Break",
			"label": "Installation",
			"insert_after": "wants_phone",
		},
		{
			"fieldname": "preferred_date_1",
			"fieldtype": "Date",
			"label": "Preferred Date 1",
			"insert_after": "installation_section",
		},
		{
			"fieldname": "preferred_date_2",
			"fieldtype": "Date",
			"label": "Preferred Date 2",
			"insert_after": "preferred_date_1",
		},
		{
			"fieldname": "preferred_date_3",
			"fieldtype": "Date",
			"label": "Preferred Date 3",
			"insert_after": "preferred_date_2",
		},
		{
			"fieldname": "installation_column_break",
			"fieldtype": "Column Break",
			"insert_after": "preferred_date_3",
		},
		{
			"fieldname": "contact_me",
			"fieldtype": "Check",
			"label": "Contact Me to Schedule",
			"insert_after": "installation_column_break",
		},
		{
			"fieldname": "stripe_setup_intent",
			"fieldtype": "Data",
			"label": "Stripe SetupIntent",
			"insert_after": "contact_me",
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Issue": [
		{
			"fieldname": "service_location",
			"fieldtype": "Link",
			"label": "Service Location",
			"options": "Service Location",
			"insert_after": "issue_type",
			"search_index": 1,
		},
	],
	"Item": [
		{
			"fieldname": "gigafibre_section",
			"fieldtype": "Section Break",
			"label": "Gigafibre Service",
			"insert_after": "description",
			"collapsible": 1,
		},
		{
			"fieldname": "service_type",
			"fieldtype": "Select",
			"label": "Service Type",
			"options": SERVICE_TYPES,
			"insert_after": "gigafibre_section",
			"in_standard_filter": 1,
			"description": "What the pricing engine sells this as: internet, tv (a package), tv_addon, phone (a line), fee, discount or equipment. Empty: not a Gigafibre service.",
		},
		{
			"fieldname": "offered",
			"fieldtype": "Check",
			"label": "Offered to New Customers",
			"default": "1",
			"insert_after": "service_type",
			"in_standard_filter": 1,
			"depends_on": "service_type",
			"description": "Sold on the website and by the agents. Off: still billed to the customers who have it, not sold any more (the legacy import turns it off for a product it could not complete).",
		},
		{
			"fieldname": "combo_ready",
			"fieldtype": "Check",
			"label": "Counts Toward Combo Discounts",
			"insert_after": "offered",
			"description": "Counts as a service for the combo discounts (RAB2X, RAB3X…).",
		},
		{
			"fieldname": "download_mbps",
			"fieldtype": "Int",
			"label": "Download (Mbps)",
			"insert_after": "combo_ready",
			"depends_on": "eval:doc.service_type=='internet'",
			"description": "Internet plans are offered only where the fibre drop carries this speed.",
		},
		{
			"fieldname": "upload_mbps",
			"fieldtype": "Int",
			"label": "Upload (Mbps)",
			"insert_after": "download_mbps",
			"depends_on": "eval:doc.service_type=='internet'",
		},
		{"fieldname": "gigafibre_column_break", "fieldtype": "Column Break", "insert_after": "upload_mbps"},
		{
			"fieldname": "olt_line_profile",
			"fieldtype": "Int",
			"label": "OLT Line Profile",
			"insert_after": "gigafibre_column_break",
			"depends_on": "eval:doc.service_type=='internet'",
			"description": "The OLT line profile the ONT gets for this plan.",
		},
		{
			"fieldname": "olt_service_profile",
			"fieldtype": "Int",
			"label": "OLT Service Profile",
			"insert_after": "olt_line_profile",
			"depends_on": "eval:doc.service_type=='internet'",
		},
		# What the pricing engine reads (orders/pricing.py ITEM_FIELDS).
		{
			"fieldname": "billing_interval",
			"fieldtype": "Select",
			"label": "Billing Interval",
			"options": "\nMonthly\nOnce",
			"insert_after": "olt_service_profile",
			"description": "Monthly (billed each month) or Once (at installation). Empty: the kind's usual one.",
		},
		{
			"fieldname": "discount_rule",
			"fieldtype": "Select",
			"label": "Discount Rule",
			"options": "\ncombo\ncommitment\nspecial",
			"insert_after": "billing_interval",
			"depends_on": "eval:doc.service_type=='discount'",
			"description": "combo: for a number of services; commitment: for a commitment length; special: granted by an agent.",
		},
		{
			"fieldname": "combo_count",
			"fieldtype": "Int",
			"label": "Services for the Combo Discount",
			"insert_after": "discount_rule",
			"depends_on": "eval:doc.discount_rule=='combo'",
			"description": "How many services the combo discount rewards (2 or more).",
		},
		{
			"fieldname": "commitment_months",
			"fieldtype": "Int",
			"label": "Commitment (Months)",
			"insert_after": "combo_count",
			"depends_on": "eval:doc.discount_rule=='commitment'",
			"description": "The commitment length this discount rewards (24, 36…).",
		},
		{
			"fieldname": "zone_prices",
			"fieldtype": "JSON",
			"label": "Prices by Zone",
			"description": 'Price in the zones where it differs, e.g. {"Z2": 104.95}',
			"insert_after": "commitment_months",
		},
		{
			"fieldname": "added_with",
			"fieldtype": "Select",
			"label": "Added With",
			"options": "\ninternet\ntv\nphone",
			"insert_after": "zone_prices",
			"description": "Added by the engine when the order has this service (the 911 fee with phone, the installation with internet, a TV box with TV).",
		},
		{
			"fieldname": "added_quantity",
			"fieldtype": "Select",
			"label": "Quantity Added",
			"options": "\nper_unit\nper_order\nat_least_one",
			"insert_after": "added_with",
			"depends_on": "added_with",
			"description": "per_unit: one per unit of the service (911 fee per line); per_order: once; at_least_one: one, more when the customer asks (TV boxes).",
		},
		{
			"fieldname": "free_qty",
			"fieldtype": "Int",
			"label": "Units Offered Free",
			"insert_after": "added_quantity",
			"description": "Units offered free to a new customer (the first TV box). Equipment only.",
		},
		{
			"fieldname": "max_order_qty",
			"fieldtype": "Int",
			"label": "Most Units per Order",
			"insert_after": "free_qty",
			"description": "The most units one order may hold (empty: 1 for a plan or a package, else 10).",
		},
		{
			"fieldname": "legacy_product_id",
			"fieldtype": "Data",
			"label": "Legacy Product ID",
			"insert_after": "max_order_qty",
			"unique": 1,
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Contact": [
		{
			"fieldname": "legacy_customer_id",
			"fieldtype": "Data",
			"label": "Legacy Customer ID",
			"insert_after": "is_primary_contact",
			"unique": 1,
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Address": [
		{
			"fieldname": "legacy_customer_id",
			"fieldtype": "Data",
			"label": "Legacy Customer ID",
			"insert_after": "is_shipping_address",
			"unique": 1,
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Project": [
		{
			"fieldname": "service_location",
			"fieldtype": "Link",
			"label": "Service Location",
			"options": "Service Location",
			"insert_after": "customer",
			"search_index": 1,
		},
	],
	"Task": [
		{
			"fieldname": "team",
			"fieldtype": "Select",
			"label": "Team",
			"options": TASK_TEAMS,
			"insert_after": "project",
			"in_standard_filter": 1,
		},
	],
	"Quotation": [
		{
			"fieldname": "legacy_soumission_id",
			"fieldtype": "Data",
			"label": "Legacy Quote (soumission) ID",
			"insert_after": "order_type",
			"unique": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		# The location a quote became services at (the Customer 360's "Convert to service"), once.
		{
			"fieldname": "converted_location",
			"fieldtype": "Link",
			"label": "Converted to Service At",
			"options": "Service Location",
			"insert_after": "legacy_soumission_id",
			"read_only": 1,
			"no_copy": 1,
			"allow_on_submit": 1,
		},
	],
	# A technician's skills, which dispatch matches with a job's required tags.
	"User": [
		{
			"fieldname": "dispatch_skills",
			"fieldtype": "Table MultiSelect",
			"label": "Technician Skills",
			"options": "Dispatch Job Tag",
			"insert_after": "role_profile_name",
			"description": "What this field technician can install or repair (Dispatch Tags)",
		},
	],
	# The service an invoice bills: its address is printed, billing runs find it by it.
	"Sales Invoice": [
		{
			"fieldname": "service_location",
			"fieldtype": "Link",
			"label": "Service Location",
			"options": "Service Location",
			"insert_after": "customer_name",
			"search_index": 1,
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "web_order",
			"fieldtype": "Link",
			"label": "Web Order",
			"options": "Web Order",
			"insert_after": "service_location",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "emailed_on",
			"fieldtype": "Datetime",
			"label": "Emailed On",
			"insert_after": "web_order",
			"read_only": 1,
			"no_copy": 1,
		},
	],
	# The subscription a line bills; its days are ERPNext's service_start_date/service_end_date.
	"Sales Invoice Item": [
		{
			"fieldname": "service_subscription",
			"fieldtype": "Link",
			"label": "Service Subscription",
			"options": "Service Subscription",
			"insert_after": "item_name",
			"read_only": 1,
			"no_copy": 1,
		},
	],
}

for _fields in CUSTOM_FIELDS.values():
	for _field in _fields:
		_field.setdefault("module", "Gigafibre")


def _norm(value) -> str:
	return "" if value in (None, "", 0) else str(value)


def create() -> None:
	"""Create the missing fields and update the changed ones; leave identical ones untouched,
	so a migrate that has nothing to bring writes nothing, and leave alone a field of the same
	name that the site or another app already had."""
	import frappe

	todo: dict[str, list[dict]] = {}
	for doctype, fields in CUSTOM_FIELDS.items():
		for df in fields:
			existing = frappe.db.get_value(
				"Custom Field", {"dt": doctype, "fieldname": df["fieldname"]}, list(df), as_dict=True
			)
			if existing and existing.module != df["module"]:
				continue  # the site or another app made this field: never take it over
			if not existing or any(_norm(existing.get(k)) != _norm(v) for k, v in df.items()):
				todo.setdefault(doctype, []).append(df)
	if todo:
		create_custom_fields(todo, ignore_validate=True, update=True)


def delete() -> None:
	"""Remove the fields and their columns (Frappe keeps a deleted custom field's column), but
	never a column that another field of that doctype still claims."""
	import frappe
	from frappe.model import data_fieldtypes

	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value(
				"Custom Field", {"dt": doctype, "fieldname": field["fieldname"], "module": "Gigafibre"}
			)
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		columns = [
			f["fieldname"]
			for f in fields
			if f["fieldtype"] in data_fieldtypes and not _claimed(doctype, f["fieldname"])
		]
		if columns:
			drops = ", ".join(f"drop column if exists `{c}`" for c in columns)
			frappe.db.sql_ddl(f"alter table `tab{doctype}` {drops}")
		frappe.clear_cache(doctype=doctype)


def _claimed(doctype: str, fieldname: str) -> bool:
	"""Whether a field other than ours (standard, or another app's custom field) uses the column."""
	import frappe

	return bool(
		frappe.db.exists("DocField", {"parent": doctype, "fieldname": fieldname})
		or frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": fieldname})
	)
