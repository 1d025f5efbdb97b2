// "Nouvelle installation": an agent takes an order by phone, without leaving the desk.
// Address search, plans with a live price, customer, dates, confirm — the same pipeline as
// the website (gigafibre_fsm.api.desk), without a card; a payment link can be sent.
frappe.pages["nouvelle-installation"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("New Installation"), single_column: true });
	new gigafibre.NewInstallation(page);
};

frappe.provide("gigafibre");

gigafibre.NewInstallation = class NewInstallation {
	constructor(page) {
		this.page = page;
		this.api = "gigafibre_fsm.api.desk.";
		this.key = frappe.utils.get_random(24);
		this.plans = null;
		this.address = null;
		this.make();
	}

	// JSON in, as the endpoints' typed arguments (dict, list) expect; errors shown like frappe.call's.
	async call(method, args, type, quiet) {
		let url = `/api/method/${this.api}${method}`;
		const options = { headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token } };
		if (type === "GET") {
			url += "?" + new URLSearchParams(args).toString();
		} else {
			Object.assign(options, { method: "POST", body: JSON.stringify(args) });
			options.headers["Content-Type"] = "application/json";
		}
		const response = await fetch(url, options);
		const data = await response.json().catch(() => ({}));
		if (!response.ok) {
			const messages = JSON.parse(data._server_messages || "[]").map((m) => JSON.parse(m).message);
			if (!quiet) {
				frappe.msgprint({ title: __("Not saved"), indicator: "red", message: messages.join("<br>") || data.exception });
			}
			throw new Error(messages.join(" "));
		}
		return data.message;
	}

	make() {
		const $body = $(`<div class="gf-new-installation"></div>`).appendTo(this.page.main);
		this.$results = $(`<div class="gf-address-results"></div>`);
		this.$quote = $(`<div class="gf-quote text-muted">${__("Choose an address")}</div>`);
		this.form = new frappe.ui.FieldGroup({
			body: $body,
			fields: [
				{ fieldtype: "Section Break", label: __("Address") },
				{ fieldname: "address_query", fieldtype: "Data", label: __("Search an address"), change: () => this.search() },
				{ fieldname: "address_results", fieldtype: "HTML" },
				{ fieldname: "address_label", fieldtype: "Data", label: __("Address"), read_only: 1 },
				{ fieldname: "apartment", fieldtype: "Data", label: __("Apartment") },
				{ fieldtype: "Section Break", label: __("Plans and price") },
				{ fieldname: "internet", fieldtype: "Select", label: __("Internet"), change: () => this.price() },
				{ fieldname: "tv", fieldtype: "Select", label: __("TV"), change: () => this.price() },
				{ fieldname: "phone_lines", fieldtype: "Int", label: __("Phone lines"), default: 0, change: () => this.price() },
				{ fieldname: "commitment_months", fieldtype: "Select", label: __("Commitment"), options: "0\n24\n36", default: "0", change: () => this.price() },
				{ fieldname: "special_discount", fieldtype: "Check", label: __("Special discount"), change: () => this.price() },
				{ fieldtype: "Column Break" },
				{ fieldname: "quote", fieldtype: "HTML" },
				{ fieldtype: "Section Break", label: __("Customer") },
				{ fieldname: "first_name", fieldtype: "Data", label: __("First Name"), reqd: 1 },
				{ fieldname: "last_name", fieldtype: "Data", label: __("Last Name"), reqd: 1 },
				{ fieldtype: "Column Break" },
				{ fieldname: "email", fieldtype: "Data", options: "Email", label: __("Email"), reqd: 1 },
				{ fieldname: "phone", fieldtype: "Data", label: __("Phone"), reqd: 1 },
				{ fieldtype: "Section Break", label: __("Installation") },
				{ fieldname: "date_1", fieldtype: "Date", label: __("Preferred Date 1") },
				{ fieldname: "date_2", fieldtype: "Date", label: __("Preferred Date 2") },
				{ fieldname: "date_3", fieldtype: "Date", label: __("Preferred Date 3") },
				{ fieldtype: "Column Break" },
				{ fieldname: "contact_me", fieldtype: "Check", label: __("Contact Me to Schedule") },
				{ fieldname: "link_sms", fieldtype: "Check", label: __("Send a payment link by SMS") },
				{ fieldname: "link_email", fieldtype: "Check", label: __("Send a payment link by email") },
			],
		});
		this.form.make();
		this.form.get_field("address_results").$wrapper.append(this.$results);
		this.form.get_field("quote").$wrapper.append(this.$quote);
		this.page.set_primary_action(__("Confirm the order"), () => this.confirm());
	}

	async search() {
		const q = (this.form.get_value("address_query") || "").trim();
		// Typing and leaving the field both ask: only the latest answer is listed.
		const asked = (this.searched = (this.searched || 0) + 1);
		this.$results.empty();
		if (q.length < 3) return;
		const results = await this.call("search_addresses", { q, limit: 8 }, "GET", true);
		if (asked !== this.searched) return;
		this.$results.empty();
		(results || []).forEach((address) => {
			$(`<button class="btn btn-xs btn-default gf-address" style="display:block;margin:2px 0"></button>`)
				.text(address.label)
				.attr("data-address-id", address.address_id)
				.on("click", () => this.choose(address))
				.appendTo(this.$results);
		});
	}

	async choose(address) {
		this.$results.empty();
		this.address = address;
		this.form.set_value("address_label", address.label);
		const data = await this.call("availability", { address_id: address.address_id }, "GET");
		this.plans = data.plans;
		const options = (rows) => [""].concat(rows.map((p) => p.sku));
		this.form.set_df_property("internet", "options", options(data.plans.internet));
		this.form.set_df_property("tv", "options", options(data.plans.tv));
		if (data.coverage !== "available") {
			frappe.show_alert({ message: __("Fibre is not available at this address: phone only"), indicator: "orange" });
		}
		this.price();
	}

	items() {
		const v = this.form.get_values(true);
		const items = [];
		if (v.internet) items.push({ sku: v.internet, qty: 1 });
		if (v.tv) items.push({ sku: v.tv, qty: 1 });
		if (cint(v.phone_lines) > 0) items.push({ sku: (this.plans.phone[0] || {}).sku, qty: cint(v.phone_lines) });
		if (v.special_discount) items.push({ sku: "RAB_X", qty: 1 });
		return items;
	}

	async price() {
		if (!this.address) return;
		// Answers can arrive out of order: only the latest request's is shown.
		const asked = (this.priced = (this.priced || 0) + 1);
		try {
			const quote = await this.call("quote", {
				address_id: this.address.address_id,
				items: this.items(),
				commitment_months: this.form.get_value("commitment_months"),
			}, "POST", true);
			if (asked !== this.priced) return;
			const rows = quote.lines
				.map((l) => `<tr><td>${frappe.utils.escape_html(l.description)}</td><td>${l.qty}</td><td class="text-right">${format_currency(l.amount, "CAD")}</td></tr>`)
				.join("");
			this.$quote.html(
				`<table class="table table-condensed">${rows}</table>
				<p>${__("Monthly")}: <b>${format_currency(quote.monthly.total, "CAD")}</b>
				(TPS ${format_currency(quote.monthly.tps, "CAD")}, TVQ ${format_currency(quote.monthly.tvq, "CAD")})</p>
				<p>${__("Due at installation")}: <b>${format_currency(quote.due_at_installation.total, "CAD")}</b></p>`
			);
		} catch (e) {
			if (asked === this.priced) this.$quote.text(__("Choose at least one service"));
		}
	}

	async confirm() {
		if (!this.address) {
			frappe.msgprint(__("Choose an address"));
			return;
		}
		const v = this.form.get_values();
		if (!v) return;
		const links = [];
		if (v.link_sms) links.push("sms");
		if (v.link_email) links.push("email");
		const order = await this.call("checkout", {
			idempotency_key: this.key,
			address_id: this.address.address_id,
			apartment: v.apartment,
			customer: { first_name: v.first_name, last_name: v.last_name, email: v.email, phone: v.phone, language: "fr" },
			items: this.items(),
			commitment_months: v.commitment_months,
			preferred_dates: [v.date_1, v.date_2, v.date_3].filter(Boolean),
			contact_me: v.contact_me ? 1 : 0,
			send_payment_link: links,
		});
		this.key = frappe.utils.get_random(24);
		frappe.msgprint({
			title: __("Order confirmed!"),
			indicator: "green",
			message: `${__("Order number")}: ${order.order_id}<br>
				<a href="/app/customer/${encodeURIComponent(order.customer)}">${frappe.utils.escape_html(order.customer)}</a> ·
				<a href="/app/dispatch-job/${encodeURIComponent(order.dispatch_job)}">${order.dispatch_job}</a>`,
		});
	}
};
