// The Customer 360: one panel at the top of the Customer form (its HTML field "customer_360")
// drawn from one read (gigafibre_fsm.api.customer_360.get): locations, subscriptions, equipment,
// phone lines and their 911, tickets and visits, quotes, invoices, payments, what is owed,
// arrangements, suspensions, IP and address history — each a click away from its records. Its
// actions call the services everything else uses, after a confirmation listing what will change.
frappe.provide("gigafibre.c360");

frappe.ui.form.on("Customer", {
	refresh(frm) {
		const field = frm.get_field("customer_360");
		if (!field) return;
		if (frm.is_new()) {
			field.$wrapper.empty();
			return;
		}
		gigafibre.c360.load(frm);
	},
});

gigafibre.c360.ROWS = 5; // rows shown per section; the rest one click away in the list

gigafibre.c360.load = function (frm) {
	const $w = frm.get_field("customer_360").$wrapper;
	$w.html(`<div class="gf-360 text-muted">${__("Loading…")}</div>`);
	frappe
		.call({ method: "gigafibre_fsm.api.customer_360.get", type: "GET", args: { customer: frm.doc.name } })
		.then((r) => {
			if (!r.message || r.message.customer.name !== frm.doc.name) return;
			$w.html(gigafibre.c360.render(r.message));
			gigafibre.c360.bind(frm, $w, r.message);
		});
};

// --- small helpers -------------------------------------------------------------------------
gigafibre.c360.esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
gigafibre.c360.money = (v) => (v == null ? "—" : format_currency(v, "CAD"));
gigafibre.c360.day = (v) => (v ? frappe.datetime.str_to_user(String(v).slice(0, 10)) : "—");
gigafibre.c360.when = (v) => (v ? frappe.datetime.prettyDate(v) : __("never"));
gigafibre.c360.hours = (v) => format_number(v || 0, null, 2);
gigafibre.c360.link = (doctype, name, label) =>
	name
		? `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${gigafibre.c360.esc(label || name)}</a>`
		: "—";
gigafibre.c360.list = (doctype, filters) =>
	`/app/${frappe.router.slug(doctype)}?${new URLSearchParams(filters).toString()}`;

const C360_COLOURS = {
	Active: "green", Online: "green", Match: "green", Open: "blue", Scheduled: "blue", Kept: "green",
	Completed: "green", Paid: "green", Pending: "orange", "Pending Install": "orange", "Pending 911": "orange",
	"In Progress": "orange", Replied: "orange", Overdue: "red", Unpaid: "orange", "Partly Paid": "orange",
	Suspended: "red", Missed: "red", Mismatch: "red", Missing: "red", Offline: "red", Cancelled: "gray",
	Disconnected: "gray", Returned: "gray", "Never Seen": "gray", Closed: "gray", Resolved: "gray",
	Lost: "gray", Expired: "gray", Ordered: "green", Draft: "gray", "In Stock": "gray",
};
gigafibre.c360.pill = (status) =>
	status
		? `<span class="indicator-pill ${C360_COLOURS[status] || "gray"} gf-360-pill">${gigafibre.c360.esc(__(status))}</span>`
		: "";

gigafibre.c360.section = function (key, title, count, listUrl, body, extra) {
	const more = listUrl ? `<a class="gf-360-more" href="${listUrl}">${__("View all ({0})", [count])}</a>` : "";
	return `<div class="gf-360-card" data-section="${key}">
		<div class="gf-360-head"><span class="gf-360-title">${title}</span>${extra || ""}${more}</div>
		${body}</div>`;
};

gigafibre.c360.table = function (headers, rows, limit) {
	if (!rows.length) return `<div class="text-muted small gf-360-empty">${__("None")}</div>`;
	const shown = rows.slice(0, limit || gigafibre.c360.ROWS);
	return `<table class="gf-360-table"><thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
		<tbody>${shown.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
};

// --- the panel -------------------------------------------------------------------------------
gigafibre.c360.render = function (d) {
	const c = gigafibre.c360;
	const cust = d.customer;
	const byCustomer = { customer: cust.name };
	const locTitle = {};
	(d.locations || []).forEach((l) => (locTitle[l.name] = l.location_title || l.name));
	const loc = (name) => (name ? c.link("Service Location", name, locTitle[name] || name) : "—");
	const parts = [];

	// Header: suspended, what is owed, the next cut-off, and the actions.
	const badges = [];
	if (cust.legacy_customer_id) badges.push(`<span class="text-muted">${__("Legacy ID")} ${c.esc(cust.legacy_customer_id)}</span>`);
	badges.push(cust.is_suspended ? c.pill("Suspended") : c.pill("Active"));
	if (d.balance) {
		const b = d.balance;
		badges.push(`<span>${__("Balance")}: <b>${c.money(b.outstanding)}</b></span>`);
		badges.push(`<span class="${b.overdue > 0 ? "text-danger" : ""}">${__("Overdue")}: ${c.money(b.overdue)}</span>`);
		badges.push(
			`<span>${__("Next cut-off")}: <b>${c.day(b.next_cutoff)}</b>${
				b.next_cutoff_from === "arrangement" ? ` (${__("arrangement")})` : b.next_cutoff_from === "dunning" ? ` (${__("overdue invoices")})` : ""
			}</span>`
		);
		badges.push(`<span>${b.auto_pay ? __("Auto-pay: {0}", [__(b.auto_pay)]) : __("No auto-pay")}</span>`);
	}
	if (d.subscriptions && d.subscriptions.monthly_total != null) {
		badges.push(`<span>${__("Monthly")}: <b>${c.money(d.subscriptions.monthly_total)}</b></span>`);
	}
	const a = d.actions || {};
	const buttons = [
		a.suspend && ["suspend", __("Suspend"), "btn-danger"],
		a.restore && ["restore", __("Restore"), "btn-success"],
		a.arrangement && ["arrangement", __("New Payment Arrangement"), "btn-default"],
		a.ticket && ["ticket", __("New Ticket"), "btn-default"],
		a.technician && ["technician", __("Send a Technician"), "btn-default"],
		a.payment_link && ["payment_link", __("Resend Payment Link"), "btn-default"],
	].filter(Boolean);
	parts.push(`<div class="gf-360-bar"><div class="gf-360-badges">${badges.join("")}</div>
		<div class="gf-360-actions">${buttons
			.map(([k, label, cls]) => `<button class="btn btn-xs ${cls}" data-action="${k}">${label}</button>`)
			.join("")}</div></div>`);

	const cards = [];
	// Locations with their status and the hours technicians spent there.
	cards.push(
		c.section("locations", __("Locations"), d.locations.length, c.list("Service Location", byCustomer),
			c.table([__("Address"), __("Status"), __("OLT port"), __("Hours on site")],
				d.locations.map((l) => [
					loc(l.name),
					c.pill(l.status),
					c.esc([l.frame, l.slot, l.port].some((x) => x) ? [l.frame, l.slot, l.port].join("/") : "—"),
					l.hours != null ? c.hours(l.hours) : "—",
				])))
	);
	// Subscriptions.
	const subs = d.subscriptions;
	const counts = Object.entries(subs.counts || {}).map(([s, n]) => `${__(s)} ${n}`).join(" · ");
	cards.push(
		c.section("subscriptions", __("Subscriptions"), subs.rows.length, c.list("Service Subscription", byCustomer),
			c.table(
				[__("Service"), __("Location"), __("Status")].concat(d.sees_money ? [__("Rate")] : []),
				subs.rows.map((s) =>
					[c.link("Service Subscription", s.name, s.item_name || s.item), loc(s.service_location), c.pill(s.status)].concat(
						d.sees_money ? [c.money(s.rate) + (s.billing_interval !== "Monthly" ? ` <span class="text-muted">${c.esc(__(s.billing_interval))}</span>` : "")] : []
					)
				)
			), `<span class="text-muted small">${c.esc(counts)}</span>`)
	);
	// Equipment: last seen by the ACS, online or not.
	cards.push(
		c.section("equipment", __("Equipment"), d.equipment.length, c.list("Service Equipment", byCustomer),
			c.table([__("Equipment"), __("Serial"), __("Status"), __("Last seen"), __("Online")],
				d.equipment.map((e) => [
					c.link("Service Equipment", e.name, __(e.equipment_type)),
					c.esc(e.serial_number || e.mac_address || "—"),
					c.pill(e.status),
					c.esc(c.when(e.last_inform)),
					c.pill(e.online),
				])))
	);
	// Phone lines and their 911.
	cards.push(
		c.section("voip_lines", __("Phone Lines"), d.voip_lines.length, c.list("VoIP Line", byCustomer),
			c.table([__("DID"), __("Status"), __("911 address"), __("911")],
				d.voip_lines.map((v) => [
					c.link("VoIP Line", v.name, v.did),
					c.pill(v.status),
					c.esc([v.e911_civic_number, v.e911_street, v.e911_city].filter(Boolean).join(" ") || "—"),
					(v.e911_match ? c.pill(v.e911_match) : "") +
						(v.e911_synced ? ` <span class="text-muted small">${__("registered")}</span>` : ` <span class="text-danger small">${__("not registered")}</span>`) +
						(v.e911_differences ? `<div class="small text-danger">${c.esc(v.e911_differences)}</div>` : ""),
				])))
	);
	// Tickets and technicians' visits.
	if (d.tickets) {
		cards.push(
			c.section("tickets", __("Open Tickets"), d.tickets.total, c.list("Issue", byCustomer),
				c.table([__("Ticket"), __("Type"), __("Location"), __("Status")],
					d.tickets.open.map((t) => [
						c.link("Issue", t.name, t.subject), c.esc(t.issue_type ? __(t.issue_type) : "—"), loc(t.service_location), c.pill(t.status),
					])))
		);
	}
	if (d.dispatch_jobs) {
		const j = d.dispatch_jobs;
		cards.push(
			c.section("dispatch_jobs", __("Technician Visits"), j.rows.length, c.list("Dispatch Job", byCustomer),
				c.table([__("Job"), __("Date"), __("Status"), __("Technicians"), __("Hours")],
					j.rows.map((r) => [
						c.link("Dispatch Job", r.name, `${r.name} · ${__(r.job_type || "")}`), c.day(r.scheduled_date), c.pill(r.status),
						c.esc(r.technicians || "—"), c.hours(r.hours),
					])),
				`<span class="text-muted small">${__("{0} h in all", [c.hours(j.hours)])}</span>`)
		);
	}
	if (d.quotes) {
		cards.push(
			c.section("quotes", __("Quotes"), d.quotes.length, c.list("Quotation", { party_name: cust.name }),
				c.table([__("Quote"), __("Date"), __("Status"), __("Total"), ""],
					d.quotes.map((q) => [
						c.link("Quotation", q.name), c.day(q.transaction_date), c.pill(q.status), c.money(q.grand_total),
						q.converted_location
							? `<span class="text-muted small">${__("Converted")}: ${loc(q.converted_location)}</span>`
							: a.convert_quote && q.docstatus !== 2 && !["Lost", "Expired"].includes(q.status)
							? `<button class="btn btn-xs btn-default" data-action="convert_quote" data-quote="${c.esc(q.name)}">${__("Convert to service")}</button>`
							: "",
					])))
		);
	}
	if (d.invoices) {
		cards.push(
			c.section("invoices", __("Invoices"), d.invoices.total, c.list("Sales Invoice", byCustomer),
				c.table([__("Invoice"), __("Date"), __("Status"), __("Total"), __("Outstanding")],
					d.invoices.rows.map((i) => [
						c.link("Sales Invoice", i.name), c.day(i.posting_date), c.pill(i.status), c.money(i.grand_total), c.money(i.outstanding_amount),
					])))
		);
	}
	if (d.payments) {
		cards.push(
			c.section("payments", __("Payments"), d.payments.total, c.list("Payment Entry", { party: cust.name }),
				c.table([__("Payment"), __("Date"), __("Mode"), __("Amount")],
					d.payments.rows.map((p) => [c.link("Payment Entry", p.name), c.day(p.posting_date), c.esc(p.mode_of_payment || "—"), c.money(p.paid_amount)])))
		);
	}
	if (d.arrangements) {
		cards.push(
			c.section("arrangements", __("Payment Arrangements"), d.arrangements.length, c.list("Payment Arrangement", byCustomer),
				c.table([__("Arrangement"), __("Amount"), __("Pay by"), __("Cut-off"), __("Status")],
					d.arrangements.map((r) => [c.link("Payment Arrangement", r.name), c.money(r.amount), c.day(r.due_date), c.day(r.cutoff_date), c.pill(r.status)])))
		);
	}
	if (d.suspensions) {
		cards.push(
			c.section("suspensions", __("Suspensions"), d.suspensions.length, c.list("Suspension Log", byCustomer),
				c.table([__("Suspension"), __("From"), __("Until"), __("Reason")],
					d.suspensions.map((s) => [
						c.link("Suspension Log", s.name, `${s.name}${s.suspension_type ? " · " + __(s.suspension_type) : ""}`), c.day(s.from_date),
						s.open ? c.pill("Suspended") : c.day(s.to_date), c.esc(s.reason || "—"),
					])))
		);
	}
	cards.push(
		c.section("ip_history", __("IP History"), d.ip_history.length, null,
			c.table([__("IP"), __("Since"), __("Location")],
				d.ip_history.map((h) => [c.esc(h.ip_address), c.day(h.assigned_on), loc(h.service_location)])))
	);
	cards.push(
		c.section("address_history", __("Address History"), d.address_history.length, null,
			c.table([__("Previous address"), __("Until"), __("Location")],
				d.address_history.map((h) => [
					c.esc([h.address_line, h.apartment, h.city, h.postal_code].filter(Boolean).join(", ")), c.day(h.changed_on), loc(h.service_location),
				])))
	);
	parts.push(`<div class="gf-360-grid">${cards.join("")}</div>`);
	return `<div class="gf-360">${gigafibre.c360.style()}${parts.join("")}</div>`;
};

gigafibre.c360.style = () => `<style>
	.gf-360 { font-size: 12px; }
	.gf-360-bar { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 6px; margin-bottom: 8px; }
	.gf-360-badges { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
	.gf-360-actions { display: flex; flex-wrap: wrap; gap: 4px; }
	.gf-360-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 8px; }
	.gf-360-card { border: 1px solid var(--border-color); border-radius: 6px; padding: 6px 8px; min-width: 0; }
	.gf-360-head { display: flex; gap: 8px; align-items: baseline; margin-bottom: 4px; }
	.gf-360-title { font-weight: 600; }
	.gf-360-more { margin-left: auto; font-size: 11px; }
	.gf-360-table { width: 100%; table-layout: auto; }
	.gf-360-table th { color: var(--text-muted); font-weight: 500; padding: 1px 4px; white-space: nowrap; }
	.gf-360-table td { padding: 1px 4px; border-top: 1px solid var(--border-color); overflow: hidden; text-overflow: ellipsis; max-width: 180px; white-space: nowrap; }
	.gf-360-pill { font-size: 11px; padding: 0 6px; height: 18px; }
</style>`;

// --- actions: each confirms what will change, then calls its service ------------------------
gigafibre.c360.bind = function (frm, $w, d) {
	$w.find("[data-action]").on("click", (e) => {
		const action = $(e.currentTarget).attr("data-action");
		gigafibre.c360.actions[action](frm, d, $(e.currentTarget).attr("data-quote"));
	});
};

gigafibre.c360.changeList = (changes) =>
	`<ul class="gf-360-changes">${changes
		.map((ch) => {
			const what = ch.new
				? __("a new {0}", [__(ch.doctype)])
				: `${__(ch.doctype)} ${gigafibre.c360.esc(ch.title || ch.name)}`;
			const label = { is_suspended: __("Suspended"), to_date: __("Until") }[ch.field] || ch.field;
			const value = (v) =>
				ch.field === "is_suspended" ? (v ? __("Yes") : __("No")) : ch.field === "to_date" ? gigafibre.c360.day(v) : gigafibre.c360.esc(v);
			const how = ch.field
				? `${gigafibre.c360.esc(label)}: ${ch.from != null ? value(ch.from) + " → " : ""}${value(ch.to)}`
				: ch.to
				? `${__(ch.from)} → ${__(ch.to)}`
				: "";
			return `<li>${what}${how ? " — " + how : ""}</li>`;
		})
		.join("")}</ul>`;

gigafibre.c360.post = (frm, method, args, done) =>
	frappe.call({ method: `gigafibre_fsm.api.${method}`, args, freeze: true }).then((r) => {
		frappe.show_alert({ message: done, indicator: "green" });
		frm.reload_doc();
		return r.message;
	});

gigafibre.c360.locations = (d) =>
	(d.locations || []).filter((l) => l.status !== "Disconnected").map((l) => ({ value: l.name, label: l.location_title || l.name }));

gigafibre.c360.actions = {
	suspend(frm) {
		gigafibre.c360.suspension(frm, "suspend");
	},
	restore(frm) {
		gigafibre.c360.suspension(frm, "restore");
	},
	arrangement(frm, d) {
		const dialog = new frappe.ui.Dialog({
			title: __("New Payment Arrangement"),
			fields: [
				{ fieldname: "amount", fieldtype: "Currency", label: __("Amount"), reqd: 1, options: "CAD",
					default: d.balance ? d.balance.overdue || d.balance.outstanding : null },
				{ fieldname: "due_date", fieldtype: "Date", label: __("Pay By"), reqd: 1 },
				{ fieldname: "cutoff_date", fieldtype: "Date", label: __("Cut Off On") },
				{ fieldname: "method", fieldtype: "Select", label: __("Method"), options: "Unset\nPortal\nCheque\nPhone\nPPA", default: "Phone" },
				{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
			],
			primary_action_label: __("Review"),
			primary_action(v) {
				const c = gigafibre.c360;
				frappe.confirm(
					__("Create this arrangement?") +
						c.changeList([{ doctype: "Payment Arrangement", new: true }]) +
						`<p>${__("{0} by {1}, cut-off {2}", [c.money(v.amount), c.day(v.due_date), c.day(v.cutoff_date)])}</p>`,
					() => {
						dialog.hide();
						c.post(frm, "customer_360.new_arrangement", { customer: frm.doc.name, ...v }, __("Payment arrangement created"));
					}
				);
			},
		});
		dialog.show();
	},
	ticket(frm, d) {
		const dialog = new frappe.ui.Dialog({
			title: __("New Ticket"),
			fields: [
				{ fieldname: "subject", fieldtype: "Data", label: __("Subject"), reqd: 1 },
				{ fieldname: "issue_type", fieldtype: "Select", label: __("Type"), options: "Support\nRéparation\nInstallation", default: "Support" },
				{ fieldname: "service_location", fieldtype: "Select", label: __("Location"),
					options: [{ value: "", label: "" }].concat(gigafibre.c360.locations(d)) },
				{ fieldname: "description", fieldtype: "Small Text", label: __("Description") },
			],
			primary_action_label: __("Review"),
			primary_action(v) {
				const c = gigafibre.c360;
				frappe.confirm(
					__("Open this ticket?") + c.changeList([{ doctype: "Issue", new: true }]) + `<p>${c.esc(v.subject)}</p>`,
					() => {
						dialog.hide();
						c.post(frm, "customer_360.new_ticket", { customer: frm.doc.name, ...v }, __("Ticket opened"));
					}
				);
			},
		});
		dialog.show();
	},
	technician(frm, d) {
		const tickets = (d.tickets ? d.tickets.open : []).map((t) => ({ value: t.name, label: `${t.name} · ${t.subject}` }));
		const dialog = new frappe.ui.Dialog({
			title: __("Send a Technician"),
			fields: [
				{ fieldname: "service_location", fieldtype: "Select", label: __("Location"), reqd: 1, options: gigafibre.c360.locations(d) },
				{ fieldname: "job_type", fieldtype: "Select", label: __("Job Type"), options: "Repair\nSupport\nInstallation\nEquipment Removal", default: "Repair" },
				{ fieldname: "preferred_date", fieldtype: "Date", label: __("Preferred Date") },
				{ fieldname: "issue", fieldtype: "Select", label: __("Ticket"), options: [{ value: "", label: "" }].concat(tickets) },
				{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
			],
			primary_action_label: __("Review"),
			primary_action(v) {
				const c = gigafibre.c360;
				const where = (d.locations.find((l) => l.name === v.service_location) || {}).location_title || v.service_location;
				frappe.confirm(
					__("Send a technician?") + c.changeList([{ doctype: "Dispatch Job", new: true }]) +
						`<p>${c.esc(where)} · ${c.esc(__(v.job_type))} · ${c.day(v.preferred_date)}</p>`,
					() => {
						dialog.hide();
						c.post(frm, "customer_360.send_technician", { customer: frm.doc.name, ...v }, __("Dispatch job created"));
					}
				);
			},
		});
		dialog.show();
	},
	convert_quote(frm, d, quote) {
		const c = gigafibre.c360;
		const dialog = new frappe.ui.Dialog({
			title: __("Convert quote {0} to service", [quote]),
			fields: [
				{ fieldname: "help", fieldtype: "HTML", options: `<p class="text-muted">${__(
					"Each monthly service of the quote becomes a Pending subscription at the location, at the quote's rate; the installation activates them."
				)}</p>` },
				{ fieldname: "service_location", fieldtype: "Select", label: __("Location"), reqd: 1, options: c.locations(d) },
			],
			primary_action_label: __("Review"),
			primary_action(v) {
				const where = (d.locations.find((l) => l.name === v.service_location) || {}).location_title || v.service_location;
				frappe.confirm(
					__("Convert this quote?") + c.changeList([{ doctype: "Service Subscription", new: true }, { doctype: "Quotation", name: quote, field: __("Converted to Service At"), to: where }]),
					() => {
						dialog.hide();
						c.post(frm, "customer_360.convert_quote", { customer: frm.doc.name, quotation: quote, service_location: v.service_location }, __("Quote converted"));
					}
				);
			},
		});
		dialog.show();
	},
	payment_link(frm) {
		const c = gigafibre.c360;
		frappe
			.call({ method: "gigafibre_fsm.api.customer_360.preview", type: "GET", args: { customer: frm.doc.name, action: "payment_link" } })
			.then((r) => {
				const p = r.message;
				const to = [p.sms && __("SMS to {0}", [c.esc(p.sms)]), p.email && __("email to {0}", [c.esc(p.email)])].filter(Boolean).join(", ");
				const what = p.invoice ? __("The link pays invoice {0} ({1}).", [c.esc(p.invoice), c.money(p.amount)]) : __("The link saves a card.");
				frappe.confirm(`<p>${__("Send the payment link of order {0}: {1}.", [c.esc(p.order), to])}</p><p>${what}</p>`, () =>
					c.post(frm, "customer_360.resend_payment_link", { customer: frm.doc.name }, __("Payment link sent"))
				);
			});
	},
};

gigafibre.c360.suspension = function (frm, action) {
	const c = gigafibre.c360;
	const suspend = action === "suspend";
	frappe
		.call({ method: "gigafibre_fsm.api.customer_360.preview", type: "GET", args: { customer: frm.doc.name, action } })
		.then((r) => {
			const dialog = new frappe.ui.Dialog({
				title: suspend ? __("Suspend {0}", [frm.doc.customer_name]) : __("Restore {0}", [frm.doc.customer_name]),
				fields: [
					{ fieldname: "changes", fieldtype: "HTML", options: `<p>${__("What will change:")}</p>${c.changeList(r.message.changes)}` },
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					{ fieldname: "notify", fieldtype: "Check", label: __("Tell the customer (SMS and email)"), default: 1 },
				],
				primary_action_label: suspend ? __("Suspend") : __("Restore"),
				primary_action(v) {
					dialog.hide();
					// Collections' own endpoints (api/desk.py), the same service the daily run uses.
					c.post(frm, suspend ? "desk.suspend_customer" : "desk.restore_customer",
						{ customer: frm.doc.name, reason: v.reason, notify: v.notify ? 1 : 0 },
						suspend ? __("Customer suspended") : __("Customer restored"));
				},
			});
			dialog.show();
		});
};
