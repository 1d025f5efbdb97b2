import gigafibre_fsm.roles as _roles

app_name = "gigafibre_fsm"
app_title = "Gigafibre FSM"
app_publisher = "Gigafibre"
app_description = "Back office of a fibre internet provider: orders, dispatch, provisioning, collections, 911"
app_email = "dev@gigafibre.ca"
app_license = "mit"

# "org/repo" form, as HRMS writes it: Frappe resolves a bare "erpnext" by asking GitHub,
# which fails on a machine without internet access.
required_apps = ["frappe/erpnext"]

# Frappe 15.45 does not read `require_type_annotated_api_methods`: a test over
# frappe.whitelisted (tests/test_api_contract.py) holds every endpoint to typed arguments.

# Installation
# ------------
before_install = "gigafibre_fsm.setup.install.before_install"
after_install = "gigafibre_fsm.setup.install.after_install"
# The company exists once the wizard is done: its taxes, groups and defaults (setup/site.py).
setup_wizard_complete = "gigafibre_fsm.setup.site.after_wizard"
# Every migrate brings custom fields, roles and permissions up to what this version defines.
after_migrate = "gigafibre_fsm.setup.install.after_migrate"
before_uninstall = "gigafibre_fsm.setup.install.before_uninstall"

# Tests
# -----
before_tests = "gigafibre_fsm.tests.utils.before_tests"

# Scheduled work
# --------------
scheduler_events = {
	# Order messages that failed (or whose job was lost) are tried again when due.
	"cron": {
		"*/2 * * * *": ["gigafibre_fsm.orders.tasks.retry_notifications"],
		# Phone lines whose PBX account failed or was lost are tried again (voip/lines.py).
		"*/10 * * * *": ["gigafibre_fsm.voip.lines.retry_pbx_accounts"],
	},
	# The month's invoices on the 1st; on other days, what a missed run left (billing/monthly.py).
	"daily_long": [
		"gigafibre_fsm.billing.monthly.scheduled_run",
		# Reminders, suspensions and restorations due today (billing/collections.py).
		"gigafibre_fsm.billing.collections.scheduled_run",
		# The bank debit file of what the month's invoices left unpaid (billing/bank_debits.py).
		"gigafibre_fsm.billing.bank_debits.scheduled_batch",
	],
}

# Requests
# --------
after_request = [
	"gigafibre_fsm.api.guard.strip_tracebacks_for_guests",
	# A wrong API key on the ACS endpoints is a 403, as API.md says (Frappe answers 401).
	"gigafibre_fsm.api.acs.refuse_wrong_keys",
]

# Desk
# ----
app_include_js = "/assets/gigafibre_fsm/js/gigafibre.js"
# The "Configure VoIP" button of an installation's task (voip/lines.py); the Customer 360 panel.
doctype_js = {"Task": "public/js/task.js", "Customer": "public/js/customer_360.js"}
boot_session = "gigafibre_fsm.boot.boot_session"

# The invoice's print format writes dates and amounts for the customer's locale.
jinja = {
	"methods": [
		"gigafibre_fsm.billing.invoice_pdf.invoice_language",
		"gigafibre_fsm.billing.invoice_pdf.invoice_date",
		"gigafibre_fsm.billing.invoice_pdf.invoice_money",
	]
}

# Link fields to the 5.2 million civic addresses use the fuzzy search, not a LIKE scan.
standard_queries = {
	"Civic Address": "gigafibre_fsm.network.civic_address.search.link_query",
}

override_doctype_dashboards = {
	"Customer": "gigafibre_fsm.overrides.customer.get_dashboard_data",
}

# Documents the app does not own
# ------------------------------
doc_events = {
	"Customer": {
		"validate": "gigafibre_fsm.overrides.customer.validate",
	},
	# The pricing engine's catalogue is cached (orders/offer.py): a saved Item clears it.
	"Item": {
		"validate": "gigafibre_fsm.overrides.item.validate",
		"on_update": "gigafibre_fsm.orders.offer.clear_catalogue_cache",
		"on_trash": "gigafibre_fsm.orders.offer.clear_catalogue_cache",
	},
	# A payment may keep an arrangement and restore a suspended customer (billing/collections.py).
	"Payment Entry": {
		"on_submit": "gigafibre_fsm.billing.collections.on_payment_submitted",
	},
	# Quotes are taxed with the company's template (billing/tax_template.py, cached).
	"Sales Taxes and Charges Template": {
		"on_update": "gigafibre_fsm.billing.tax_template.clear_tax_rates_cache",
	},
}

# Permissions
# -----------
# A Field Technician sees only the dispatch jobs they are on, and those jobs' customers,
# locations, services, equipment, lines, projects and tickets (field_service/permissions.py).
_SCOPE = "gigafibre_fsm.field_service.permissions"
permission_query_conditions = {
	dt: f"{_SCOPE}.query_conditions" for dt in (*_roles.JOB_SCOPED, *_roles.DISPATCH_JOB_TABLES)
}
has_permission = {dt: f"{_SCOPE}.has_permission" for dt in _roles.JOB_SCOPED}
