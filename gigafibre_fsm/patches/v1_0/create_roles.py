from gigafibre_fsm.setup.install import create_roles


def execute():
	create_roles()
