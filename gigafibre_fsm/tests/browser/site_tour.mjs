// What a person sees on a Gigafibre site, in headless Chromium (playwright-core): an
// administrator opens the Gigafibre workspace, the settings and an Item with its pricing
// fields; a visitor finds an address on /commander typed street first and number first,
// sees plans and prices and orders; an address nobody knows, one the fibre does not reach
// yet and the one just ordered (its port now held) get a message, the waitlist and the
// customer-service phone.
//
//   node site_tour.mjs '{"url": "...", "user": "...", "password": "...", "shots": "/tmp/dir", ...}'
//
// Prints one JSON line: {"ok": true, "order_id": ..., "seen": {...}, "errors": [...]} or
// {"ok": false, "error": ..., "step": ...} and exits non-zero on failure. A screenshot of
// every step is written to `shots`.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];
const seen = {};
const shots = [];
let step = "start";
let page = null;

function watch(p) {
	p.on("pageerror", (error) => errors.push(`${step}: ${error}`));
	p.on("response", (response) => {
		// A server error is never what a person should meet, nor a script or style missing.
		const missing = response.status() >= 400 && new URL(response.url()).pathname.startsWith("/assets/");
		if (response.status() >= 500 || missing) errors.push(`${step}: ${response.status()} ${response.url()}`);
	});
	return p;
}

async function shot(name) {
	const path = `${args.shots}/${name}.png`;
	await page.screenshot({ path, fullPage: true });
	shots.push(path);
}

// No dialog in the desk after the page settled: Frappe shows errors (server errors, "Not
// permitted", a missing record) in a modal.
async function noErrorDialog() {
	await page.waitForTimeout(800);
	const dialogs = await page.locator(".modal.show").allTextContents();
	if (dialogs.length) throw new Error(`a dialog is open: ${dialogs.join(" | ").replace(/\s+/g, " ").trim()}`);
}

async function visible(selector, timeout = 20000) {
	await page.locator(selector).first().waitFor({ state: "visible", timeout });
}

async function desk() {
	const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	page = watch(await context.newPage());
	step = "login";
	await page.goto(`${args.url}/login`, { waitUntil: "load" });
	const status = await page.evaluate(
		(credentials) =>
			fetch("/api/method/login", {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: "application/json" },
				body: JSON.stringify(credentials),
			}).then((r) => r.status),
		{ usr: args.user, pwd: args.password },
	);
	if (status !== 200) throw new Error(`login as ${args.user}: ${status}`);

	step = "workspace";
	await page.goto(`${args.url}/app/gigafibre`, { waitUntil: "load" });
	// The workspace draws its widgets once its record is read: all of them, then settled.
	await page.waitForFunction(
		(expected) =>
			document.querySelectorAll(".shortcut-widget-box").length >= expected.shortcuts &&
			document.querySelectorAll(".links-widget-box").length >= expected.cards,
		args.workspace,
		{ timeout: 30000 },
	);
	await visible(".shortcut-widget-box");
	if (!page.url().endsWith("/app/gigafibre")) throw new Error(`the workspace went to ${page.url()}`);
	seen.workspace = {
		shortcuts: await page.locator(".shortcut-widget-box").count(),
		cards: await page.locator(".links-widget-box").count(),
	};
	await noErrorDialog();
	await shot("1-workspace");

	step = "settings";
	await page.goto(`${args.url}/app/gigafibre-settings`, { waitUntil: "load" });
	const phone = page.locator('.frappe-control[data-fieldname="support_phone"] input');
	await phone.waitFor({ state: "visible", timeout: 20000 });
	await visible('.frappe-control[data-fieldname="company"] input');
	await visible('.frappe-control[data-fieldname="sales_taxes_template"] input');
	seen.settings = {
		support_phone: await phone.inputValue(),
		company: await page.locator('.frappe-control[data-fieldname="company"] input').inputValue(),
	};
	await noErrorDialog();
	await shot("2-settings");

	step = "item";
	await page.goto(`${args.url}/app/item/${encodeURIComponent(args.item)}`, { waitUntil: "load" });
	const section = page.locator('.form-section[data-fieldname="gigafibre_section"]');
	await section.locator(".section-head").waitFor({ state: "visible", timeout: 20000 });
	// The section is collapsible: opened as a person does, by its head.
	if (await section.locator(".section-body.hide").count()) await section.locator(".section-head").click();
	const fields = {};
	for (const name of args.itemFields) {
		const control = section.locator(`.frappe-control[data-fieldname="${name}"]`);
		await control.waitFor({ state: "visible", timeout: 10000 });
		const input = control.locator("input, select").first();
		fields[name] = await input.evaluate((el) => (el.type === "checkbox" ? String(el.checked) : el.value));
	}
	seen.item = fields;
	await noErrorDialog();
	await page.evaluate(() => window.scrollTo(0, 0));
	await shot("3-item");
	// The section alone, cut from the page as drawn from its top (no sticky header over it).
	const box = await section.boundingBox();
	await page.screenshot({ path: `${args.shots}/3-item-gigafibre-service.png`, fullPage: true, clip: box });
	shots.push(`${args.shots}/3-item-gigafibre-service.png`);
	await context.close();
}

async function orderPage() {
	return watch(
		await browser.newPage({
			locale: "fr-CA",
			extraHTTPHeaders: { "Accept-Language": "fr-CA,fr" },
			viewport: { width: 1024, height: 900 },
		}),
	);
}

// Type a query and wait for the address among the results of that query.
async function find(query, addressId) {
	await page.fill("#address-input", "");
	await page.waitForFunction(() => !document.querySelector("#address-results li"), null, { timeout: 10000 });
	await page.fill("#address-input", query);
	const choice = page.locator(`button.gf-address[data-address-id="${addressId}"]`);
	await choice.waitFor({ timeout: 15000 }).catch(async () => {
		const listed = await page.locator("#address-results").textContent();
		throw new Error(`"${query}" did not list ${addressId}; the list: ${listed.trim() || "(empty)"}`);
	});
	return choice;
}

async function order() {
	const o = args.order;
	page = await orderPage();
	step = "order: street first";
	await page.goto(`${args.url}/commander`, { waitUntil: "load" });
	await find(o.streetFirst, o.addressId);
	step = "order: number first";
	const choice = await find(o.numberFirst, o.addressId);
	await choice.click();

	step = "order: plans";
	await visible("#step-plans");
	if (!(await page.locator("#step-unavailable").isHidden())) throw new Error("an address with fibre says it has none");
	const plans = await page.locator("#plans-internet label").allTextContents();
	if (!plans.length || !plans.every((p) => /\d+,\d{2} \$/.test(p))) throw new Error(`internet plans without a price: ${plans}`);
	seen.plans = plans.map((p) => p.trim());
	await page.check(`input[name=internet][value="${o.internet}"]`);
	await page.selectOption("#plans-tv", o.tv);
	await page.check("#plans-phone");
	await page.selectOption("#commitment", String(o.commitment));
	await page.waitForFunction(
		(expected) => (document.querySelector("#quote-monthly") || {}).textContent?.includes(expected),
		o.expectedMonthly,
		{ timeout: 15000 },
	);
	seen.monthly = (await page.textContent("#quote-monthly")).trim();
	seen.due = (await page.textContent("#quote-due")).trim();

	step = "order: details";
	await page.fill("#first-name", o.firstName);
	await page.fill("#last-name", o.lastName);
	await page.fill("#email", o.email);
	await page.fill("#phone", "819 555-0123");
	for (const [i, day] of o.dates.entries()) await page.fill(`#date-${i + 1}`, day);
	await shot("4-order-plans");

	step = "order: card";
	// Stripe Elements (localstripe's stand-in renders plain inputs).
	const card = page.locator("#card-element");
	await card.locator("input[placeholder=number]").waitFor({ timeout: 15000 });
	await card.locator("input[placeholder=number]").fill("4242424242424242");
	await card.locator("input[placeholder=exp_month]").fill("12");
	await card.locator("input[placeholder=exp_year]").fill("34");
	await card.locator("input[placeholder=cvc]").fill("123");
	await card.locator("input[placeholder=postal_code]").fill("J0A1C0");

	step = "order: confirm";
	await page.click("#confirm");
	await page.waitForSelector("#step-done:not([hidden])", { timeout: 30000 }).catch(async (e) => {
		throw new Error(`${e.message}; the page says: ${await page.textContent("#order-error")}`);
	});
	seen.confirmation = (await page.textContent("#step-done")).replace(/\s+/g, " ").trim();
	await shot("5-order-confirmed");
	const orderId = (await page.textContent("#order-id")).trim();
	await page.close();
	return orderId;
}

// What the page offers where there is no fibre: the message, the phone and the waitlist.
async function offers(reason) {
	await visible(`#unavailable-${reason}`);
	const form = page.locator("#waitlist-form");
	await form.waitFor({ state: "visible" });
	const phone = page.locator("#support-phone");
	await phone.waitFor({ state: "visible", timeout: 5000 }).catch(() => {
		throw new Error("no customer-service phone on the page (Gigafibre Settings: Customer Service Phone)");
	});
	return {
		message: (await page.textContent(`#unavailable-${reason}`)).replace(/\s+/g, " ").trim(),
		phone: (await phone.textContent()).replace(/\s+/g, " ").trim(),
		phone_link: await phone.locator("a").getAttribute("href"),
	};
}

async function noMatch() {
	const n = args.noMatch;
	page = await orderPage();
	step = "no match";
	await page.goto(`${args.url}/commander`, { waitUntil: "load" });
	await page.fill("#address-input", n.query);
	const found = await offers("no-match");
	const typed = page.locator("#waitlist-form input[name=address]");
	if (!(await typed.isVisible())) throw new Error("the waitlist form does not ask for the address");
	found.address = await typed.inputValue();
	if (!(await page.locator("#step-plans").isHidden())) throw new Error("plans are shown for an address nobody knows");
	step = "no match: waitlist";
	const form = page.locator("#waitlist-form");
	await form.locator("input[name=first_name]").fill("Gaston");
	await form.locator("input[name=last_name]").fill("Attente");
	await form.locator("input[name=email]").fill(n.email);
	await form.locator("input[name=phone]").fill("819 555-0188");
	await form.locator("button[type=submit]").click();
	await page.waitForFunction(() => document.querySelector("#waitlist-result").textContent.trim(), null, { timeout: 15000 });
	found.waitlist = (await page.textContent("#waitlist-result")).trim();
	seen.noMatch = found;
	await shot("6-no-match");
	await page.close();
}

async function notCovered() {
	const n = args.notCovered;
	page = await orderPage();
	step = "not covered";
	await page.goto(`${args.url}/commander`, { waitUntil: "load" });
	await (await find(n.query, n.addressId)).click();
	const found = await offers("not-covered");
	await visible("#plans-phone-only");
	if (!(await page.locator("#plans-phone").isChecked())) throw new Error("the phone plan is not offered where fibre is not");
	if (await page.locator("#plans-internet label").count()) throw new Error("internet plans are offered where fibre is not");
	await page.waitForFunction(() => (document.querySelector("#quote-monthly") || {}).textContent, null, { timeout: 15000 });
	found.phone_plan = (await page.textContent("#plans-phone-label")).trim();
	found.monthly = (await page.textContent("#quote-monthly")).trim();
	seen.notCovered = found;
	await shot("7-not-covered");
	await page.close();
}

// The address just ordered: its port is now held, so the page offers a call back instead.
async function taken() {
	const o = args.order;
	page = await orderPage();
	step = "taken";
	await page.goto(`${args.url}/commander`, { waitUntil: "load" });
	const choice = await find(o.numberFirst, o.addressId);
	const coverage = await choice.getAttribute("data-coverage");
	await choice.click();
	const found = await offers("taken");
	await visible("#callback-title");
	if (await page.locator("#plans-internet label").count()) throw new Error("internet plans are offered on a port in use");
	found.coverage = coverage;
	seen.taken = found;
	await shot("8-taken");
	await page.close();
}

try {
	await desk();
	const orderId = await order();
	await noMatch();
	await notCovered();
	await taken();
	console.log(JSON.stringify({ ok: true, order_id: orderId, seen, shots, errors }));
	await browser.close();
} catch (error) {
	if (page && !page.isClosed()) await shot(`failed-${step.replace(/\W+/g, "-")}`).catch(() => {});
	console.log(JSON.stringify({ ok: false, step, error: String(error), seen, shots, errors }));
	await browser.close();
	process.exit(1);
}
