// The Customer 360 panel on a laptop screen (1366×768), in headless Chromium.
//
//   node customer_360.mjs '{"url": "...", "user": "...", "password": "...", "customer": "...",
//                          "screenshot": "/tmp/....png", "expect": ["Emplacements", ...]}'
//
// Logs in, opens the customer, waits for the panel, screenshots it, opens "Suspend" and reads
// the records its confirmation lists (then closes it: nothing is changed). Prints one JSON line:
// {"ok": true, "sections": [...], "changes": [...], "overflow": false, "missing": [], "errors": []}.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
try {
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
	await page.goto(`${args.url}/app/customer/${encodeURIComponent(args.customer)}`, { waitUntil: "load" });
	await page.locator(".gf-360-card").first().waitFor({ timeout: 60000 });
	await page.waitForTimeout(500);
	const seen = await page.evaluate(() => ({
		sections: [...document.querySelectorAll(".gf-360-card")].map((c) => c.dataset.section),
		text: document.querySelector(".gf-360").innerText,
		// The panel fits the laptop's width: no sideways scrolling.
		overflow: document.documentElement.scrollWidth > window.innerWidth,
		actions: [...document.querySelectorAll(".gf-360 [data-action]")].map((b) => b.dataset.action),
	}));
	// The panel from its top, below the form's sticky header.
	await page.evaluate(() => window.scrollTo(0, document.querySelector(".gf-360").getBoundingClientRect().top + window.scrollY - 130));
	await page.waitForTimeout(300);
	await page.screenshot({ path: args.screenshot });
	const missing = (args.expect || []).filter((t) => !seen.text.includes(t));

	let changes = [];
	if (seen.actions.includes("suspend")) {
		await page.locator('.gf-360 [data-action="suspend"]').click();
		const list = page.locator(".modal.show .gf-360-changes li");
		await list.first().waitFor({ timeout: 30000 });
		changes = await list.allInnerTexts();
		await page.screenshot({ path: args.screenshot.replace(/\.png$/, "-suspend.png") });
		await page.keyboard.press("Escape");
	}
	console.log(JSON.stringify({ ok: true, sections: seen.sections, actions: seen.actions, overflow: seen.overflow, missing, changes, errors }));
} catch (error) {
	console.log(JSON.stringify({ ok: false, error: String(error), errors }));
} finally {
	await browser.close();
}
