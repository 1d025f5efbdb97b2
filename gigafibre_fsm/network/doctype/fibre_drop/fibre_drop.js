// Fibre Drop form: its civic address, and the reviewer's actions on the match
// (api/fibre_drops.py: confirm, pick another address, reject, look again).
const REVIEW_API = "gigafibre_fsm.api.fibre_drops.";
const REVIEWERS = ["Gigafibre Support", "System Manager"];

frappe.ui.form.on("Fibre Drop", {
	refresh(frm) {
		show_match_indicator(frm);
		render_other_addresses(frm);
		if (frm.is_new() || !frappe.user.has_role(REVIEWERS)) {
			return;
		}
		const group = __("Civic Address");
		const status = frm.doc.match_status;
		if (frm.doc.civic_address && status !== "Confirmed") {
			frm.add_custom_button(__("Confirm"), () => review(frm, "confirm_match"), group);
		}
		frm.add_custom_button(__("Pick another address"), () => pick_address(frm), group);
		if (frm.doc.civic_address) {
			frm.add_custom_button(__("Reject"), () => reject(frm), group);
		}
		if (status !== "Confirmed") {
			frm.add_custom_button(__("Look for the address"), () => review(frm, "match_now"), group);
		}
	},
});

const MATCH_COLOURS = {
	Unmatched: "gray",
	Matched: "green",
	"Needs Review": "orange",
	Confirmed: "blue",
	Rejected: "red",
};

function show_match_indicator(frm) {
	const status = frm.doc.match_status;
	if (!frm.is_new() && status) {
		frm.dashboard.clear_headline();
		const confidence =
			status === "Matched" || status === "Needs Review"
				? ` (${format_number(frm.doc.match_confidence, null, 0)} %)`
				: "";
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${MATCH_COLOURS[status] || "gray"}">${__(
				status,
			)}${confidence}</span>`,
		);
	}
}

function review(frm, method, args = {}) {
	return frappe
		.call({ method: REVIEW_API + method, args: { drop: frm.doc.name, ...args }, freeze: true })
		.then(() => frm.reload_doc());
}

function other_addresses(frm) {
	try {
		return JSON.parse(frm.doc.match_candidates || "[]");
	} catch (e) {
		return [];
	}
}

function address_list(candidates, with_buttons) {
	const rows = candidates
		.map((c) => {
			const link = `<a href="/app/civic-address/${encodeURIComponent(
				c.address,
			)}">${frappe.utils.escape_html(c.label || c.address)}</a>`;
			const button = with_buttons
				? ` <button class="btn btn-xs btn-default gf-pick" data-address="${frappe.utils.escape_html(
						c.address,
				  )}">${__("Choose")}</button>`
				: "";
			return `<li>${link} — ${format_number(c.confidence, null, 0)} %${button}</li>`;
		})
		.join("");
	return `<ul class="list-unstyled">${rows}</ul>`;
}

function render_other_addresses(frm) {
	const wrapper = frm.fields_dict.match_review && frm.fields_dict.match_review.$wrapper;
	if (!wrapper) {
		return;
	}
	const candidates = other_addresses(frm);
	if (!candidates.length) {
		wrapper.empty();
		return;
	}
	const can_review = !frm.is_new() && frappe.user.has_role(REVIEWERS);
	wrapper.html(
		`<div class="text-muted small">${__("Other addresses that fit")}</div>` +
			address_list(candidates, can_review),
	);
	wrapper.find(".gf-pick").on("click", (e) => {
		review(frm, "pick_address", { address: $(e.currentTarget).attr("data-address") });
	});
}

function pick_address(frm) {
	const candidates = other_addresses(frm);
	const dialog = new frappe.ui.Dialog({
		title: __("Pick another address"),
		fields: [
			{
				fieldtype: "Link",
				fieldname: "address",
				options: "Civic Address",
				label: __("Civic Address"),
				reqd: 1,
				description: __("Type the address as you would say it: typos and abbreviations are fine"),
			},
			{ fieldtype: "HTML", fieldname: "candidates" },
		],
		primary_action_label: __("Confirm"),
		primary_action(values) {
			dialog.hide();
			review(frm, "pick_address", { address: values.address });
		},
	});
	if (candidates.length) {
		const html = dialog.fields_dict.candidates.$wrapper;
		html.html(
			`<div class="text-muted small">${__("Other addresses that fit")}</div>` +
				address_list(candidates, true),
		);
		html.find(".gf-pick").on("click", (e) => {
			dialog.set_value("address", $(e.currentTarget).attr("data-address"));
		});
	}
	dialog.show();
}

function reject(frm) {
	frappe.confirm(
		__("This drop is not at {0}? That address will not be proposed for it again.", [
			frappe.utils.escape_html(frm.doc.civic_address),
		]),
		() => review(frm, "reject_match"),
	);
}
