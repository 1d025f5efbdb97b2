"""The tasks of an installation project: a stable key for each, its French title and its team.
Pure Python.

A task is found by its key — ERPNext's Task Type, stored on ``Task.type`` — never by its
title: titles are French text for the people who do the work (``../shared/DOMAIN.md``) and
may be reworded, the OLT port is in one of them, and installation day closes "Vérifier
signal ONT" when the ONT first comes online by looking up ``VERIFY_ONT_SIGNAL``. Keys are
English, like every stored option value; the desk shows them in French (translations).
"""

from dataclasses import dataclass

from gigafibre_fsm.roles import COLLECTIONS, DISPATCHER, SUPPORT, TECHNICIAN


@dataclass(frozen=True)
class TaskType:
	key: str  # Task Type name
	title: str  # the task's subject
	team: str  # the role that does it
	description: str = ""


PREPARE_EQUIPMENT = TaskType(
	"Prepare Equipment", "Préparer équipement", SUPPORT, "Equipment for the installation is set aside"
)
ASSIGN_TECHNICIAN = TaskType(
	"Assign Technician", "Assigner technicien", DISPATCHER, "A technician is assigned to the job"
)
ACTIVATE_OLT_PORT = TaskType(
	"Activate OLT Port", "Activer port OLT", SUPPORT, "The drop's OLT port is enabled for the ONT"
)
CONFIGURE_WIFI = TaskType("Configure WiFi", "Configurer WiFi", SUPPORT, "The router's WiFi is set up")
CONFIGURE_VOIP = TaskType(
	"Configure VoIP",
	"Configurer VoIP",
	SUPPORT,
	"The phone line gets its number, SIP account and 911 address",
)
SITE_INSTALLATION = TaskType(
	"Site Installation", "Installation sur site", TECHNICIAN, "The technician installs at the premises"
)
VERIFY_ONT_SIGNAL = TaskType(
	"Verify ONT Signal", "Vérifier signal ONT", TECHNICIAN, "The ONT is online (closed when it first reports)"
)
CONFIRM_SERVICE = TaskType(
	"Confirm Service",
	"Confirmer service fonctionnel",
	TECHNICIAN,
	"The customer's services work before the technician leaves",
)

INSTALLATION = (
	PREPARE_EQUIPMENT,
	ASSIGN_TECHNICIAN,
	ACTIVATE_OLT_PORT,
	CONFIGURE_WIFI,
	CONFIGURE_VOIP,
	SITE_INSTALLATION,
	VERIFY_ONT_SIGNAL,
	CONFIRM_SERVICE,
)
# Opened by the card charge when a card is declined or needs the customer (billing/card_payments.py).
COLLECT_PAYMENT = TaskType(
	"Collect Payment", "Percevoir le paiement", COLLECTIONS, "An invoice the saved card did not pay"
)
# Support's task when a location's address changed under its phone lines (voip/e911_lines.py).
REGISTER_911 = TaskType(
	"Register 911 Address",
	"Réenregistrer l'adresse 911",
	SUPPORT,
	"A phone line's 911 address is registered again after its location's address changed",
)
ALL = (*INSTALLATION, COLLECT_PAYMENT, REGISTER_911)
BY_KEY = {task_type.key: task_type for task_type in ALL}


def installation_tasks(
	*, olt_port: str | None, fibre: bool, internet: bool, phone: bool
) -> list[tuple[TaskType, str]]:
	"""The installation's tasks, in order, with their subjects: the OLT port's and the ONT's
	only where fibre is installed, WiFi with internet, VoIP with phone."""
	wanted = [
		PREPARE_EQUIPMENT,
		ASSIGN_TECHNICIAN,
		ACTIVATE_OLT_PORT if fibre else None,
		CONFIGURE_WIFI if internet else None,
		CONFIGURE_VOIP if phone else None,
		SITE_INSTALLATION,
		VERIFY_ONT_SIGNAL if fibre else None,
		CONFIRM_SERVICE,
	]
	return [(t, subject_of(t, olt_port)) for t in wanted if t]


def subject_of(task_type: TaskType, olt_port: str | None = None) -> str:
	if task_type is ACTIVATE_OLT_PORT and olt_port:
		return f"{task_type.title} {olt_port}"
	return task_type.title


def key_of_subject(subject: str | None) -> str | None:
	"""The key of a task made before tasks had one, from its subject ("Activer port OLT 0/3/7")."""
	text = " ".join((subject or "").split())
	for task_type in INSTALLATION:
		if text == task_type.title or (
			task_type is ACTIVATE_OLT_PORT and text.startswith(f"{task_type.title} ")
		):
			return task_type.key
	return None
