// GenieACS provision "gigafibre": each device's settings from the Gigafibre back office, through
// the extension ext/gigafibre.js, on the device types of the legacy network:
//
// - TP-Link Deco and other TR-181 routers: the WiFi (Device.WiFi), one SSID per radio, the
//   5 GHz one named apart when the back office gives a 5 GHz SSID;
// - ONTs (TR-098): their VoIP lines (TR-104 VoiceProfile.1.Line.n: SIP user, password and the
//   line's number), their own WiFi when they carry one (LANDevice.1.WLANConfiguration), and
//   bridge mode when they do not: the router behind them serves the premises;
// - a suspended service: WiFi and lines disabled (the internet itself is cut at the OLT).
//
// Presets run it with one argument, what the ACS is seeing, which it reports to the back office:
//   "1 BOOT" → ["boot"], "0 BOOTSTRAP" → ["factory_reset"], "2 PERIODIC" → ["online"].
// A device the back office does not know is reported there (an Issue for support) and left as
// it is. The settings hold passwords: they go to the device and never to log().

const now = Date.now();
const seen = (args && args[0]) || "boot";

// The first non-empty value among these paths (either data model: TR-098 or TR-181).
function firstValue(paths, freshness) {
	for (const path of paths) {
		for (const p of declare(path, { value: freshness || 1 })) {
			const value = p.value && p.value[0];
			if (value !== undefined && value !== null && value !== "") return String(value);
		}
	}
	return null;
}

function set(path, value) {
	declare(path, { value: 1 }, { value: value });
}

function isPrivateOrLocal(ip) {
	return (
		!ip ||
		ip === "0.0.0.0" ||
		/^(127\.|169\.254\.|192\.168\.|fe80:)/i.test(ip) ||
		/^172\.(1[6-9]|2\d|3[01])\./.test(ip)
	);
}

// The address the device has on the operator's side.
function wanAddress() {
	const paths = [
		"InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*.ExternalIPAddress",
		"InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANPPPConnection.*.ExternalIPAddress",
		"Device.IP.Interface.*.IPv4Address.*.IPAddress",
	];
	for (const path of paths)
		for (const p of declare(path, { value: now }))
			if (p.value && !isPrivateOrLocal(String(p.value[0]))) return String(p.value[0]);
	return null;
}

function instanceOf(path, depth) {
	return path.split(".").slice(0, depth).join(".");
}

// TR-098: the first 2.4 GHz and the first 5 GHz WLANConfiguration (guest networks are left be).
function wifiTr098(wifi, on) {
	const chosen = {};
	for (const p of declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.*.Standard", {
		value: 1,
	})) {
		const tokens = String(p.value[0] || "")
			.toLowerCase()
			.split(/[^a-z]+/);
		const band = tokens.includes("a") || tokens.includes("ac") ? "5" : "2.4";
		if (!chosen[band]) chosen[band] = instanceOf(p.path, 5);
	}
	for (const band of Object.keys(chosen)) {
		const base = chosen[band];
		set(`${base}.SSID`, band === "5" && wifi.ssid_5g ? wifi.ssid_5g : wifi.ssid);
		set(`${base}.PreSharedKey.1.KeyPassphrase`, wifi.password);
		set(`${base}.Enable`, on && wifi.enabled);
	}
	return Object.keys(chosen).length;
}

// TR-181 (Deco): each radio's first SSID and its access point.
function wifiTr181(wifi, on) {
	const bands = {};
	for (const p of declare("Device.WiFi.Radio.*.OperatingFrequencyBand", { value: 1 }))
		bands[instanceOf(p.path, 4)] = String(p.value[0] || "");
	const ssidOf = {};
	for (const p of declare("Device.WiFi.SSID.*.LowerLayers", { value: 1 })) {
		const radio = String(p.value[0] || "").replace(/\.$/, "");
		if (radio in bands && !ssidOf[radio]) ssidOf[radio] = instanceOf(p.path, 4);
	}
	const mainSsids = {};
	for (const radio of Object.keys(ssidOf)) {
		const ssid = ssidOf[radio];
		const fiveGhz = /^5/.test(bands[radio]);
		mainSsids[ssid] = true;
		set(`${ssid}.SSID`, fiveGhz && wifi.ssid_5g ? wifi.ssid_5g : wifi.ssid);
		set(`${ssid}.Enable`, on && wifi.enabled);
	}
	for (const p of declare("Device.WiFi.AccessPoint.*.SSIDReference", { value: 1 })) {
		const ssid = String(p.value[0] || "").replace(/\.$/, "");
		if (mainSsids[ssid]) set(`${instanceOf(p.path, 4)}.Security.KeyPassphrase`, wifi.password);
	}
	return Object.keys(ssidOf).length;
}

// TR-104 VoiceProfile lines, under either root: line n of the answer on the device's Line.n.
function voipLines(lines, on) {
	let configured = 0;
	for (const root of ["InternetGatewayDevice", "Device"]) {
		const profile = `${root}.Services.VoiceService.1.VoiceProfile.1`;
		const present = {};
		for (const p of declare(`${profile}.Line.*.Enable`, { value: 1 }))
			present[instanceOf(p.path, 8).split(".").pop()] = true;
		for (const line of lines) {
			if (!present[String(line.line)]) continue;
			const base = `${profile}.Line.${line.line}`;
			set(`${base}.SIP.AuthUserName`, line.username);
			set(`${base}.SIP.AuthPassword`, line.password || "");
			if (line.did) set(`${base}.DirectoryNumber`, line.did);
			set(`${base}.Enable`, on ? "Enabled" : "Disabled");
			configured += 1;
		}
	}
	return configured;
}

// An ONT without WiFi of its own bridges: its routed (NAT) internet connections become bridges.
function bridgeMode() {
	let bridged = 0;
	const kinds = [
		["WANIPConnection", "IP_Bridged"],
		["WANPPPConnection", "PPPoE_Bridged"],
	];
	for (const [kind, bridge] of kinds) {
		const nat = `InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.${kind}.*.NATEnabled`;
		for (const p of declare(nat, { value: 1 })) {
			if (p.value[0] !== true && String(p.value[0]) !== "true" && String(p.value[0]) !== "1")
				continue;
			set(`${instanceOf(p.path, 7)}.ConnectionType`, bridge);
			bridged += 1;
		}
	}
	return bridged;
}

function configure(settings) {
	const on = !settings.suspended;
	const done = [];
	if (settings.wifi) {
		const radios = wifiTr098(settings.wifi, on) + wifiTr181(settings.wifi, on);
		done.push(`WiFi on ${radios} radio(s)`);
	}
	if (settings.voip && settings.voip.length)
		done.push(`${voipLines(settings.voip, on)} of ${settings.voip.length} line(s)`);
	if (settings.equipment_type === "ONT" && !settings.wifi)
		done.push(`bridge on ${bridgeMode()} connection(s)`);
	if (settings.suspended) done.push("suspended");
	return done;
}

function main() {
	const serial = firstValue(["DeviceID.SerialNumber"]);
	const mac = firstValue([
		"InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig.1.MACAddress",
		"Device.Ethernet.Interface.1.MACAddress",
	]);
	const firmware = firstValue([
		"InternetGatewayDevice.DeviceInfo.SoftwareVersion",
		"Device.DeviceInfo.SoftwareVersion",
	]);
	ext("gigafibre", "event", serial, seen, wanAddress(), firmware, mac);
	const settings = ext("gigafibre", "provision", serial, mac);
	if (!settings) {
		log(`gigafibre: ${serial} is not known to the back office (an Issue is open for support)`);
		return;
	}
	log(`gigafibre: ${serial} (${settings.equipment_type}): ${configure(settings).join(", ")}`);
}

main();
