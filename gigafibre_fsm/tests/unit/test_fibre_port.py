from gigafibre_fsm.network.fibre_port import drop_status, format_port


def test_drop_status_follows_the_installed_serial():
	assert drop_status(None) == "Available"
	assert drop_status("  ") == "Available"
	assert drop_status("RESERVED-ORDER-42") == "Reserved"
	assert drop_status("reserved-x") == "Reserved"
	assert drop_status("RCMG1234ABCD") == "Occupied"


def test_a_drop_without_its_box_is_not_installed_until_an_ont_is_there():
	assert drop_status(None, box_not_installed=True) == "Not installed"
	assert drop_status("RCMG1234ABCD", box_not_installed=True) == "Occupied"


def test_format_port():
	assert format_port(0, 1, 7) == "0/1/7"
	assert format_port(0, None, 7) is None
