// The public order page: the same endpoints as any website client (API.md).
(function () {
	const root = document.getElementById("gf-order");
	if (!root) return;
	const API = "/api/method/gigafibre_fsm.api.website.";
	const $ = (id) => document.getElementById(id);
	const texts = JSON.parse(root.dataset.texts || "{}");
	const t = (text) => texts[text] || text;
	// 2025-03-17 → « lundi 17 mars 2025 » (or "Monday, March 17, 2025"), as the customer's messages write it.
	const longDate = (iso) =>
		new Date(`${iso}T12:00:00`).toLocaleDateString(document.documentElement.lang === "en" ? "en-CA" : "fr-CA", {
			weekday: "long",
			day: "numeric",
			month: "long",
			year: "numeric",
		});
	const money = (n) => Number(n).toFixed(2).replace(".", ",") + " $";
	const state = { address: null, plans: null, card: null, stripe: null };

	// One key per order attempt, kept across reloads: a double click or a retry replays it.
	let key = sessionStorage.getItem("gf-order-key");
	if (!key) {
		key = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
		sessionStorage.setItem("gf-order-key", key);
	}

	async function call(method, body, get) {
		const options = { headers: { Accept: "application/json" } };
		let url = API + method;
		if (get) {
			url += "?" + new URLSearchParams(body).toString();
		} else {
			options.method = "POST";
			options.headers["Content-Type"] = "application/json";
			options.body = JSON.stringify(body);
		}
		const response = await fetch(url, options);
		const data = await response.json().catch(() => ({}));
		if (!response.ok) {
			let message = data.exception || response.statusText;
			try {
				message = JSON.parse(JSON.parse(data._server_messages)[0]).message;
			} catch (e) {
				/* keep the exception text */
			}
			const error = new Error(message);
			error.status = response.status;
			throw error;
		}
		return data.message;
	}

	// 1. Address
	let timer = null;
	$("address-input").addEventListener("input", () => {
		clearTimeout(timer);
		timer = setTimeout(search, 250);
	});

	let searched = 0;
	async function search() {
		const q = $("address-input").value.trim();
		const list = $("address-results");
		const asked = ++searched;
		if (q.length < 3) {
			list.innerHTML = "";
			return;
		}
		let results;
		try {
			results = await call("search_addresses", { q, limit: 8 }, true);
		} catch (error) {
			if (asked !== searched) return;
			list.innerHTML = "";
			const li = document.createElement("li");
			li.className = "text-danger";
			li.textContent =
				error.status === 417 || error.status === 400
					? error.message
					: t("The address search is not available right now. Try again in a moment.");
			list.appendChild(li);
			return;
		}
		if (asked !== searched) return; // a later search is on its way
		list.innerHTML = "";
		if (!results.length) {
			// Said once a number and a street could be there, not while the first word is typed.
			if (q.split(/[\s,]+/).filter(Boolean).length >= 2) noMatch(q);
			return;
		}
		if (!$("unavailable-no-match").hidden) showUnavailable(null);
		results.forEach((address) => {
			const li = document.createElement("li");
			const button = document.createElement("button");
			button.type = "button";
			button.className = "btn btn-link gf-address";
			button.dataset.addressId = address.address_id;
			button.dataset.coverage = address.coverage;
			button.textContent = address.label;
			button.addEventListener("click", () => choose(address));
			li.appendChild(button);
			list.appendChild(li);
		});
	}

	// Where the fibre is not (yet): why, the customer-service phone and the waitlist.
	function showUnavailable(reason) {
		$("step-unavailable").hidden = !reason;
		["no-match", "not-covered", "taken"].forEach((r) => ($("unavailable-" + r).hidden = r !== reason));
		// Where the fibre is but its port is in use, the same form asks to be called back.
		$("waitlist-title").hidden = reason === "taken";
		$("callback-title").hidden = reason !== "taken";
		// A typed address goes with the waitlist only when none was found.
		const typed = root.querySelector("#waitlist-form input[name=address]");
		typed.hidden = typed.disabled = reason !== "no-match";
		typed.required = reason === "no-match";
		$("waitlist-result").textContent = "";
	}

	function noMatch(q) {
		state.address = null;
		$("address-chosen").textContent = "";
		root.querySelector("#waitlist-form input[name=address]").value = q;
		["step-plans", "step-details", "step-card", "step-confirm"].forEach((id) => ($(id).hidden = true));
		showUnavailable("no-match");
	}

	async function choose(address) {
		// A search still on its way would list addresses again under the chosen one.
		clearTimeout(timer);
		searched++;
		$("address-results").innerHTML = "";
		$("address-chosen").textContent = address.label;
		state.address = address;
		let data;
		try {
			data = await call("availability", { address_id: address.address_id }, true);
		} catch (error) {
			$("address-chosen").textContent = error.message;
			return;
		}
		state.plans = data.plans;
		const fibre = data.coverage === "available";
		showUnavailable(fibre ? null : data.coverage === "taken" ? "taken" : "not-covered");
		showPlans(data.plans, fibre);
	}

	// 2. Plans and a live price
	function showPlans(plans, fibre) {
		const internet = $("plans-internet");
		internet.innerHTML = "";
		plans.internet.forEach((plan, i) => {
			const label = document.createElement("label");
			label.className = "d-block";
			label.innerHTML = `<input type="radio" name="internet" value="${plan.sku}" ${i === 0 ? "checked" : ""}> `;
			label.append(`${plan.name} — ${money(plan.monthly)}/${t("month")}`);
			internet.appendChild(label);
		});
		const tv = $("plans-tv");
		tv.innerHTML = `<option value="">${t("None")}</option>`;
		plans.tv.forEach((plan) => {
			const option = document.createElement("option");
			option.value = plan.sku;
			option.textContent = `${plan.name} — ${money(plan.monthly)}`;
			tv.appendChild(option);
		});
		tv.parentElement.hidden = !fibre;
		const addons = $("plans-addons");
		addons.innerHTML = "";
		plans.tv_addons.forEach((plan) => {
			const label = document.createElement("label");
			label.className = "d-block gf-addon";
			label.innerHTML = `<input type="checkbox" value="${plan.sku}"> `;
			label.append(`${plan.name} — ${money(plan.monthly)}`);
			addons.appendChild(label);
		});
		const phone = plans.phone[0];
		$("plans-phone").value = phone ? phone.sku : "";
		$("plans-phone-label").textContent = phone ? `${phone.name} — ${money(phone.monthly)}` : "";
		// Without fibre, the phone line is what can be ordered: chosen already.
		$("plans-phone").checked = !fibre && Boolean(phone);
		$("plans-phone-only").hidden = fibre || !phone;
		["step-plans", "step-details", "step-card", "step-confirm"].forEach((id) => ($(id).hidden = false));
		price();
		mountCard("card-element");
	}

	$("step-plans").addEventListener("change", price);

	function basket() {
		const items = [];
		const internet = root.querySelector("input[name=internet]:checked");
		if (internet) items.push({ sku: internet.value, qty: 1 });
		if ($("plans-tv").value) {
			items.push({ sku: $("plans-tv").value, qty: 1 });
			root.querySelectorAll(".gf-addon input:checked").forEach((el) => items.push({ sku: el.value, qty: 1 }));
		}
		if ($("plans-phone").checked && $("plans-phone").value) items.push({ sku: $("plans-phone").value, qty: 1 });
		return items;
	}

	let priced = 0;
	async function price() {
		const box = $("quote");
		const asked = ++priced;
		try {
			const quote = await call("quote", {
				address_id: state.address.address_id,
				items: basket(),
				commitment_months: Number($("commitment").value),
			});
			if (asked !== priced) return; // only the latest basket's price is shown
			const lines = quote.lines
				.map((l) => `<tr><td>${escape(l.description)}</td><td>${l.qty}</td><td class="text-right">${money(l.amount)}</td></tr>`)
				.join("");
			box.innerHTML =
				`<table class="table table-sm">${lines}</table>` +
				`<p id="quote-monthly">${t("Monthly")} : <strong>${money(quote.monthly.total)}</strong> ` +
				`(TPS ${money(quote.monthly.tps)}, TVQ ${money(quote.monthly.tvq)})</p>` +
				`<p id="quote-due">${t("Due at installation")} : <strong>${money(quote.due_at_installation.total)}</strong></p>`;
		} catch (error) {
			if (asked === priced) box.textContent = error.message;
		}
	}

	function escape(text) {
		const div = document.createElement("div");
		div.textContent = text;
		return div.innerHTML;
	}

	// 4. Card (Stripe Elements when a publishable key is set)
	function mountCard(target) {
		const publishable = root.dataset.publishableKey;
		if (!publishable || typeof Stripe === "undefined") {
			$("card-missing").hidden = false;
			return;
		}
		if (state.card) return;
		state.stripe = Stripe(publishable);
		state.card = state.stripe.elements().create("card");
		state.card.mount("#" + target);
	}

	async function saveCard(person) {
		const intent = await call("start_payment", person);
		const result = await state.stripe.confirmCardSetup(intent.client_secret, {
			payment_method: { card: state.card, billing_details: { name: `${person.first_name} ${person.last_name}`, email: person.email } },
		});
		if (result.error) throw new Error(result.error.message || t("The card was refused"));
		return result.setupIntent.id;
	}

	// 5. Confirm
	$("confirm").addEventListener("click", async () => {
		const button = $("confirm");
		button.disabled = true;
		$("order-error").textContent = "";
		try {
			const person = {
				first_name: $("first-name").value,
				last_name: $("last-name").value,
				email: $("email").value,
			};
			if (!state.card) throw new Error(t("Card payments are not configured"));
			const setupIntent = await saveCard(person);
			const dates = ["date-1", "date-2", "date-3"].map((id) => $(id).value).filter(Boolean);
			const order = await call("checkout", {
				idempotency_key: key,
				address_id: state.address.address_id,
				customer: { ...person, phone: $("phone").value, language: document.documentElement.lang === "en" ? "en" : "fr" },
				items: basket(),
				commitment_months: Number($("commitment").value),
				preferred_dates: dates,
				contact_me: $("contact-me").checked,
				setup_intent_id: setupIntent,
			});
			sessionStorage.removeItem("gf-order-key");
			["step-address", "step-plans", "step-details", "step-card", "step-confirm"].forEach((id) => ($(id).hidden = true));
			$("step-done").hidden = false;
			$("order-id").textContent = order.order_id;
			$("order-when").textContent = order.scheduled_date
				? `${t("Installation")} : ${longDate(order.scheduled_date)}`
				: t("We will call you to schedule the installation");
		} catch (error) {
			$("order-error").textContent = error.message;
			button.disabled = false;
		}
	});

	// Waitlist where there is no fibre
	$("waitlist-form").addEventListener("submit", async (event) => {
		event.preventDefault();
		const form = new FormData(event.target);
		const where = state.address ? { address_id: state.address.address_id } : {};
		try {
			await call("join_waitlist", { ...where, ...Object.fromEntries(form) });
			$("waitlist-result").textContent = t("Thank you! We will let you know.");
		} catch (error) {
			$("waitlist-result").textContent = error.message;
		}
	});

	// A payment link sent by an agent: only the card step
	if (root.dataset.order && root.dataset.token) {
		["step-address"].forEach((id) => ($(id).hidden = true));
		$("step-link").hidden = false;
		const linkArgs = { commande: root.dataset.order, jeton: root.dataset.token, expire: root.dataset.expires };
		call("payment_link", linkArgs, true)
			.then((link) => {
				const paying = link.mode === "pay";
				if (paying) {
					$("link-save").textContent = `${t("Pay")} ${money(link.amount)}`;
					$("link-result").textContent = `${t("Amount to pay")} : ${money(link.amount)}`;
				}
				if (link.saved || link.paid) {
					$("link-result").textContent = t(paying ? "Your payment is received. Thank you!" : "Your card is saved. Thank you!");
					$("link-save").hidden = true;
					return;
				}
				mountCard("link-card-element");
				$("link-save").addEventListener("click", async () => {
					const card = { payment_method: { card: state.card } };
					const result = paying
						? await state.stripe.confirmCardPayment(link.client_secret, card)
						: await state.stripe.confirmCardSetup(link.client_secret, card);
					if (result.error) {
						$("link-result").textContent = result.error.message;
						return;
					}
					await call("confirm_payment_link", linkArgs);
					$("link-result").textContent = t(paying ? "Your payment is received. Thank you!" : "Your card is saved. Thank you!");
					$("link-save").hidden = true;
				});
			})
			.catch((error) => ($("link-result").textContent = error.message));
	}
})();
