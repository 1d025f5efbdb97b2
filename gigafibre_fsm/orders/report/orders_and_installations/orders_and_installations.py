"""Orders and Installations, week by week (weeks start on the site's first day of the week,
as the desk's "this week" does):

- **Ordered**: orders taken that week (Web Orders, from the website and the agents' desk);
- **Scheduled**: installation visits on the calendar that week (Installation Dispatch Jobs by
  scheduled date, cancelled ones left out);
- **Installed**: those of them completed (by the visit's scheduled date);
- **Still Waiting**: of the week's orders, those whose Service Location still awaits its
  installation (Pending Install today).

Each figure is one grouped, indexed query over the range, never one query per row; above
them, the totals of the range and every location waiting for its installation today.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import add_days, get_first_day_of_week, get_last_day_of_week, getdate

INSTALLATION = "Installation"
PENDING_INSTALL = "Pending Install"
MAX_WEEKS = 106  # two years: what a chart can still show


class RangeTooWideError(frappe.ValidationError):
	pass


def today():
	return getdate(frappe.flags.current_date or None)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	start, end = week_range(filters, today())
	data = weeks(start, end)
	return columns(), data, None, chart(data), report_summary(data)


def week_range(filters: frappe._dict, day: datetime.date) -> tuple[datetime.date, datetime.date]:
	"""The first day of the first week and the last day of the last week asked for (by default
	twelve weeks back and two ahead, as installations are booked up to two weeks out)."""
	start = getdate(filters.get("from_date") or add_days(day, -7 * 11))
	end = getdate(filters.get("to_date") or add_days(day, 7 * 2))
	if end < start:
		frappe.throw(
			_("The end date {0} is before the start date {1}").format(end, start), frappe.ValidationError
		)
	start, end = get_first_day_of_week(start), get_last_day_of_week(end)
	if (end - start).days + 1 > MAX_WEEKS * 7:
		frappe.throw(_("Choose at most {0} weeks").format(MAX_WEEKS), RangeTooWideError)
	return start, end


def weeks(start: datetime.date, end: datetime.date) -> list[dict]:
	rows: dict[datetime.date, dict] = {}
	week = start
	while week <= end:
		rows[week] = frappe._dict(week=week, ordered=0, scheduled=0, installed=0, still_waiting=0)
		week = add_days(week, 7)

	def add(day, **counts):
		row = rows[get_first_day_of_week(day)]
		for key, value in counts.items():
			row[key] += int(value or 0)

	values = {"start": start, "end": end, "after_end": add_days(end, 1)}
	for day, ordered, waiting in frappe.db.sql(
		"""select date(wo.creation) day, count(*), sum(ifnull(sl.status = %(pending)s, 0))
		from `tabWeb Order` wo left join `tabService Location` sl on sl.name = wo.service_location
		where wo.creation >= %(start)s and wo.creation < %(after_end)s
		group by day""",
		{**values, "pending": PENDING_INSTALL},
	):
		add(day, ordered=ordered, still_waiting=waiting)
	for day, scheduled, installed in frappe.db.sql(
		"""select scheduled_date, count(*), sum(status = 'Completed')
		from `tabDispatch Job`
		where scheduled_date between %(start)s and %(end)s
			and job_type = %(installation)s and status != 'Cancelled'
		group by scheduled_date""",
		{**values, "installation": INSTALLATION},
	):
		add(day, scheduled=scheduled, installed=installed)
	return list(rows.values())


def waiting_now() -> int:
	"""Every location waiting for its installation today, whatever week it was ordered."""
	return frappe.db.count("Service Location", {"status": PENDING_INSTALL})


def report_summary(data: list[dict]) -> list[dict]:
	def total(key):
		return sum(row[key] for row in data)

	return [
		{"label": _("Ordered"), "value": total("ordered"), "datatype": "Int", "indicator": "Blue"},
		{"label": _("Scheduled"), "value": total("scheduled"), "datatype": "Int", "indicator": "Orange"},
		{"label": _("Installed"), "value": total("installed"), "datatype": "Int", "indicator": "Green"},
		{"label": _("Waiting Today"), "value": waiting_now(), "datatype": "Int", "indicator": "Red"},
	]


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [frappe.format(row.week, "Date") for row in data],
			"datasets": [
				{"name": _("Ordered"), "values": [row.ordered for row in data]},
				{"name": _("Scheduled"), "values": [row.scheduled for row in data]},
				{"name": _("Installed"), "values": [row.installed for row in data]},
			],
		},
		"type": "bar",
		"colors": ["#2490ef", "#ffa00a", "#29cd42"],
	}


def columns() -> list[dict]:
	return [
		{"fieldname": "week", "label": _("Week Of"), "fieldtype": "Date", "width": 110},
		{"fieldname": "ordered", "label": _("Ordered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "scheduled", "label": _("Scheduled"), "fieldtype": "Int", "width": 95},
		{"fieldname": "installed", "label": _("Installed"), "fieldtype": "Int", "width": 90},
		{"fieldname": "still_waiting", "label": _("Still Waiting"), "fieldtype": "Int", "width": 110},
	]
