from gigafibre_fsm.network.fibre_port import (
	drop_status,
	format_port,
	is_free,
	is_held_by,
	port_key,
	reservation_for,
)


def test_drop_status_follows_the_installed_serial():
	assert drop_status(None) == "Available"
	assert drop_status("  ") == "Available"
	assert drop_status("RESERVED-ORDER-42") == "Reserved"
	assert drop_status("reserved-x") == "Reserved"
	assert drop_status("RCMG1234ABCD") == "Occupied"


def test_a_drop_without_its_box_is_not_installed_until_an_ont_is_there():
	assert drop_status(None, box_not_installed=True) == "Not Installed"
	assert drop_status("RCMG1234ABCD", box_not_installed=True) == "Occupied"


def test_only_a_free_port_can_be_taken():
	assert is_free(None) and is_free("")
	assert not is_free("RESERVED-LOC-00001")
	assert not is_free("RCMG1234ABCD")
	assert is_held_by(reservation_for("LOC-00001"), "LOC-00001")
	assert not is_held_by(reservation_for("LOC-00001"), "LOC-00002")


def test_format_port_and_key():
	assert format_port(0, 1, 7) == "0/1/7"
	assert format_port("0", "1", "7") == "0/1/7"
	assert format_port(0, None, 7) is None
	assert port_key("OLT-A", "0", "1", "7", "12") == "OLT-A|0|1|7|12"
	assert port_key("OLT-A", "0", "1", "7", None) is None
	assert port_key("OLT-A", "0", "1", "7", "0") == "OLT-A|0|1|7|0"
