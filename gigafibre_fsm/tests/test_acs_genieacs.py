"""The GenieACS scripts (integrations/genieacs/) against this site running under gunicorn, with
the API key of an ACS user:

- the extension ``ext/gigafibre.js``, run with Node as GenieACS runs it (a module whose
  functions take ``(args, callback)``), configured by the environment GenieACS passes on;
- the provision ``provisions/gigafibre.js``, run with Node in a sandbox that stands in for
  GenieACS's (``declare``, ``ext``, ``log``, ``args``; the script is run again after each
  ``ext`` result, as GenieACS does), on the legacy device types: a TP-Link Deco (TR-181 WiFi),
  an ONT with two phone ports in bridge mode (TR-098, TR-104), a device nobody knows.
"""

import json
import shutil
import subprocess
from pathlib import Path

import frappe

from gigafibre_fsm.service import provisioning
from gigafibre_fsm.tests.test_acs import ACSCase, remove

GENIEACS = Path(__file__).resolve().parent.parent / "integrations" / "genieacs"
EXTENSION = GENIEACS / "ext" / "gigafibre.js"
PROVISION_SCRIPT = GENIEACS / "provisions" / "gigafibre.js"

# Reads {"mode", "calls" | "params", "args"} on stdin, prints the outcome as JSON.
HARNESS = r"""
"use strict";
const fs = require("fs");
const vm = require("vm");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const extension = require(input.extension);

function call(fn, args) {
	return new Promise((resolve) =>
		extension[fn](args, (err, result) =>
			resolve(err ? { error: String(err.message || err) } : { result: result === undefined ? null : result })));
}

// GenieACS's declare() over a device's data model given as {path: value}.
function sandbox(params, results, pending, sets, logs) {
	const matches = (pattern) => {
		const parts = pattern.split(".");
		return Object.keys(params).filter((path) => {
			const segs = path.split(".");
			return segs.length === parts.length && parts.every((p, i) => p === "*" || p === segs[i]);
		}).sort();
	};
	return {
		args: input.args,
		log: (message) => logs.push(String(message)),
		commit: () => {},
		declare: (path, timestamps, values) => {
			const found = matches(path);
			if (values && "value" in values) for (const p of found) sets[p] = values.value;
			const items = found.map((p) => ({ path: p, value: [params[p], typeof params[p]] }));
			items.size = items.length;
			items.value = items.length ? items[0].value : undefined;
			items.path = items.length ? items[0].path : undefined;
			return items;
		},
		ext: (file, fn, ...args) => {
			const key = JSON.stringify([file, fn, ...args]);
			if (key in results) {
				if (results[key].error) throw new Error(results[key].error);
				return results[key].result;
			}
			pending.push([key, fn, args]);
			throw pending;
		},
	};
}

async function main() {
	if (input.mode === "ext") {
		const out = [];
		for (const [fn, args] of input.calls) out.push(await call(fn, args));
		return out;
	}
	const script = new vm.Script(fs.readFileSync(input.provision, "utf8"));
	const results = {};
	const calls = [];
	for (let run = 0; run < 10; run++) {
		const pending = [], sets = {}, logs = [];
		try {
			script.runInNewContext(sandbox(input.params, results, pending, sets, logs));
		} catch (e) {
			if (e !== pending) throw e;
		}
		if (!pending.length) return { sets, logs, calls };
		for (const [key, fn, args] of pending) {
			calls.push([fn, args]);
			results[key] = await call(fn, args);
		}
	}
	throw new Error("the provision did not settle");
}

main().then((out) => process.stdout.write(JSON.stringify(out)), (err) => {
	process.stderr.write(String(err.stack || err));
	process.exit(1);
});
"""

IGD = "InternetGatewayDevice"
VOICE = f"{IGD}.Services.VoiceService.1.VoiceProfile.1"
WAN = f"{IGD}.WANDevice.1.WANConnectionDevice"


class TestGenieACS(ACSCase):
	@classmethod
	def setUpClass(cls):
		if not shutil.which("node"):
			raise RuntimeError("node is not installed: the GenieACS scripts cannot be run")
		super().setUpClass()

	def node(self, payload: dict, token: str | None = None) -> dict | list:
		key, secret = (token or self.acs_token).split()[1].split(":")
		env = {
			"PATH": "/usr/local/bin:/usr/bin:/bin",
			"GIGAFIBRE_URL": f"http://127.0.0.1:{self.site.port}",
			"GIGAFIBRE_SITE": self.site.site,
			"GIGAFIBRE_API_KEY": key,
			"GIGAFIBRE_API_SECRET": secret,
		}
		body = {"extension": str(EXTENSION), "provision": str(PROVISION_SCRIPT), **payload}
		done = subprocess.run(
			["node", "-e", HARNESS],
			input=json.dumps(body),
			capture_output=True,
			text=True,
			env=env,
			timeout=120,
		)
		self.assertEqual(done.returncode, 0, done.stderr[-2000:])
		return json.loads(done.stdout)

	def ext(self, *calls, token: str | None = None) -> list:
		return self.node({"mode": "ext", "calls": [[fn, list(args)] for fn, *args in calls]}, token)

	def provision_run(self, params: dict, seen: str = "boot") -> dict:
		return self.node({"mode": "provision", "params": params, "args": [seen]})

	def ont_model(self, serial: str) -> dict:
		"""A legacy ONT (TR-098): two phone ports, a routed internet connection and the ACS's own."""
		return {
			"DeviceID.SerialNumber": serial,
			f"{IGD}.DeviceInfo.SoftwareVersion": "V6.0.10P6N7",
			f"{IGD}.LANDevice.1.LANEthernetInterfaceConfig.1.MACAddress": self.ont.mac_address.lower(),
			f"{IGD}.LANDevice.1.WLANConfiguration.1.Standard": "b,g,n",
			f"{IGD}.LANDevice.1.WLANConfiguration.1.SSID": "ZTE-1234",
			f"{WAN}.1.WANIPConnection.1.ExternalIPAddress": "100.64.3.4",
			f"{WAN}.1.WANIPConnection.1.NATEnabled": True,
			f"{WAN}.1.WANIPConnection.1.ConnectionType": "IP_Routed",
			f"{WAN}.2.WANIPConnection.1.ExternalIPAddress": "10.20.0.5",
			f"{WAN}.2.WANIPConnection.1.NATEnabled": False,
			f"{WAN}.2.WANIPConnection.1.ConnectionType": "IP_Routed",
			**{
				f"{VOICE}.Line.{n}.{p}": v
				for n in (1, 2)
				for p, v in (
					("Enable", "Disabled"),
					("DirectoryNumber", ""),
					("SIP.AuthUserName", ""),
					("SIP.AuthPassword", ""),
				)
			},
		}

	def deco_model(self, serial: str) -> dict:
		"""A TP-Link Deco (TR-181): two radios, an SSID and an access point on each, a guest SSID."""
		return {
			"DeviceID.SerialNumber": serial,
			"Device.DeviceInfo.SoftwareVersion": "1.1.6 Build 20240326",
			"Device.Ethernet.Interface.1.MACAddress": self.router.mac_address.lower().replace(":", "-"),
			"Device.IP.Interface.1.IPv4Address.1.IPAddress": "192.168.68.1",
			"Device.IP.Interface.2.IPv4Address.1.IPAddress": "100.64.7.8",
			"Device.WiFi.Radio.1.OperatingFrequencyBand": "2.4GHz",
			"Device.WiFi.Radio.2.OperatingFrequencyBand": "5GHz",
			"Device.WiFi.SSID.1.LowerLayers": "Device.WiFi.Radio.1",
			"Device.WiFi.SSID.2.LowerLayers": "Device.WiFi.Radio.2",
			"Device.WiFi.SSID.3.LowerLayers": "Device.WiFi.Radio.1",
			**{
				f"Device.WiFi.SSID.{i}.{p}": v
				for i in (1, 2, 3)
				for p, v in (("SSID", "Deco"), ("Enable", False))
			},
			**{
				f"Device.WiFi.AccessPoint.{i}.{p}": v
				for i in (1, 2, 3)
				for p, v in (("SSIDReference", f"Device.WiFi.SSID.{i}"), ("Security.KeyPassphrase", ""))
			},
		}

	# -----------------------------------------------------------------------------------

	def test_the_extension_answers_what_the_endpoint_answers(self):
		direct = self.answer(serial=self.ont.cwmp_serial)
		unknown = f"acstestgenie{frappe.generate_hash(length=6)}"
		self.addCleanup(remove, "Issue", provisioning.unknown_device_issue_name(unknown.upper(), None))
		by_serial, by_mac, nobody, reported = self.ext(
			("provision", self.ont.cwmp_serial.lower()),
			("provision", None, self.router.mac_address.replace(":", "")),
			("provision", unknown),
			("event", self.router.serial_number, "online", "100.64.7.9", "1.1.6"),
		)
		self.assertEqual(by_serial, {"result": direct})
		self.assertEqual(by_mac["result"]["wifi"], self.wifi)
		self.assertEqual(nobody, {"result": None})
		self.assertEqual(reported, {"result": True})
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Service Equipment", self.router.name, "last_ip"), "100.64.7.9")

	def test_the_extension_with_another_users_key_fails_without_a_secret(self):
		(refused,) = self.ext(("provision", self.router.serial_number), token=self.support_token)
		self.assertIn("403", refused["error"])
		self.assertNotIn(self.wifi["password"], json.dumps(refused))

	def test_an_ont_gets_its_lines_and_bridges(self):
		outcome = self.provision_run(self.ont_model(self.ont.cwmp_serial), "boot")
		sip1, sip2 = self.sip
		self.assertEqual(
			outcome["sets"],
			{
				f"{VOICE}.Line.1.SIP.AuthUserName": sip1["username"],
				f"{VOICE}.Line.1.SIP.AuthPassword": sip1["password"],
				f"{VOICE}.Line.1.DirectoryNumber": self.did,
				f"{VOICE}.Line.1.Enable": "Enabled",
				f"{VOICE}.Line.2.SIP.AuthUserName": sip2["username"],
				f"{VOICE}.Line.2.SIP.AuthPassword": sip2["password"],
				f"{VOICE}.Line.2.Enable": "Enabled",
				# The routed internet connection bridges to the router; the ACS's own stays.
				f"{WAN}.1.WANIPConnection.1.ConnectionType": "IP_Bridged",
			},
		)
		self.assertEqual([fn for fn, _args in outcome["calls"]], ["event", "provision"])
		frappe.db.rollback()
		row = frappe.db.get_value(
			"Service Equipment", self.ont.name, ["last_ip", "firmware_version", "last_event"], as_dict=True
		)
		self.assertEqual(
			(row.last_ip, row.firmware_version, row.last_event), ("100.64.3.4", "V6.0.10P6N7", "boot")
		)
		self.assert_no_secret_in(outcome["logs"])

	def test_a_deco_known_by_its_mac_gets_the_wifi(self):
		# The Deco's own serial is not the one on record: its MAC finds it, for its report too.
		outcome = self.provision_run(self.deco_model(f"2216{frappe.generate_hash(length=8)}"), "online")
		wifi = self.wifi
		self.assertEqual(
			outcome["sets"],
			{
				"Device.WiFi.SSID.1.SSID": wifi["ssid"],
				"Device.WiFi.SSID.1.Enable": True,
				"Device.WiFi.SSID.2.SSID": wifi["ssid_5g"],
				"Device.WiFi.SSID.2.Enable": True,
				"Device.WiFi.AccessPoint.1.Security.KeyPassphrase": wifi["password"],
				"Device.WiFi.AccessPoint.2.Security.KeyPassphrase": wifi["password"],
			},
		)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Service Equipment", self.router.name, "last_ip"), "100.64.7.8")
		self.assert_no_secret_in(outcome["logs"])

	def test_a_suspended_service_turns_the_wifi_and_lines_off(self):
		frappe.db.set_value("Service Location", self.location.name, "status", "Suspended")
		frappe.db.commit()  # nosemgrep
		try:
			deco = self.provision_run(self.deco_model(self.router.serial_number))["sets"]
			ont = self.provision_run(self.ont_model(self.ont.cwmp_serial))["sets"]
		finally:
			frappe.db.set_value("Service Location", self.location.name, "status", "Pending Install")
			frappe.db.commit()  # nosemgrep
		self.assertEqual(
			(deco["Device.WiFi.SSID.1.Enable"], deco["Device.WiFi.SSID.2.Enable"]), (False, False)
		)
		self.assertEqual(
			(ont[f"{VOICE}.Line.1.Enable"], ont[f"{VOICE}.Line.2.Enable"]), ("Disabled", "Disabled")
		)

	def test_a_device_nobody_knows_is_reported_and_left_alone(self):
		serial = f"ACSTESTGENIE{frappe.generate_hash(length=6).upper()}"
		self.addCleanup(remove, "Issue", provisioning.unknown_device_issue_name(serial, None))
		model = {
			**self.ont_model(serial),
			f"{IGD}.LANDevice.1.LANEthernetInterfaceConfig.1.MACAddress": "02:00:00:00:00:01",
		}
		outcome = self.provision_run(model, "boot")
		self.assertEqual(outcome["sets"], {})
		self.assertIn("not known", outcome["logs"][-1])
		frappe.db.rollback()
		issue = provisioning.unknown_device_issue_name(serial, None)
		self.assertEqual(frappe.db.count("Issue", {"name": issue}), 1)
		self.assertIn("100.64.3.4", frappe.db.get_value("Issue", issue, "description"))

	def assert_no_secret_in(self, logs: list[str]):
		text = "\n".join(logs)
		for secret in (self.wifi["password"], *(s["password"] for s in self.sip)):
			self.assertNotIn(secret, text)
