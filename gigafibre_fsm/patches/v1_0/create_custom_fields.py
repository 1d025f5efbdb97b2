from gigafibre_fsm.setup import custom_fields
from gigafibre_fsm.setup.install import create_issue_types, grant_standard_doctype_access


def execute():
	custom_fields.create()
	create_issue_types()
	grant_standard_doctype_access()
