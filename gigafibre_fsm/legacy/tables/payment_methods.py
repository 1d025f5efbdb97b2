"""account_profile (+ account.ppa_*, account.stripe_id) → Payment Method.

Three sources of one doctype: a Paysafe card profile, the bank draft (PPA) columns of an
account, its Stripe customer. Each becomes a Payment Method keyed ``profile-<id>``,
``ppa-<account id>`` or ``stripe-<account id>``; the secrets are encrypted as the doctype's
Password fields are.
"""

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import Context, Notes, Plan, money, parent
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def convert_profile(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	values = {
		"customer": customer,
		"processor": "Paysafe",
		"profile_id": clean.clean_text(row.get("profile_id")),
		"card_id": clean.clean_text(row.get("card_id")),
		"processor_token": clean.clean_text(row.get("token")),
		"initial_transaction": clean.clean_text(row.get("initial_transaction")),
		"legacy_payment_method_id": f"profile-{row['id']}",
		"legacy_account_id": str(row.get("account_id")),
	}
	return Plan("Payment Method", values)


def convert_ppa(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("id"))
	notes = Notes()
	values = {
		"customer": customer,
		"processor": "Bank Draft",
		"account_holder": notes.text(row.get("ppa_name"), ctx.vocabulary, what="ppa_name"),
		"institution_number": clean.clean_text(row.get("ppa_code")),
		"transit_number": clean.clean_text(row.get("ppa_branch")),
		"account_number": clean.clean_text(row.get("ppa_account")),
		# Bank PPA is auto-pay from this account, unless the legacy PPA went on a card
		# (ppa_cc: the Paysafe profile, which cannot be charged from here).
		"ppa_enabled": 1 if row.get("ppa") == 1 and not row.get("ppa_cc") else 0,
		"ppa_fixed_amount": 1 if row.get("ppa_fixed") else 0,
		"ppa_amount": money(notes, row.get("ppa_amount"), "ppa_amount"),
		"ppa_amount_buffer": money(notes, row.get("ppa_amount_buffer"), "ppa_amount_buffer"),
		"legacy_payment_method_id": f"ppa-{row['id']}",
		"legacy_account_id": str(row["id"]),
	}
	return Plan("Payment Method", values, warnings=notes.warnings)


def convert_stripe(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("id"))
	values = {
		"customer": customer,
		"processor": "Stripe",
		"stripe_customer_id": clean.clean_text(row.get("stripe_id")),
		# Stripe pre-authorised payments: on auto-pay, charged on the card Stripe holds as the
		# customer's default (billing/card_payments.py).
		"ppa_enabled": 1 if row.get("stripe_ppa") == 1 else 0,
		"legacy_payment_method_id": f"stripe-{row['id']}",
		"legacy_account_id": str(row["id"]),
	}
	return Plan("Payment Method", values)


# ---------------------------------------------------------------------------------------
# Step


class PaymentMethodStep(Step):
	key = "account_profile"
	doctype = "Payment Method"
	legacy_field = "legacy_payment_method_id"
	sources = ("account_profile", "account.ppa", "account.stripe")
	# The accounts that have a bank draft or a Stripe customer.
	ACCOUNTS = {
		"account.ppa": "ppa = 1 or ifnull(ppa_account, '') != ''",
		"account.stripe": "ifnull(stripe_id, '') != ''",
	}
	CONVERT = {
		"account_profile": convert_profile,
		"account.ppa": convert_ppa,
		"account.stripe": convert_stripe,
	}

	def prepare(self):
		self.load_existing()
		self.imp.load_parents("account")
		self.writer = self.new_writer()

	def pages(self, source_table, after):
		if source_table == "account_profile":
			return super().pages(source_table, after)
		return self.source.pages("account", after, self.imp.batch_size, self.ACCOUNTS[source_table])

	def count(self, source_table):
		if source_table == "account_profile":
			return super().count(source_table)
		where = self.ACCOUNTS[source_table]
		return self.source.query(f"select count(*) n from {self.source.table('account')} where {where}")[0][
			"n"
		]

	def convert(self, source_table, row):
		return self.CONVERT[source_table](row, self.ctx)

	def find_existing(self, source_table, key, plan):
		return self.existing.get(plan.values["legacy_payment_method_id"])

	def create(self, source_table, key, plan, row, batch):
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[plan.values["legacy_payment_method_id"]] = doc.name
		return doc.name
