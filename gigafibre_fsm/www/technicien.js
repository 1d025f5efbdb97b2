// The technician's phone page: the technicians' endpoints of API.md, as the logged-in user.
// The day's jobs; a job opened (#its name) walks through arriving, scanning each piece of
// equipment (a barcode scanner types like a keyboard and ends with Enter) and finishing.
(function () {
	const root = document.getElementById("gf-tech");
	if (!root) return;
	const API = "/api/method/gigafibre_fsm.api.field.";
	const $ = (id) => document.getElementById(id);
	const texts = JSON.parse(root.dataset.texts || "{}");
	const lang = root.dataset.lang === "en" ? "en" : "fr";
	const locale = lang === "en" ? "en-CA" : "fr-CA";
	const today = root.dataset.today;
	const t = (text, ...args) => (texts[text] || text).replace(/\{(\d+)\}/g, (m, i) => (i < args.length ? args[i] : m));
	const state = { day: today, jobs: [], outcomes: {} };

	// A server message as plain text (Frappe's messages may hold markup, e.g. a bold serial).
	const plain = (html) => (new DOMParser().parseFromString(String(html || ""), "text/html").body.textContent || "").trim();

	async function call(method, body, get) {
		const args = { ...body, _lang: lang };
		const options = { headers: { Accept: "application/json" }, credentials: "same-origin" };
		let url = API + method;
		if (get) {
			url += "?" + new URLSearchParams(args).toString();
		} else {
			options.method = "POST";
			options.headers["Content-Type"] = "application/json";
			options.headers["X-Frappe-CSRF-Token"] = (window.frappe && window.frappe.csrf_token) || "";
			options.body = JSON.stringify(args);
		}
		let response;
		try {
			response = await fetch(url, options);
		} catch (e) {
			throw new Error(t("No connection. Check the network and try again."));
		}
		const data = await response.json().catch(() => ({}));
		if (response.status === 403 && /(?:^|;\s*)user_id=Guest(?:;|$)/.test(document.cookie)) {
			// The session ended: log in again and come back.
			location.href = "/login?redirect-to=/technicien";
		}
		if (!response.ok) {
			let message = "";
			try {
				message = JSON.parse(JSON.parse(data._server_messages)[0]).message;
			} catch (e) {
				// The exception's text, without its class name.
				message = (data.exception || "").replace(/^[\w.]+:\s*/, "");
			}
			throw new Error(plain(message) || t("Something went wrong. Try again."));
		}
		return data.message;
	}

	// Dates and times, as people read them.
	const shiftDay = (iso, days) => {
		const d = new Date(`${iso}T12:00:00Z`);
		d.setUTCDate(d.getUTCDate() + days);
		return d.toISOString().slice(0, 10);
	};
	const longDate = (iso) =>
		new Date(`${iso}T12:00:00`).toLocaleDateString(locale, { weekday: "long", day: "numeric", month: "long" });
	// The server's wall-clock time ("2026-12-04 14:05:03.12") shown as it is: 14 h 05.
	const clock = (stamp) => {
		const [h, m] = String(stamp).slice(11, 16).split(":").map(Number);
		return new Date(2000, 0, 1, h, m).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
	};

	// Links a phone opens: the map at the coordinates, a call.
	const mapLink = (job) =>
		"https://www.google.com/maps/search/?api=1&query=" +
		(job.latitude != null && job.longitude != null
			? `${job.latitude},${job.longitude}`
			: encodeURIComponent(job.address || ""));
	const phoneLink = (phone) => {
		const digits = String(phone).replace(/\D/g, "");
		if (digits.length === 10) return `tel:+1${digits}`;
		if (digits.length === 11 && digits[0] === "1") return `tel:+${digits}`;
		return "tel:" + (String(phone).trim().startsWith("+") ? "+" : "") + digits;
	};
	// 8195550123 → 819 555-0123, as people write a number here.
	const phoneText = (phone) => {
		const digits = String(phone).replace(/\D/g, "");
		const local = digits.length === 11 && digits[0] === "1" ? digits.slice(1) : digits;
		return local.length === 10 ? `${local.slice(0, 3)} ${local.slice(3, 6)}-${local.slice(6)}` : String(phone);
	};
	const slug = (text) => String(text || "").toLowerCase().replace(/[^a-z]+/g, "-");

	// "ONT · Routeur · Décodeur TV ×2"
	function equipmentSummary(equipment) {
		const counts = new Map();
		equipment.forEach((e) => counts.set(e.equipment_type, (counts.get(e.equipment_type) || 0) + 1));
		return [...counts].map(([type, n]) => (n > 1 ? `${t(type)} ×${n}` : t(type))).join(" · ");
	}

	// ---------------------------------------------------------------- the day
	function setDay(day, keepJob) {
		if (!day) return;
		state.day = day;
		$("day").value = day;
		$("day-today").hidden = day === today;
		$("day-label").textContent = longDate(day) + (day === today ? ` — ${t("Today")}` : "");
		if (location.hash && !keepJob) history.replaceState(null, "", location.pathname + location.search);
		loadJobs();
	}

	$("day").addEventListener("change", () => setDay($("day").value));
	$("day-prev").addEventListener("click", () => setDay(shiftDay(state.day, -1)));
	$("day-next").addEventListener("click", () => setDay(shiftDay(state.day, 1)));
	$("day-today").addEventListener("click", () => setDay(today));

	let asked = 0;
	async function loadJobs() {
		const mine = ++asked;
		const status = $("list-status");
		status.classList.remove("gf-error");
		status.textContent = t("Loading…");
		$("jobs").replaceChildren();
		let jobs;
		try {
			jobs = await call("my_jobs", { date: state.day }, true);
		} catch (error) {
			if (mine !== asked) return;
			status.classList.add("gf-error");
			status.textContent = error.message;
			return;
		}
		if (mine !== asked) return; // another day was asked for since
		state.jobs = jobs;
		route();
	}

	// ---------------------------------------------------------------- the list
	function card(job, withOpen) {
		const node = $("job-template").content.firstElementChild.cloneNode(true);
		const q = (selector) => node.querySelector(selector);
		node.dataset.job = job.dispatch_job;
		q(".gf-card-name").textContent = job.customer_name || job.dispatch_job;
		const badge = q(".gf-badge");
		badge.textContent = t(job.status);
		badge.classList.add(`gf-badge-${slug(job.status)}`);
		q(".gf-card-kind").textContent = [job.job_type && t(job.job_type), job.dispatch_job].filter(Boolean).join(" · ");
		const address = q(".gf-card-address");
		if (job.address) {
			address.href = mapLink(job);
			address.querySelector("span").textContent = job.address;
		} else {
			address.removeAttribute("href");
			address.classList.add("gf-muted");
			address.querySelector("span").textContent = t("No address");
		}
		const phone = q(".gf-card-phone");
		if (job.phone) {
			phone.href = phoneLink(job.phone);
			phone.querySelector("span").textContent = phoneText(job.phone);
		} else {
			phone.removeAttribute("href");
			phone.classList.add("gf-muted");
			phone.querySelector("span").textContent = t("No phone number");
		}
		q(".gf-card-services").textContent = (job.service_names || job.services || []).join(" · ") || "—";
		q(".gf-card-equipment").textContent = equipmentSummary(job.equipment || []) || "—";
		q(".gf-card-port").textContent = job.olt_port || "—";
		const open = q(".gf-open");
		if (withOpen) open.addEventListener("click", () => openJob(job.dispatch_job));
		else open.remove();
		return node;
	}

	function showList() {
		root.classList.remove("gf-viewing-job");
		$("job").hidden = true;
		$("list").hidden = false;
		const n = state.jobs.length;
		$("list-status").textContent = n ? (n === 1 ? t("1 job") : t("{0} jobs", n)) : t("No jobs on this day.");
		$("jobs").replaceChildren(
			...state.jobs.map((job) => {
				const li = document.createElement("li");
				li.appendChild(card(job, true));
				return li;
			}),
		);
	}

	// ---------------------------------------------------------------- a job (#name)
	function openJob(name) {
		history.pushState({ gfJob: name }, "", "#" + encodeURIComponent(name));
		route();
		window.scrollTo(0, 0);
	}

	$("back").addEventListener("click", () => {
		if (history.state && history.state.gfJob) {
			history.back();
		} else {
			history.replaceState(null, "", location.pathname + location.search);
			route();
		}
	});
	window.addEventListener("popstate", route);

	function route() {
		const name = decodeURIComponent(location.hash.slice(1));
		const job = name && state.jobs.find((j) => j.dispatch_job === name);
		if (job) showJob(job);
		else showList();
	}

	function showJob(job) {
		root.classList.add("gf-viewing-job");
		$("list").hidden = true;
		$("job").hidden = false;
		$("job-card").replaceChildren(card(job, false));
		const started = job.status !== "Scheduled";
		const completed = job.status === "Completed";

		$("arrive").hidden = started;
		$("arrive").disabled = false;
		$("arrive-error").textContent = "";
		$("arrived").hidden = !started;
		$("arrived").textContent = job.arrival ? t("Arrived at {0}", clock(job.arrival)) : t(job.status);

		$("step-equipment").classList.toggle("gf-step-waiting", !started);
		$("equipment").replaceChildren(
			...(job.equipment || []).map((item, i) => equipmentRow(job, item, i, started && !completed)),
		);

		$("step-finish").hidden = completed;
		$("step-finish").classList.toggle("gf-step-waiting", !started);
		$("notes").value = "";
		$("finish-error").textContent = "";
		$("finish").onclick = () => finish(job);
		$("arrive").onclick = () => arrive(job);

		$("outcome").hidden = !completed;
		$("outcome-error").textContent = "";
		if (completed) showOutcome(job, state.outcomes[job.dispatch_job]);
		updateProgress(job);
	}

	function updateProgress(job) {
		const total = (job.equipment || []).length;
		const scanned = (job.equipment || []).filter((e) => e.serial).length;
		const started = job.status !== "Scheduled";
		const completed = job.status === "Completed";
		$("equipment-hint").textContent = started ? t("{0} of {1} scanned", scanned, total) : "";
		const ready = started && !completed && scanned === total;
		$("finish").disabled = !ready;
		$("notes").disabled = !started || completed;
		$("finish-hint").textContent = started && !completed && !ready ? t("Scan every piece of equipment before finishing.") : "";
	}

	async function arrive(job) {
		$("arrive").disabled = true;
		$("arrive-error").textContent = "";
		try {
			const answer = await call("start_job", { dispatch_job: job.dispatch_job });
			job.status = answer.status;
			job.arrival = answer.arrival || job.arrival;
		} catch (error) {
			$("arrive").disabled = false;
			$("arrive-error").textContent = error.message;
			return;
		}
		showJob(job);
		const first = [...document.querySelectorAll(".gf-eq-serial")].find((input) => !input.value);
		if (first) first.focus();
	}

	// One row per piece of equipment to install: serial, then MAC (optional), each ended by
	// Enter as a scanner does; a change left behind (Tab, a tap elsewhere) is saved as well.
	function equipmentRow(job, item, index, enabled) {
		const li = $("equipment-template").content.firstElementChild.cloneNode(true);
		const serial = li.querySelector(".gf-eq-serial");
		const mac = li.querySelector(".gf-eq-mac");
		const button = li.querySelector(".gf-eq-save");
		li.dataset.equipment = item.equipment;
		li.dataset.type = item.equipment_type;
		const sameType = job.equipment.filter((e) => e.equipment_type === item.equipment_type);
		li.querySelector(".gf-eq-type").textContent =
			t(item.equipment_type) + (sameType.length > 1 ? ` ${sameType.indexOf(item) + 1}` : "");
		serial.value = item.serial || "";
		mac.value = item.mac || "";
		[serial, mac, button].forEach((el) => (el.disabled = !enabled));
		// A job done, or not started: what was scanned, without fields.
		li.classList.toggle("gf-eq-readonly", !enabled);
		if (item.serial) {
			li.savedKey = keyOf(item.serial, item.mac);
			saved(li, item);
		}
		const next = () => {
			const rows = [...document.querySelectorAll(".gf-eq")];
			const following = rows.slice(rows.indexOf(li) + 1).find((row) => !row.querySelector(".gf-eq-serial").value);
			(following ? following.querySelector(".gf-eq-serial") : $("notes")).focus();
		};
		serial.addEventListener("keydown", (event) => {
			if (event.key !== "Enter") return;
			event.preventDefault();
			save(job, item, li).then((ok) => ok && mac.focus());
		});
		mac.addEventListener("keydown", (event) => {
			if (event.key !== "Enter") return;
			event.preventDefault();
			save(job, item, li).then((ok) => ok && next());
		});
		serial.addEventListener("change", () => serial.value.trim() && save(job, item, li));
		mac.addEventListener("change", () => serial.value.trim() && save(job, item, li));
		button.addEventListener("click", () => save(job, item, li));
		return li;
	}

	// Two scans of the same device are one: serials upper-cased, MACs by their hex digits.
	const keyOf = (serial, mac) =>
		String(serial || "").trim().toUpperCase() + "|" + String(mac || "").replace(/[^0-9a-f]/gi, "").toUpperCase();

	function result(li, text, kind) {
		const line = li.querySelector(".gf-eq-result");
		line.textContent = text;
		line.className = `gf-eq-result gf-${kind}`;
		li.classList.toggle("gf-eq-ok", kind === "ok");
		li.classList.toggle("gf-eq-refused", kind === "error");
		li.querySelector(".gf-eq-done").hidden = kind !== "ok";
	}

	function saved(li, item) {
		result(li, item.mac ? t("Saved: serial {0}, MAC {1}", item.serial, item.mac) : t("Saved: serial {0}", item.serial), "ok");
	}

	function save(job, item, li) {
		const serialInput = li.querySelector(".gf-eq-serial");
		const serial = serialInput.value.trim();
		const mac = li.querySelector(".gf-eq-mac").value.trim();
		if (!serial) {
			result(li, t("Enter the serial number"), "error");
			serialInput.focus();
			return Promise.resolve(false);
		}
		const key = keyOf(serial, mac);
		if (li.pending && li.pendingKey === key) return li.pending;
		if (!li.pending && li.savedKey === key && !li.classList.contains("gf-eq-refused")) return Promise.resolve(true);
		li.pendingKey = key;
		li.classList.add("gf-busy");
		const body = { dispatch_job: job.dispatch_job, equipment: item.equipment, serial };
		if (mac) body.mac = mac;
		const pending = call("scan_equipment", body)
			.then((answer) => {
				item.serial = answer.serial;
				item.mac = answer.mac || null;
				li.savedKey = keyOf(item.serial, item.mac);
				// What the server kept, unless another scan was typed meanwhile.
				if (keyOf(serialInput.value, li.querySelector(".gf-eq-mac").value) === key) {
					serialInput.value = item.serial;
					li.querySelector(".gf-eq-mac").value = item.mac || "";
				}
				saved(li, item);
				return true;
			})
			.catch((error) => {
				result(li, error.message, "error");
				return false;
			})
			.finally(() => {
				if (li.pending === pending) {
					li.pending = null;
					li.classList.remove("gf-busy");
				}
				updateProgress(job);
			});
		li.pending = pending;
		return pending;
	}

	// ---------------------------------------------------------------- finishing
	async function finish(job) {
		$("finish").disabled = true;
		$("finish-error").textContent = "";
		let answer;
		try {
			answer = await call("complete_job", { dispatch_job: job.dispatch_job, notes: $("notes").value.trim() });
		} catch (error) {
			$("finish-error").textContent = error.message;
			updateProgress(job);
			return;
		}
		state.outcomes[job.dispatch_job] = answer;
		job.status = answer.status;
		showJob(job);
		$("outcome").scrollIntoView({ behavior: "smooth", block: "start" });
	}

	const PAYMENT = {
		succeeded: "Payment received: the customer's card was charged.",
		requires_action:
			"The customer's bank asks them to confirm the payment: they receive a link to do it. Nothing to do on your side.",
		failed: "The customer's card was refused: they receive a link to pay. The service stays active.",
		pending: "The payment is being processed. Nothing to do on your side.",
		no_card: "No card on file: the customer receives a link to pay.",
		none: "Nothing to collect for this job.",
	};

	// What the completion did, in words: the service live, the payment's outcome (never an
	// amount). A job completed earlier asks again (the same completion answers the same
	// documents and the payment's current outcome, and charges nothing more).
	function showOutcome(job, answer) {
		const refresh = $("outcome-refresh");
		const payment = $("outcome-payment");
		if (!answer) {
			$("outcome-activated").textContent = "";
			payment.textContent = "";
			payment.dataset.status = "";
			refresh.hidden = false;
			refresh.textContent = t("See the payment");
		} else {
			$("outcome-activated").textContent =
				t("The service is active.") + " " + t("Equipment activated: {0}", equipmentSummary(job.equipment || []));
			const status = answer.payment ? answer.payment.status : "none";
			payment.dataset.status = status;
			payment.textContent = t(PAYMENT[status] || PAYMENT.pending);
			refresh.hidden = status !== "pending";
			refresh.textContent = t("Check the payment again");
		}
		refresh.onclick = async () => {
			refresh.disabled = true;
			$("outcome-error").textContent = "";
			try {
				state.outcomes[job.dispatch_job] = await call("complete_job", { dispatch_job: job.dispatch_job });
				showOutcome(job, state.outcomes[job.dispatch_job]);
			} catch (error) {
				$("outcome-error").textContent = error.message;
			} finally {
				refresh.disabled = false;
			}
		};
	}

	// A job opened before a reload opens again when it is today's.
	setDay(today, true);
})();
