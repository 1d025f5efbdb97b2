// GenieACS extension: the Gigafibre back office's answers for a device, for the provision
// script provisions/gigafibre.js. Install it as GenieACS's config/ext/gigafibre.js.
//
// GenieACS runs extensions as Node modules in their own processes, with its environment:
//
//   GIGAFIBRE_URL          the site's address, e.g. https://erp.gigafibre.ca
//   GIGAFIBRE_API_KEY      API key and secret of the ACS's user (a Frappe user with the role ACS)
//   GIGAFIBRE_API_SECRET
//   GIGAFIBRE_SITE         optional: the site's name, sent as its Host header (a bench serving
//                          several sites at one address)
//   GIGAFIBRE_TIMEOUT_MS   optional, 2500 by default: under GenieACS's EXT_TIMEOUT (3000 ms)
//
// The answer to provision holds the device's WiFi and SIP passwords: this module hands it to
// the provision script and never logs it; its errors name the HTTP status only.

"use strict";

const http = require("http");
const https = require("https");

const METHODS = "/api/method/gigafibre_fsm.api.acs.";

function settings() {
	const base = process.env.GIGAFIBRE_URL;
	const key = process.env.GIGAFIBRE_API_KEY;
	const secret = process.env.GIGAFIBRE_API_SECRET;
	if (!base || !key || !secret)
		throw new Error(
			"gigafibre: set GIGAFIBRE_URL, GIGAFIBRE_API_KEY and GIGAFIBRE_API_SECRET"
		);
	return {
		base: new URL(base),
		auth: `token ${key}:${secret}`,
		site: process.env.GIGAFIBRE_SITE || null,
		timeout: parseInt(process.env.GIGAFIBRE_TIMEOUT_MS || "2500", 10),
	};
}

// One call to the back office: callback(error, status, body as JSON or null).
function call(method, name, query, body, callback) {
	let config;
	try {
		config = settings();
	} catch (err) {
		return callback(err);
	}
	const url = new URL(METHODS + name, config.base);
	for (const [k, v] of Object.entries(query || {}))
		if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
	const payload = body ? Buffer.from(JSON.stringify(body)) : null;
	const headers = { Accept: "application/json", Authorization: config.auth };
	if (config.site) headers.Host = config.site;
	if (payload) {
		headers["Content-Type"] = "application/json";
		headers["Content-Length"] = payload.length;
	}
	const transport = url.protocol === "https:" ? https : http;
	let done = false;
	const finish = (err, status, data) => {
		if (done) return;
		done = true;
		callback(err, status, data);
	};
	const req = transport.request(url, { method, headers }, (res) => {
		const chunks = [];
		res.on("data", (chunk) => chunks.push(chunk));
		res.on("end", () => {
			let data = null;
			try {
				data = JSON.parse(Buffer.concat(chunks).toString("utf8"));
			} catch (err) {
				data = null;
			}
			finish(null, res.statusCode, data);
		});
		res.on("error", (err) => finish(err));
	});
	req.setTimeout(config.timeout, () => {
		req.destroy(new Error(`gigafibre: ${name} took more than ${config.timeout} ms`));
	});
	req.on("error", (err) => finish(new Error(`gigafibre: ${name}: ${err.message}`)));
	if (payload) req.write(payload);
	req.end();
}

function refused(name, status, data) {
	// A refusal's own words (never a provision answer's: that one is a 200).
	const why = data && data.exc_type ? ` (${data.exc_type})` : "";
	return new Error(`gigafibre: ${name} answered ${status}${why}`);
}

// ext("gigafibre", "provision", serial, mac): the device's settings (API.md), or null for a
// device nobody knows (the back office has opened an Issue for it). Either identifier may be
// missing; the serial is tried first.
function provision(args, callback) {
	const [serial, mac] = args;
	call("GET", "provision", { serial, mac }, null, (err, status, data) => {
		if (err) return callback(err);
		if (status === 404) return callback(null, null);
		if (status !== 200 || !data || !data.message)
			return callback(refused("provision", status, data));
		callback(null, data.message);
	});
}

// ext("gigafibre", "event", serial, event, ip, firmware, mac): what the ACS saw ("boot",
// "online", "offline", "factory_reset"); true when recorded, false for a device nobody knows.
// The device is found as for provision: by its serial, else its MAC.
function event(args, callback) {
	const [serial, name, ip, firmware, mac] = args;
	const body = { event: name, at: new Date().toISOString() };
	for (const [key, value] of Object.entries({ serial, mac, ip, firmware }))
		if (value) body[key] = value;
	call("POST", "device_event", null, body, (err, status, data) => {
		if (err) return callback(err);
		if (status === 404) return callback(null, false);
		if (status !== 200) return callback(refused("device_event", status, data));
		callback(null, true);
	});
}

exports.provision = provision;
exports.event = event;
