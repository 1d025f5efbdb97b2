// A technician's installation visit on /technicien, in headless Chromium at a phone's size:
// sent to the login page and back, the day's job with its map and call links, another day
// and back, the job opened, "Arrivé", every piece of equipment scanned as a barcode scanner
// types (a serial refused by the server, its message shown), "Terminer" with notes, the
// outcome read. Then another technician (English browser) who does not see the job, and a
// user who is not a technician. Nothing may overflow the phone's width.
//
//   node technician_page.mjs '{"url": "...", "job": "...", "technician": {"user", "password"},
//        "other": {...}, "notTechnician": {...}, "scans": [{"serial", "mac"}, ...], "shots": "/tmp/dir"}'
//
// Prints one JSON line: {"ok": true, ...what was seen...} or {"ok": false, "error": ..., "step": ...}
// and exits non-zero on failure. Screenshots of every step go to `shots`.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);

const PHONE = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 2,
	isMobile: true,
	hasTouch: true,
	userAgent:
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
};

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];
const seen = { overflow: {} };
const shots = [];
let step = "start";
let page = null;

function watch(p) {
	p.on("pageerror", (error) => errors.push(`${step}: ${error}`));
	p.on("response", (response) => {
		const missing = response.status() >= 400 && new URL(response.url()).pathname.startsWith("/assets/");
		if (response.status() >= 500 || missing) errors.push(`${step}: ${response.status()} ${response.url()}`);
	});
	return p;
}

async function phone(locale) {
	const context = await browser.newContext({ ...PHONE, locale });
	page = watch(await context.newPage());
	return context;
}

async function shot(name) {
	const path = `${args.shots}/${name}.png`;
	await page.screenshot({ path, fullPage: true });
	shots.push(path);
}

// Nothing wider than the phone: the page does not scroll sideways, no element sticks out.
async function fitsTheScreen(name) {
	const found = await page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const wide = [...document.querySelectorAll("body *")]
			.filter((e) => {
				const r = e.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1);
			})
			.slice(0, 5)
			.map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${String(e.className).trim().replace(/\s+/g, ".")}`);
		return { width, scrollWidth: document.documentElement.scrollWidth, wide };
	});
	seen.overflow[name] = found;
	if (found.scrollWidth > found.width || found.wide.length) {
		throw new Error(`${name}: wider than the phone (${found.scrollWidth} > ${found.width}): ${found.wide.join(", ")}`);
	}
}

async function login(credentials) {
	await page.goto(`${args.url}/login`, { waitUntil: "load" });
	const status = await page.evaluate(
		(c) =>
			fetch("/api/method/login", {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: "application/json" },
				body: JSON.stringify({ usr: c.user, pwd: c.password }),
			}).then((r) => r.status),
		credentials,
	);
	if (status !== 200) throw new Error(`login as ${credentials.user}: ${status}`);
}

const text = (selector) => page.locator(selector).first().innerText();

// The job's row of equipment number `i`, its serial and MAC fields.
const row = (i) => page.locator(".gf-eq").nth(i);
const focusedIs = (locator) => locator.evaluate((el) => el === document.activeElement);

// A scan as a keyboard-wedge scanner does it: the characters, then Enter.
async function scan(locator, value) {
	await locator.click();
	await locator.fill("");
	await page.keyboard.type(value, { delay: 5 });
	await page.keyboard.press("Enter");
}

async function savedRow(i) {
	await row(i).locator(".gf-eq-result.gf-ok").waitFor({ timeout: 20000 });
	return row(i).locator(".gf-eq-result").innerText();
}

async function technicianVisit() {
	await phone("fr-CA");
	step = "guest";
	await page.goto(`${args.url}/technicien`, { waitUntil: "load" });
	const landed = new URL(page.url());
	seen.guest = { path: landed.pathname, redirect_to: landed.searchParams.get("redirect-to") };
	if (landed.pathname !== "/login" || landed.searchParams.get("redirect-to") !== "/technicien") {
		throw new Error(`a visitor was not sent to the login page: ${page.url()}`);
	}

	step = "login form";
	await page.locator("#login_email").fill(args.technician.user);
	await page.locator("#login_password").fill(args.technician.password);
	await page.locator("button.btn-login[type=submit]").first().click();
	await page.waitForURL((url) => url.pathname === "/technicien", { timeout: 30000 });

	step = "list";
	const card = page.locator(`#jobs .gf-card[data-job="${args.job}"]`);
	await card.waitFor({ timeout: 30000 });
	seen.lang = await page.evaluate(() => document.documentElement.lang);
	const address = card.locator(".gf-card-address");
	seen.card = {
		name: await card.locator(".gf-card-name").innerText(),
		status: await card.locator(".gf-badge").innerText(),
		address: await address.innerText(),
		map: await address.getAttribute("href"),
		phone: await card.locator(".gf-card-phone").innerText(),
		call: await card.locator(".gf-card-phone").getAttribute("href"),
		services: await card.locator(".gf-card-services").innerText(),
		equipment: await card.locator(".gf-card-equipment").innerText(),
		olt_port: await card.locator(".gf-card-port").innerText(),
		all: await card.innerText(),
	};
	seen.list_status = await text("#list-status");
	await shot("01-jobs-of-the-day");
	await fitsTheScreen("list");

	step = "another day";
	await page.locator("#day-next").click();
	await page.waitForFunction(
		(job) => !document.querySelector(`#jobs .gf-card[data-job="${job}"]`) && document.querySelector("#list-status").textContent.trim() && !document.querySelector("#day-today").hidden,
		args.job,
		{ timeout: 20000 },
	);
	await page.waitForFunction(() => !/…/.test(document.querySelector("#list-status").textContent), null, { timeout: 20000 });
	seen.next_day = { date: await page.inputValue("#day"), status: await text("#list-status"), cards: await page.locator("#jobs .gf-card").count() };
	await shot("02-next-day");
	await page.locator("#day-today").click();
	await card.waitFor({ timeout: 20000 });

	step = "job";
	await card.locator(".gf-open").click();
	await page.locator("#job:not([hidden]) #arrive").waitFor({ timeout: 10000 });
	seen.location_hash = new URL(page.url()).hash;
	seen.before_arrival = {
		equipment_waiting: await page.locator("#step-equipment.gf-step-waiting").count(),
		finish_waiting: await page.locator("#step-finish.gf-step-waiting").count(),
	};
	await shot("03-job-opened");
	await fitsTheScreen("job");

	step = "arrive";
	await page.locator("#arrive").click();
	await page.locator("#arrived:not([hidden])").waitFor({ timeout: 20000 });
	seen.arrived = await text("#arrived");
	seen.status_after_arrival = await text("#job-card .gf-badge");
	const rows = await page.locator(".gf-eq").count();
	seen.rows = rows;
	if (rows !== args.scans.length) throw new Error(`${rows} pieces of equipment shown, ${args.scans.length} expected`);
	seen.types = await page.locator(".gf-eq").evaluateAll((items) => items.map((li) => li.dataset.type));
	if (!(await focusedIs(row(0).locator(".gf-eq-serial")))) throw new Error("the first serial field is not ready to scan");

	step = "scan";
	seen.saved = [];
	for (let i = 0; i < rows; i++) {
		const serial = row(i).locator(".gf-eq-serial");
		const mac = row(i).locator(".gf-eq-mac");
		if (i === 1) {
			// The first device's serial again: the server refuses it and says why.
			step = "scan refused";
			await scan(serial, args.scans[0].serial);
			await row(i).locator(".gf-eq-result.gf-error").waitFor({ timeout: 20000 });
			seen.refused = await row(i).locator(".gf-eq-result").innerText();
			await shot("04-serial-refused");
			await fitsTheScreen("refused");
			step = "scan";
		}
		await scan(serial, args.scans[i].serial);
		await page.waitForFunction(
			(index) => document.querySelectorAll(".gf-eq")[index].querySelector(".gf-eq-mac") === document.activeElement,
			i,
			{ timeout: 20000 },
		);
		await scan(mac, args.scans[i].mac);
		await page.waitForFunction(
			(index) => /MAC/.test(document.querySelectorAll(".gf-eq")[index].querySelector(".gf-eq-result").textContent),
			i,
			{ timeout: 20000 },
		);
		seen.saved.push({
			result: await savedRow(i),
			serial: await serial.inputValue(),
			mac: await mac.inputValue(),
		});
	}
	seen.notes_focused = await focusedIs(page.locator("#notes"));
	await page.locator("#finish:not([disabled])").waitFor({ timeout: 10000 });
	seen.progress = await text("#equipment-hint");
	await shot("05-equipment-scanned");
	await fitsTheScreen("scanned");

	step = "finish";
	await page.locator("#notes").fill(args.notes);
	await page.locator("#finish").click();
	await page.locator("#outcome:not([hidden]) #outcome-payment[data-status]:not([data-status=''])").waitFor({ timeout: 60000 });
	for (let i = 0; i < 10 && (await page.getAttribute("#outcome-payment", "data-status")) === "pending"; i++) {
		await page.waitForTimeout(2000);
		await page.locator("#outcome-refresh").click();
		await page.waitForFunction(() => !document.querySelector("#outcome-refresh").disabled, null, { timeout: 30000 });
	}
	seen.outcome = {
		activated: await text("#outcome-activated"),
		payment_status: await page.getAttribute("#outcome-payment", "data-status"),
		payment: await text("#outcome-payment"),
		status: await text("#job-card .gf-badge"),
		finish_shown: await page.locator("#step-finish").isVisible(),
		page_text: await page.locator("#job").innerText(),
	};
	await page.locator("#outcome").scrollIntoViewIfNeeded();
	await shot("06-job-completed");
	await fitsTheScreen("completed");

	step = "back to the list";
	await page.locator("#back").click();
	await card.waitFor({ timeout: 10000 });
	seen.list_after = await card.locator(".gf-badge").innerText();
	await shot("07-list-after");

	// The job's address opened again later: the payment's outcome asked again, nothing more charged.
	step = "reopened";
	await page.evaluate((job) => history.replaceState(null, "", `#${encodeURIComponent(job)}`), args.job);
	await page.reload({ waitUntil: "load" });
	await page.locator("#outcome:not([hidden]) #outcome-refresh:not([hidden])").waitFor({ timeout: 30000 });
	await page.locator("#outcome-refresh").click();
	await page.locator("#outcome-payment[data-status]:not([data-status=''])").waitFor({ timeout: 30000 });
	seen.reopened = {
		payment_status: await page.getAttribute("#outcome-payment", "data-status"),
		equipment_fields: await page.locator(".gf-eq-serial:visible").count(),
	};
	await page.context().close();
}

async function otherTechnician() {
	await phone("en-CA");
	step = "other technician";
	await login(args.other);
	// Even with the job's own address.
	await page.goto(`${args.url}/technicien#${encodeURIComponent(args.job)}`, { waitUntil: "load" });
	await page.waitForFunction(() => {
		const status = document.querySelector("#list-status");
		return status && status.textContent.trim() && !/…/.test(status.textContent);
	}, null, { timeout: 30000 });
	seen.other = {
		lang: await page.evaluate(() => document.documentElement.lang),
		heading: await text("h1"),
		status: await text("#list-status"),
		cards: await page.locator(".gf-card").count(),
		job_shown: await page.locator("#job").isVisible(),
		sees_job: await page.locator(`.gf-card[data-job="${args.job}"]`).count(),
	};
	await shot("08-other-technician");
	await fitsTheScreen("other technician");
	await page.context().close();
}

async function notTechnician() {
	await phone("fr-CA");
	step = "not a technician";
	await login(args.notTechnician);
	await page.goto(`${args.url}/technicien`, { waitUntil: "load" });
	await page.locator("#gf-tech-refused").waitFor({ timeout: 20000 });
	seen.not_technician = {
		text: await text("#gf-tech-refused"),
		list: await page.locator("#gf-tech").count(),
	};
	await shot("09-not-a-technician");
	await fitsTheScreen("not a technician");
	await page.context().close();
}

try {
	await technicianVisit();
	await otherTechnician();
	await notTechnician();
	console.log(JSON.stringify({ ok: true, ...seen, shots, errors }));
	await browser.close();
} catch (error) {
	if (page) await shot(`failed-${step.replace(/\W+/g, "-")}`).catch(() => {});
	console.log(JSON.stringify({ ok: false, error: String(error), step, ...seen, shots, errors }));
	await browser.close();
	process.exit(1);
}
