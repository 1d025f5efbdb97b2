// The dispatcher's board: the day's jobs per technician, and the jobs nobody has yet with the
// customer's three preferred dates. "Assign" opens the ranked technicians with the first
// preferred date chosen: a second click assigns (gigafibre_fsm.api.dispatch).
frappe.pages["dispatch-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Dispatch Board"), single_column: true });
	new gigafibre.DispatchBoard(page);
};

frappe.provide("gigafibre");

gigafibre.DispatchBoard = class DispatchBoard {
	constructor(page) {
		this.page = page;
		this.date = frappe.datetime.get_today();
		this.body = $('<div class="gf-dispatch-board"></div>').appendTo(page.main);
		this.dateField = page.add_field({
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: this.date,
			change: () => {
				this.date = this.dateField.get_value() || frappe.datetime.get_today();
				this.refresh();
			},
		});
		page.set_primary_action(__("Refresh"), () => this.refresh(), "refresh");
		page.add_inner_button(__("Calendar"), () => frappe.set_route("List", "Dispatch Job", "Calendar"));
		this.refresh();
	}

	async refresh() {
		const r = await frappe.call({ method: "gigafibre_fsm.api.dispatch.board", args: { date: this.date }, type: "GET" });
		this.render(r.message);
	}

	jobCard(job, assignable) {
		const dates = [job.preferred_date_1, job.preferred_date_2, job.preferred_date_3]
			.filter(Boolean)
			.map((d) => frappe.datetime.str_to_user(d))
			.join(" · ");
		const card = $(`
			<div class="gf-job card" style="padding: 8px 10px; margin-bottom: 8px;" data-job="${frappe.utils.escape_html(job.name)}">
				<div><a href="/app/dispatch-job/${encodeURIComponent(job.name)}"><b>${frappe.utils.escape_html(job.customer_name || job.name)}</b></a>
				<span class="indicator-pill ${job.status === "In Progress" ? "orange" : "blue"}">${__(job.status)}</span></div>
				<div class="text-muted small">${frappe.utils.escape_html(job.address || "")}</div>
				<div class="small">${__(job.job_type)} — ${(job.tags || []).map((t) => __(t)).join(", ")}</div>
				${dates ? `<div class="small">${__("Preferred dates")}: ${dates}</div>` : ""}
				${job.contact_me ? `<div class="small text-warning">${__("Call the customer to schedule")}</div>` : ""}
			</div>`);
		if (assignable) {
			$(`<button class="btn btn-xs btn-primary gf-assign">${__("Assign")}</button>`)
				.appendTo(card)
				.on("click", () => this.assign(job));
		}
		return card;
	}

	render(data) {
		this.body.empty();
		const row = $('<div class="row"></div>').appendTo(this.body);
		const waiting = $(`<div class="col-md-4"><h5>${__("Jobs without a technician")} (${data.unassigned.length})</h5></div>`).appendTo(row);
		data.unassigned.forEach((job) => waiting.append(this.jobCard(job, true)));
		const crew = $(`<div class="col-md-8"><h5>${__("Jobs of {0}", [frappe.datetime.str_to_user(data.date)])}</h5><div class="row gf-crew"></div></div>`).appendTo(row);
		Object.entries(data.technicians).forEach(([tech, jobs]) => {
			const column = $(`<div class="col-md-6"><h6>${frappe.utils.escape_html(frappe.user.full_name(tech))} (${jobs.length})</h6></div>`).appendTo(crew.find(".gf-crew"));
			jobs.forEach((job) => column.append(this.jobCard(job, false)));
		});
	}

	async assign(job) {
		const day = job.preferred_date_1 || job.scheduled_date || this.date;
		const r = await frappe.call({
			method: "gigafibre_fsm.api.dispatch.suggest_technicians",
			args: { dispatch_job: job.name, date: day },
			type: "GET",
		});
		const ranked = r.message || [];
		const dialog = new frappe.ui.Dialog({
			title: __("Assign {0}", [job.customer_name || job.name]),
			fields: [
				{ fieldname: "scheduled_date", fieldtype: "Date", label: __("Date"), default: day, reqd: 1 },
				{
					fieldname: "technician",
					fieldtype: "Select",
					label: __("Technician"),
					reqd: 1,
					options: ranked.map((t) => ({ value: t.technician, label: `${t.full_name || t.technician} — ${t.why}` })),
					default: ranked.length ? ranked[0].technician : null,
				},
			],
			primary_action_label: __("Assign"),
			primary_action: async (values) => {
				await frappe.call({
					method: "gigafibre_fsm.api.dispatch.assign",
					args: { dispatch_job: job.name, technicians: [values.technician], scheduled_date: values.scheduled_date },
				});
				dialog.hide();
				frappe.show_alert({ message: __("Assigned"), indicator: "green" });
				this.refresh();
			},
		});
		dialog.show();
	}
};
