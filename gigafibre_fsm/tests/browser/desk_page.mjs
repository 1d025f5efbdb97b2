// An agent takes an order by phone on the desk page "Nouvelle installation", in headless Chromium.
//
//   node desk_page.mjs '{"url": "...", "user": "...", "password": "...", "query": "...", "addressId": "..."}'
//
// Prints one JSON line: {"ok": true, "order_id": ...} or {"ok": false, "error": ...}.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ locale: "fr-CA" });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
const field = (name) => page.locator(`.gf-new-installation [data-fieldname="${name}"] :is(input, select)`).first();
try {
	// Log in from the site's own origin (the browser resolves *.localhost itself).
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
	if (status !== 200) throw new Error(`login: ${status}`);
	await page.goto(`${args.url}/app/nouvelle-installation`, { waitUntil: "load" });
	await field("address_query").waitFor({ timeout: 30000 });

	await field("address_query").fill(args.query);
	await field("address_query").press("Tab");
	const choice = page.locator(`button.gf-address[data-address-id="${args.addressId}"]`);
	await choice.waitFor({ timeout: 15000 });
	await choice.click();
	await page.waitForFunction(() => document.querySelectorAll('[data-fieldname="internet"] option').length > 1, null, { timeout: 15000 });

	await field("internet").selectOption(args.internet);
	await field("tv").selectOption(args.tv);
	await field("phone_lines").fill("1");
	await field("phone_lines").press("Tab");
	await page.waitForFunction(
		(expected) => (document.querySelector(".gf-quote") || {}).textContent?.includes(expected),
		args.expectedMonthly,
		{ timeout: 15000 },
	);
	await field("first_name").fill("Jean");
	await field("last_name").fill("Téléphone");
	await field("email").fill(args.email);
	await field("phone").fill("450 555 0142");
	await page.locator('.gf-new-installation [data-fieldname="contact_me"] input[data-fieldname]').check();
	await page.locator('.gf-new-installation [data-fieldname="link_sms"] input[data-fieldname]').check();
	await page.locator(".page-actions .primary-action").click();
	const dialog = page.locator(".modal.show .modal-body");
	await dialog.waitFor({ timeout: 30000 });
	const text = await dialog.textContent();
	const match = text.match(/:\s*([A-Za-z0-9]{24})/);
	await page.screenshot({ path: args.screenshot || "/tmp/gigafibre-desk-page.png", fullPage: true });
	if (!match) throw new Error(`no order number in: ${text}`);
	console.log(JSON.stringify({ ok: true, order_id: match[1], errors }));
	await browser.close();
} catch (error) {
	await page.screenshot({ path: args.screenshot || "/tmp/gigafibre-desk-page.png", fullPage: true }).catch(() => {});
	console.log(JSON.stringify({ ok: false, error: String(error), errors }));
	await browser.close();
	process.exit(1);
}
