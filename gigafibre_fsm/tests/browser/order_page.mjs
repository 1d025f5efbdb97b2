// A visitor orders on the public page in a real headless Chromium (playwright-core).
//
//   node order_page.mjs '{"url": "...", "query": "...", "addressId": "...", "email": "...", "dates": [...]}'
//
// Prints one JSON line: {"ok": true, "order_id": ..., "monthly": ...} or {"ok": false, "error": ...}
// and exits non-zero on failure. PLAYWRIGHT_CORE points at the tool folder's playwright-core.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: [
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
	],
});
const page = await browser.newPage({ locale: "fr-CA", extraHTTPHeaders: { "Accept-Language": "fr-CA,fr" } });
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
try {
	await page.goto(`${args.url}/commander`, { waitUntil: "load" });
	await page.fill("#address-input", args.query);
	const choice = page.locator(`button.gf-address[data-address-id="${args.addressId}"]`);
	await choice.waitFor({ timeout: 15000 });
	await choice.click();

	await page.waitForSelector("#step-plans:not([hidden])", { timeout: 15000 });
	await page.check(`input[name=internet][value="${args.internet}"]`);
	await page.selectOption("#plans-tv", args.tv);
	await page.check("#plans-phone");
	await page.selectOption("#commitment", "24");
	await page.waitForFunction(
		(expected) => (document.querySelector("#quote-monthly") || {}).textContent?.includes(expected),
		args.expectedMonthly,
		{ timeout: 15000 },
	);
	const monthly = await page.textContent("#quote-monthly");

	await page.fill("#first-name", "Marie-Ève");
	await page.fill("#last-name", "Navigateur");
	await page.fill("#email", args.email);
	await page.fill("#phone", "819 555-0123");
	for (const [i, day] of args.dates.entries()) await page.fill(`#date-${i + 1}`, day);

	// Stripe Elements (localstripe's stand-in renders plain inputs).
	const card = page.locator("#card-element");
	await card.locator("input[placeholder=number]").fill("4242424242424242");
	await card.locator("input[placeholder=exp_month]").fill("12");
	await card.locator("input[placeholder=exp_year]").fill("34");
	await card.locator("input[placeholder=cvc]").fill("123");
	await card.locator("input[placeholder=postal_code]").fill("J0A1C0");

	await page.click("#confirm");
	await page.waitForSelector("#step-done:not([hidden])", { timeout: 30000 }).catch(async (e) => {
		throw new Error(`${e.message}; page says: ${await page.textContent("#order-error")}`);
	});
	const orderId = (await page.textContent("#order-id")).trim();
	await page.screenshot({ path: args.screenshot || "/tmp/gigafibre-order-page.png", fullPage: true });
	console.log(JSON.stringify({ ok: true, order_id: orderId, monthly, errors }));
	await browser.close();
} catch (error) {
	await page.screenshot({ path: args.screenshot || "/tmp/gigafibre-order-page.png", fullPage: true }).catch(() => {});
	console.log(JSON.stringify({ ok: false, error: String(error), errors }));
	await browser.close();
	process.exit(1);
}
