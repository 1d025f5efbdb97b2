"""The installation invoice: ERPNext's own Sales Invoice, priced by the engine that quoted the
order, taxed with the company's TPS/TVQ template, posted to the ledger, to the cent."""

import datetime
from decimal import Decimal

import frappe

from gigafibre_fsm.billing.invoicing import installation_invoice, quote_at_installation
from gigafibre_fsm.tests.test_checkout import CheckoutCase


class TestInstallationInvoice(CheckoutCase):
	def test_the_triple_play_installed_on_the_15th_of_june(self):
		"""FTTH500I 99.95 + TVBSTANDARD 30.00 + TELEPMENS 28.95 + SERV911 0.69 − RAB3X 10.00 −
		RAB24M 15.00 = 134.59 a month; installed 15 June: 16 days of 30 → 71.78. Once: ACTTELEP
		69.95 + INSTFTTH 0.00 + DECODEUR 120.00 − 120.00 (the first box offered) = 69.95.
		Net 141.73; TPS 5 % = 7.0865 → 7.09; TVQ 9.975 % = 14.1375… → 14.14; total 162.96."""
		answer = self.order(self.body())  # triple play, 24 months
		day = datetime.date(2026, 6, 15)
		invoice = installation_invoice(
			answer["order_id"], day, customer=answer["customer"], service_location=answer["service_location"]
		)
		self.assertEqual(invoice.docstatus, 1)
		self.assertEqual(
			(invoice.net_total, invoice.total_taxes_and_charges, invoice.grand_total, invoice.rounded_total),
			(141.73, 21.23, 162.96, 0.0),
		)
		self.assertEqual(
			[(t.description, t.tax_amount) for t in invoice.taxes], [("TPS", 7.09), ("TVQ", 14.14)]
		)
		self.assertEqual(invoice.outstanding_amount, 162.96)
		self.assertEqual(invoice.posting_date, day)
		self.assertEqual(invoice.service_location, answer["service_location"])
		quote = quote_at_installation(answer["order_id"], day)
		self.assertEqual(Decimal(str(invoice.grand_total)), quote.due_at_installation.total)
		rows = [(row.item_code or "", row.qty, row.rate) for row in invoice.items]
		self.assertIn(("DECODEUR", 1, -120.0), rows)
		self.assertIn(("", 1, -62.81), rows)  # 134.59 − 71.78: the 14 days before 15 June
		ledger = frappe.get_all(
			"GL Entry",
			filters={"voucher_no": invoice.name, "is_cancelled": 0},
			fields=["account", "debit", "credit"],
		)
		self.assertEqual(sum(Decimal(str(g.debit)) for g in ledger), Decimal("162.96"))
		self.assertEqual(sum(Decimal(str(g.credit)) for g in ledger), Decimal("162.96"))
		settings = frappe.get_single("Gigafibre Settings")
		by_account = {g.account: g.credit for g in ledger if g.credit}
		self.assertEqual((by_account[settings.tps_account], by_account[settings.tvq_account]), (7.09, 14.14))

	def test_installed_on_the_1st_a_whole_month_and_no_proration_line(self):
		answer = self.order(self.body())
		invoice = installation_invoice(
			answer["order_id"],
			datetime.date(2026, 7, 1),
			customer=answer["customer"],
			service_location=answer["service_location"],
		)
		# 69.95 + 134.59 = 204.54; TPS 10.227 → 10.23; TVQ 20.402865 → 20.40; total 235.17.
		self.assertEqual((invoice.net_total, invoice.grand_total), (204.54, 235.17))
		self.assertTrue(all(row.item_code for row in invoice.items))

	def test_the_french_print_format(self):
		frappe.db.set_single_value(
			"Gigafibre Settings", {"tps_number": "123456789 RT0001", "tvq_number": "1234567890 TQ0001"}
		)
		frappe.clear_document_cache("Gigafibre Settings", "Gigafibre Settings")
		answer = self.order(self.body())
		invoice = installation_invoice(
			answer["order_id"],
			datetime.date(2026, 6, 15),
			customer=answer["customer"],
			service_location=answer["service_location"],
		)
		html = frappe.get_print("Sales Invoice", invoice.name, print_format="Facture Gigafibre")
		text = " ".join(frappe.utils.strip_html(html).split())
		place = frappe.db.get_value("Service Location", answer["service_location"], "location_title")
		for expected in (
			"Facture",
			invoice.name,
			"TPS : 123456789 RT0001",
			"TVQ : 1234567890 TQ0001",
			"Adresse de service",
			place,
			"Premier mois : 16 jours sur 30",
			"Décodeur TV",
			"TPS (5.0 %)",
			"TVQ (9.975 %)",
		):
			self.assertIn(expected, text)
		self.assertIn("162,96 $", text.replace("\u00a0", " "))
		self.assertIn("15 juin 2026", text)

		# An English-speaking customer reads it in English.
		frappe.db.set_value("Customer", answer["customer"], "language", "en")
		html = frappe.get_print("Sales Invoice", invoice.name, print_format="Facture Gigafibre")
		text = " ".join(frappe.utils.strip_html(html).split())
		for expected in ("Invoice", "Service address", "June 15, 2026", "$162.96", "Balance due"):
			self.assertIn(expected, text)
