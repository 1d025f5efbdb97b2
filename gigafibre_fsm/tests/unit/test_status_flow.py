from gigafibre_fsm.status_flow import ALLOWED, FLOWS, NOT_ALLOWED, REASON_REQUIRED

LOCATION = FLOWS["Service Location"]


def test_unchanged_status_is_allowed_and_unknown_statuses_never():
	assert LOCATION.check("Active", "Active") == ALLOWED
	assert LOCATION.check("Active", "Actif") == NOT_ALLOWED
	assert LOCATION.initial == "Pending Install"


def test_location_lifecycle():
	assert LOCATION.check("Pending Install", "Active") == ALLOWED
	assert LOCATION.check("Active", "Suspended", "non-payment") == ALLOWED
	assert LOCATION.check("Suspended", "Active") == ALLOWED
	assert LOCATION.check("Disconnected", "Active") == NOT_ALLOWED
	assert LOCATION.check("Pending Install", "Suspended") == NOT_ALLOWED


def test_disconnecting_a_pending_install_needs_a_reason():
	assert LOCATION.check("Pending Install", "Disconnected") == REASON_REQUIRED
	assert LOCATION.check("Pending Install", "Disconnected", "   ") == REASON_REQUIRED
	assert LOCATION.check("Pending Install", "Disconnected", "Client a annulé") == ALLOWED


def test_cancelled_subscription_is_final():
	flow = FLOWS["Service Subscription"]
	for status in ("Pending", "Active", "Suspended"):
		assert flow.check("Cancelled", status) == NOT_ALLOWED
