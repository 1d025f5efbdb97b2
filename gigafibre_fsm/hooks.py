app_name = "gigafibre_fsm"
app_title = "Gigafibre FSM"
app_publisher = "Gigafibre"
app_description = "Back office of a fibre internet provider: orders, dispatch, provisioning, collections, 911"
app_email = "dev@gigafibre.ca"
app_license = "mit"

# "org/repo" form, as HRMS writes it: Frappe resolves a bare "erpnext" by asking GitHub,
# which fails on a machine without internet access.
required_apps = ["frappe/erpnext"]

# Every whitelisted method declares its argument types.
require_type_annotated_api_methods = True

# Installation
# ------------
before_install = "gigafibre_fsm.setup.install.before_install"
after_install = "gigafibre_fsm.setup.install.after_install"
before_uninstall = "gigafibre_fsm.setup.install.before_uninstall"

# Tests
# -----
before_tests = "gigafibre_fsm.tests.utils.before_tests"

# Desk
# ----

override_doctype_dashboards = {
	"Customer": "gigafibre_fsm.overrides.customer.get_dashboard_data",
}

# Documents the app does not own
# ------------------------------
doc_events = {
	"Customer": {
		"validate": "gigafibre_fsm.overrides.customer.validate",
	},
}

# Permissions
# -----------
# A Field Technician sees only the dispatch jobs they are assigned to.
permission_query_conditions = {
	"Dispatch Job": "gigafibre_fsm.field_service.permissions.dispatch_job_query_conditions",
}
has_permission = {
	"Dispatch Job": "gigafibre_fsm.field_service.permissions.dispatch_job_has_permission",
}
