"""The app's layers, written down once. Dependencies point one way:

	entry points (api/, www/, commands, hooks, patches, setup/install)
	    → services (orders, network, service, field_service, billing, voip, legacy,
	      integrations, overrides, the doctypes' controllers)
	        → pure rules (below: no frappe, no database)
	            → nothing but the standard library and a few well-kept libraries.

A service never imports an entry point, a pure rule never imports frappe or a service, no
runtime module imports the tests (generators, demo data and factories live under tests/),
and nothing imports in a circle. tests/unit/test_layers.py walks every import of the package
(those inside functions too) and holds the tree to this.
"""

PACKAGE = "gigafibre_fsm"

# Where requests and commands come in: the only modules that may import any layer.
ENTRY_POINTS = (
	"gigafibre_fsm.api",
	"gigafibre_fsm.www",
	"gigafibre_fsm.commands",
	"gigafibre_fsm.hooks",
	"gigafibre_fsm.boot",
	"gigafibre_fsm.patches",
	"gigafibre_fsm.setup.install",
)

# Rules that need no database, tested in microseconds (tests/unit). Each may import only the
# standard library, the libraries in PURE_LIBRARIES and the other modules of this list.
PURE = (
	"gigafibre_fsm.rules.address",
	"gigafibre_fsm.rules.outcomes",
	"gigafibre_fsm.rules.phone",
	"gigafibre_fsm.rules.text",
	"gigafibre_fsm.roles",
	"gigafibre_fsm.status_flow",
	"gigafibre_fsm.billing.taxes",
	"gigafibre_fsm.billing.periods",
	"gigafibre_fsm.billing.collection_rules",
	"gigafibre_fsm.billing.cpa005",
	"gigafibre_fsm.orders.pricing",
	"gigafibre_fsm.field_service.task_types",
	"gigafibre_fsm.network.fibre_port",
	"gigafibre_fsm.network.civic_address.normalize",
	"gigafibre_fsm.network.civic_address.ranking",
	"gigafibre_fsm.network.civic_address.matching_rules",
	"gigafibre_fsm.network.civic_address.records",
	"gigafibre_fsm.service.identifiers",
	"gigafibre_fsm.voip.e911",
	"gigafibre_fsm.legacy.clean",
	"gigafibre_fsm.legacy.convert",
	"gigafibre_fsm.legacy.reconciliation",
)
PURE_LIBRARIES = ("rapidfuzz", "phpserialize", "ftfy", "babel")

# Not part of the running app: factories, generators, demo data, the tests themselves.
TESTS = "gigafibre_fsm.tests"
