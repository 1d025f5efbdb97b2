#!/usr/bin/env bash
# Builds (once) and drives the development bench of gigafibre_fsm.
#
#   scripts/bench.sh serve   bench + ERPNext site with demo data, served on http://localhost:$PORT
#   scripts/bench.sh test    bench + test sites, this checkout installed, every test suite run
#
# Both reuse the bench at $BENCH_DIR when it exists. Works from a root shell: bench refuses
# root, so the bench belongs to $BENCH_USER and every bench command runs as that user.
#
# Settings (environment):
#   BENCH_DIR        where the bench lives (default /opt/gigafibre/frappe-bench)
#   FRAPPE_REPO      URL or local path of Frappe   (default the official repository)
#   FRAPPE_BRANCH    its branch                     (default version-15)
#   ERPNEXT_REPO     URL or local path of ERPNext  (default the official repository)
#   ERPNEXT_BRANCH   its branch                     (default version-15)
#   BENCH_CLI_DIR    virtualenv of the bench CLI (default /opt/gigafibre/bench-cli)
#   BENCH_USER       owner of the bench when run as root (default frappe)
#   PYTHON           Python of the bench, as the bench user finds it (default python3; 3.10-3.12)
#   DB_PORT          port MariaDB listens on and Frappe connects to (default 3306)
#   DB_ADMIN_USER / DB_ADMIN_PASSWORD  MariaDB account with grant rights used to create sites
#   ADMIN_PASSWORD   password of the sites' Administrator (default admin)
#   PORT             port of `serve` (default 8000)
#   REDIS_URL        Redis used for cache and queue (default redis://127.0.0.1:6379)
#   UPGRADE_FROM     commit of this repository the upgrade test starts from (default 11cfcd0)
#   CHROMIUM         browser of the order page's browser test (default /usr/bin/chromium)
#   DEV_SITE, TEST_SITE, LIFECYCLE_SITE, UPGRADE_SITE, COMPANY_SITE  names of the sites
set -euo pipefail

CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/opt/gigafibre/frappe-bench}
FRAPPE_REPO=${FRAPPE_REPO:-https://github.com/frappe/frappe}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}
ERPNEXT_REPO=${ERPNEXT_REPO:-https://github.com/frappe/erpnext}
ERPNEXT_BRANCH=${ERPNEXT_BRANCH:-version-15}
PYTHON=${PYTHON:-python3}
DB_PORT=${DB_PORT:-3306}
DB_ADMIN_USER=${DB_ADMIN_USER:-gigafibre_dba}
DB_ADMIN_PASSWORD=${DB_ADMIN_PASSWORD:-gigafibre-dba}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
PORT=${PORT:-8000}
STRIPE_PORT=${STRIPE_PORT:-8420}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DEV_SITE=${DEV_SITE:-gigafibre.localhost}
TEST_SITE=${TEST_SITE:-gigafibre-test.localhost}
LIFECYCLE_SITE=${LIFECYCLE_SITE:-gigafibre-lifecycle.localhost}
UPGRADE_SITE=${UPGRADE_SITE:-gigafibre-upgrade.localhost}
COMPANY_SITE=${COMPANY_SITE:-gigafibre-company.localhost}
UPGRADE_FROM=${UPGRADE_FROM:-11cfcd0}
APP=gigafibre_fsm
# Set by `test`: the app's optional dependencies to install with it, and the browser it drives.
APP_EXTRAS=
NEED_BROWSER=
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
MARIADB_CNF=/etc/mysql/mariadb.conf.d/99-gigafibre-frappe.cnf
# Node and Python versions Frappe 15 supports.
NODE_MIN=18
PYTHON_VERSIONS="3.10 3.11 3.12"

if [ "$(id -u)" = 0 ]; then BENCH_USER=${BENCH_USER:-frappe}; else BENCH_USER=$(id -un); fi
TOOLS_DIR=${BENCH_CLI_DIR:-/opt/gigafibre/bench-cli}
# What the bench user finds on its PATH (besides the bench CLI).
SYSTEM_PATH=/usr/local/bin:/usr/bin:/bin
PYTHON_BIN=

case "$DB_PORT" in '' | *[!0-9]*) echo "DB_PORT must be a port number, not '$DB_PORT'" >&2; exit 2 ;; esac

say() { printf '\n==> %s\n' "$*"; }
die() {
	printf '\nERROR: %s\n' "$*" >&2
	# Inside the upgrade layer: tell the caller why it stopped.
	if [ -n "${FAILED_STEP_FILE:-}" ]; then printf '%s\n' "$*" >"$FAILED_STEP_FILE"; fi
	exit 1
}

# Every set-up step keeps its output in a log of this run; kept when something fails.
STEP_LOGS=$(mktemp -d "${TMPDIR:-/tmp}/gigafibre-bench.XXXXXX")
chmod 755 "$STEP_LOGS"
STEP_COUNT=0

# step WHAT ADVICE COMMAND...: run COMMAND (output shown and logged); when it fails, say
# which step failed, show the end of its log and what to do, and stop.
step() {
	local what=$1 advice=$2 log
	shift 2
	STEP_COUNT=$((STEP_COUNT + 1))
	log="$STEP_LOGS/$(printf '%02d' "$STEP_COUNT")-$(printf '%s' "$what" | tr -cs 'A-Za-z0-9' '-' | cut -c1-50).log"
	say "$what"
	if "$@" </dev/null 2>&1 | tee "$log"; then return 0; fi
	{
		printf '\nFAILED: %s\n' "$what"
		printf -- '--- last 30 lines of %s ---\n' "$log"
		# Progress bars redraw a line with carriage returns: keep what a terminal shows.
		tail -n 30 "$log" | sed 's/.*\r//'
		printf -- '---\nWhat to do: %s\n' "$advice"
		printf 'Logs of this run: %s\n' "$STEP_LOGS"
	} >&2
	if [ -n "${FAILED_STEP_FILE:-}" ]; then printf '%s failed (log: %s)\n' "$what" "$log" >"$FAILED_STEP_FILE"; fi
	exit 1
}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Run a command as the bench owner, with a clean PATH it can read.
as_bench() {
	local home
	home=$(getent passwd "$BENCH_USER" | cut -d: -f6)
	local envs=(HOME="$home" PATH="$TOOLS_DIR/bin:$SYSTEM_PATH" UV_NATIVE_TLS=1
		LANG=C.UTF-8 LC_ALL=C.UTF-8 CI="${CI:-}")
	if [ "$(id -u)" = 0 ] && [ "$BENCH_USER" != root ]; then
		# From /: the bench user may not be allowed into the caller's folder.
		(cd / && runuser -u "$BENCH_USER" -- env "${envs[@]}" "$@")
	else
		env "${envs[@]}" "$@"
	fi
}
bench_() { as_bench bash -c 'cd "$0" && exec bench "$@"' "$BENCH_DIR" "$@"; }
bench_pip() { as_bench uv pip install -q --python "$BENCH_DIR/env/bin/python" "$@"; }
site_python() { as_bench bash -c 'cd "$0/sites" && exec ../env/bin/python "$@"' "$BENCH_DIR" "$@"; }
# Git as the caller, on a checkout that may belong to someone else (read-only use).
git_() { git -c safe.directory='*' "$@"; }

# A folder the bench user can write to: created for it when missing, never taken over.
ensure_bench_user_dir() {
	local dir=$1 top=$1
	if [ ! -d "$dir" ]; then
		# Every folder we create (not only the last) belongs to the bench user, so a
		# sibling made later (the bench beside its CLI) can be created in the same parent.
		while [ ! -d "$(dirname "$top")" ]; do top=$(dirname "$top"); done
		sudo_ mkdir -p "$dir" || die "cannot create $dir: choose another location"
		sudo_ chown -R "$BENCH_USER": "$top"
	fi
	as_bench test -w "$dir" || die "$BENCH_USER cannot write to $dir: choose another location"
}

ensure_bench_user() {
	if [ "$(id -u)" = 0 ] && ! id "$BENCH_USER" >/dev/null 2>&1; then
		say "Creating user $BENCH_USER to own the bench"
		useradd --create-home --shell /bin/bash "$BENCH_USER" || die "cannot create the user $BENCH_USER: create it or set BENCH_USER"
	fi
}

## Node and Python: checked before anything is built ##########################################

NODE_ADVICE="install Node $NODE_MIN or newer system-wide, e.g. from NodeSource
  (curl -fsSL https://deb.nodesource.com/setup_20.x | sudo bash - && sudo apt-get install -y nodejs)
  or with nvm (nvm install 20) and then link its node, npm and npx into /usr/local/bin,
  since the bench user ($BENCH_USER) only looks in $SYSTEM_PATH; then run this again"

# Major version of the node the bench user runs, empty when it has none.
node_major() { { as_bench bash -c 'node --version' 2>/dev/null || true; } | sed -nE 's/^v([0-9]+).*/\1/p'; }

# Major version apt would install for a package, empty when it has none.
apt_candidate_major() {
	{ apt-cache policy "$1" 2>/dev/null || true; } | sed -nE 's/^ *Candidate: ([0-9]+:)?([0-9]+).*/\2/p'
}

# The interpreter the bench will use: $PYTHON as the bench user finds it, as an absolute path.
resolve_python() {
	as_bench env PATH="$SYSTEM_PATH" bash -c 'command -v "$0"' "$PYTHON" 2>/dev/null || true
}
python_version() { as_bench "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }
python_supported() { case " $PYTHON_VERSIONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
python_has_venv() { as_bench "$1" -c 'import venv, ensurepip' >/dev/null 2>&1; }
python_header() {
	as_bench "$1" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null || true
}
python_has_header() { local h; h=$(python_header "$1"); [ -n "$h" ] && [ -f "$h" ]; }

PYTHON_ADVICE="Frappe 15 needs Python 3.10, 3.11 or 3.12 with venv, ensurepip and its headers (Python.h).
  Install one (Debian 12: python3 python3-venv python3-dev; Ubuntu 22.04: python3.10-venv
  python3.10-dev; otherwise e.g. python3.11 python3.11-venv python3.11-dev) and, when it is not
  the bench user's python3, set PYTHON=python3.11 (or an absolute path); then run this again"

# Fail now, before anything is installed or built, on a Node or Python that cannot work.
check_versions_early() {
	local major py ver
	major=$(node_major)
	if [ -n "$major" ] && [ "$major" -lt "$NODE_MIN" ]; then
		die "Frappe 15 needs Node $NODE_MIN or newer; $BENCH_USER runs Node $major ($(as_bench bash -c 'command -v node')).
  To fix: $NODE_ADVICE"
	fi
	py=$(resolve_python)
	if [ -z "$py" ] && [ "$PYTHON" != python3 ]; then
		case "$PYTHON" in
			*/*) die "PYTHON=$PYTHON: $BENCH_USER cannot run it (missing, or in a folder $BENCH_USER cannot enter).
  To fix: $PYTHON_ADVICE" ;;
			*) die "PYTHON=$PYTHON: $BENCH_USER finds no such interpreter on $SYSTEM_PATH.
  To fix: $PYTHON_ADVICE" ;;
		esac
	fi
	if [ -n "$py" ]; then
		ver=$(python_version "$py")
		python_supported "$ver" || die "the bench would use $py, which is Python ${ver:-(does not run)}.
  To fix: $PYTHON_ADVICE"
	fi
}

# Everything checked again once the system packages are in place.
check_versions() {
	local major py ver
	major=$(node_major)
	[ -n "$major" ] || die "$BENCH_USER finds no node on $SYSTEM_PATH. To fix: $NODE_ADVICE"
	[ "$major" -ge "$NODE_MIN" ] || die "Frappe 15 needs Node $NODE_MIN or newer; $BENCH_USER runs Node $major.
  To fix: $NODE_ADVICE"
	as_bench bash -c 'command -v npm' >/dev/null || die "$BENCH_USER finds node but no npm on $SYSTEM_PATH: install npm (it comes with NodeSource's nodejs; on Debian: apt-get install npm)"
	py=$(resolve_python)
	[ -n "$py" ] || die "$BENCH_USER finds no $PYTHON on $SYSTEM_PATH. To fix: $PYTHON_ADVICE"
	ver=$(python_version "$py")
	python_supported "$ver" || die "the bench would use $py, which is Python ${ver:-(does not run)}. To fix: $PYTHON_ADVICE"
	python_has_venv "$py" || die "$py (Python $ver) has no venv/ensurepip: install python$ver-venv (or build that Python with ensurepip). To fix: $PYTHON_ADVICE"
	python_has_header "$py" || die "$py (Python $ver) has no $(python_header "$py"): install python$ver-dev (C extensions are built against it). To fix: $PYTHON_ADVICE"
	PYTHON_BIN=$py
	say "Using Node $(as_bench node --version) and Python $ver ($PYTHON_BIN)"
}

## System packages ##########################################################################

ensure_system() {
	ensure_bench_user
	check_versions_early
	local missing=() py ver
	command -v mariadb >/dev/null || missing+=(mariadb-server mariadb-client)
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v git >/dev/null || missing+=(git)
	command -v cc >/dev/null || missing+=(build-essential)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	command -v rsync >/dev/null || missing+=(rsync)
	# Frappe prints invoices to PDF (the monthly invoice's email) with wkhtmltopdf.
	command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf fonts-dejavu-core)
	[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
	# The Python packages of the interpreter the bench user will run, not of the caller's python3.
	py=$(resolve_python)
	if [ -z "$py" ]; then
		missing+=(python3 python3-venv python3-dev)
	else
		ver=$(python_version "$py")
		local lacks=()
		python_has_venv "$py" || lacks+=(venv/ensurepip)
		python_has_header "$py" || lacks+=("$(python_header "$py")")
		if [ ${#lacks[@]} -gt 0 ]; then
			case "$(readlink -f "$py")" in
				/usr/bin/python3*) missing+=("python$ver-venv" "python$ver-dev") ;;
				*) die "$py (Python $ver) lacks ${lacks[*]} and was not installed by apt.
  To fix: $PYTHON_ADVICE" ;;
			esac
		fi
	fi
	local need_node=
	if [ -z "$(node_major)" ]; then
		need_node=1
		missing+=(nodejs)
	elif ! as_bench bash -c 'command -v npm' >/dev/null; then
		missing+=(npm)
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		command -v apt-get >/dev/null || die "missing: ${missing[*]}, and this machine has no apt-get: install them and run this again"
		step "Updating the package lists (apt-get update)" \
			"check that this machine reaches its apt mirrors (/etc/apt/sources.list*, proxy settings in /etc/apt/apt.conf.d)" \
			sudo_ apt-get update -qq
		if [ -n "$need_node" ]; then
			local candidate
			candidate=$(apt_candidate_major nodejs)
			if [ -z "$candidate" ] || [ "$candidate" -lt "$NODE_MIN" ]; then
				die "this system's nodejs package is version ${candidate:-(none)}; Frappe 15 needs Node $NODE_MIN or newer.
  To fix: $NODE_ADVICE"
			fi
			# NodeSource's nodejs brings npm; Debian's does not.
			if ! apt-cache show nodejs 2>/dev/null | grep -q '^Provides:.*\bnpm\b'; then missing+=(npm); fi
		fi
		step "Installing system packages: ${missing[*]}" \
			"read the apt error above; fix the package sources or install these packages by hand, then run this again" \
			sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi
	check_versions
	if ! as_bench bash -c 'command -v yarn' >/dev/null || [[ "$(as_bench yarn --version 2>/dev/null)" != 1.* ]]; then
		step "Installing yarn 1.x (npm install -g yarn@1)" \
			"check that npm reaches its registry (npm config get registry; proxy and cafile in /etc/npmrc or ~/.npmrc), or install yarn 1.x by hand so that $BENCH_USER finds it on $SYSTEM_PATH" \
			sudo_ npm install -g --silent yarn@1
		[[ "$(as_bench yarn --version 2>/dev/null)" == 1.* ]] \
			|| die "yarn 1.x is still not on $BENCH_USER's PATH ($SYSTEM_PATH) after npm install -g: install it there by hand"
	fi
}

## MariaDB and Redis ########################################################################

db_root() { sudo_ mariadb "$@"; }
db_up() { db_root -e 'select 1' >/dev/null 2>&1; }

# The option file this script owns (MariaDB's stock files are never edited).
mariadb_options() {
	printf '%s\n' '# Written by gigafibre_fsm scripts/bench.sh: what Frappe needs from MariaDB.' \
		'[mysqld]' "port = $DB_PORT" 'character-set-client-handshake = FALSE' \
		'character-set-server = utf8mb4' 'collation-server = utf8mb4_unicode_ci' \
		'[client]' "port = $DB_PORT" \
		'[mysql]' 'default-character-set = utf8mb4'
}
write_mariadb_options() {
	if ! mariadb_options | sudo_ cmp -s - "$MARIADB_CNF" 2>/dev/null; then
		sudo_ mkdir -p "$(dirname "$MARIADB_CNF")"
		mariadb_options | sudo_ tee "$MARIADB_CNF" >/dev/null
	fi
}
mariadb_matches() {
	[ "$(db_root -Nse 'select @@character_set_server')" = utf8mb4 ] \
		&& [ "$(db_root -Nse 'select @@port')" = "$DB_PORT" ]
}

# Start MariaDB the way this machine starts it: systemd, else its init script, else the
# daemon itself as the mysql user (stock Debian leaves `user = mysql` to systemd).
start_mariadb() {
	if [ -d /run/systemd/system ]; then
		sudo_ systemctl start mariadb || true
	elif [ -x /etc/init.d/mariadb ]; then
		sudo_ /etc/init.d/mariadb start >/dev/null || true
	else
		sudo_ mkdir -p /run/mysqld && sudo_ chown mysql:mysql /run/mysqld
		sudo_ start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
	fi
	for _ in $(seq 60); do db_up && return 0; sleep 1; done
	return 1
}

ensure_mariadb() {
	if ! db_up; then
		# It will read our option file when it starts: its port must be right from the start.
		write_mariadb_options
		say "Starting MariaDB (port $DB_PORT)"
		start_mariadb || die "MariaDB is not running and could not be started: see its error log
  (/var/log/mysql/error.log or journalctl -u mariadb); is port $DB_PORT already taken
  (ss -ltnp | grep :$DB_PORT)? Start it (e.g. 'service mariadb start') and run this again"
	fi
	if ! mariadb_matches; then
		say "Configuring MariaDB for Frappe (utf8mb4, port $DB_PORT) in $MARIADB_CNF and restarting it"
		write_mariadb_options
		if [ -d /run/systemd/system ]; then
			sudo_ systemctl restart mariadb || true
		else
			sudo_ mariadb-admin shutdown || true
			for _ in $(seq 30); do db_up || break; sleep 1; done
		fi
		db_up || start_mariadb || die "MariaDB did not come back after the configuration in $MARIADB_CNF:
  see its error log (is port $DB_PORT already taken?), start it and run this again"
	fi
	[ "$(db_root -Nse 'select @@character_set_server')" = utf8mb4 ] \
		|| die "MariaDB's server charset is not utf8mb4 although $MARIADB_CNF sets it: another option file overrides it"
	[ "$(db_root -Nse 'select @@port')" = "$DB_PORT" ] \
		|| die "MariaDB listens on port $(db_root -Nse 'select @@port'), not DB_PORT=$DB_PORT, although $MARIADB_CNF sets it: another option file overrides it"
	# Frappe's installer asks for the root password on a terminal when it is empty:
	# give it an administrator with a password instead.
	# Frappe connects over TCP (127.0.0.1) and by socket (localhost): the account needs both hosts.
	local host
	for host in localhost 127.0.0.1; do
		db_root -e "CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			ALTER USER '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'$host' WITH GRANT OPTION; FLUSH PRIVILEGES;" \
			|| die "cannot create the MariaDB account $DB_ADMIN_USER: check that root can log in to MariaDB by socket (sudo mariadb)"
	done
	mariadb -h 127.0.0.1 -P "$DB_PORT" -u "$DB_ADMIN_USER" -p"$DB_ADMIN_PASSWORD" -e 'select 1' >/dev/null 2>&1 \
		|| die "Frappe will connect to MariaDB at 127.0.0.1:$DB_PORT as $DB_ADMIN_USER, and that fails:
  is another server on that port (ss -ltnp | grep :$DB_PORT)? Set DB_PORT to a free port and run this again"
}

ensure_redis() {
	local hostport=${REDIS_URL#redis://}
	hostport=${hostport%%/*}
	if ! redis-cli -h "${hostport%:*}" -p "${hostport#*:}" ping >/dev/null 2>&1; then
		say "Starting Redis on $hostport"
		sudo_ mkdir -p /var/lib/redis /var/log/redis
		sudo_ redis-server --daemonize yes --bind "${hostport%:*}" --port "${hostport#*:}" --save "" \
			--appendonly no --dir /var/lib/redis --logfile /var/log/redis/gigafibre.log || true
		for _ in $(seq 10); do
			redis-cli -h "${hostport%:*}" -p "${hostport#*:}" ping >/dev/null 2>&1 && break
			sleep 1
		done
	fi
	redis-cli -h "${hostport%:*}" -p "${hostport#*:}" ping >/dev/null 2>&1 \
		|| die "Redis at $REDIS_URL does not answer and could not be started: see /var/log/redis/gigafibre.log (port taken?) or set REDIS_URL"
}

## The bench ################################################################################

ensure_bench_cli() {
	if [ ! -x "$TOOLS_DIR/bin/bench" ]; then
		ensure_bench_user_dir "$TOOLS_DIR"
		step "Creating the virtualenv of the bench CLI in $TOOLS_DIR" \
			"$PYTHON_BIN must be able to create a virtualenv (python -m venv); remove $TOOLS_DIR and run this again" \
			as_bench "$PYTHON_BIN" -m venv "$TOOLS_DIR"
		# setuptools 81 dropped pkg_resources, which Frappe 15 imports.
		step "Installing the bench CLI (pip install frappe-bench)" \
			"check that PyPI is reachable for $BENCH_USER (pip config list: index-url, proxy, cert), then run this again" \
			as_bench "$TOOLS_DIR/bin/pip" install -q frappe-bench 'setuptools<81'
	fi
}

# Git refuses repositories owned by another user: trust the local ones we were given.
trust_local_repos() {
	local repo
	for repo in "$FRAPPE_REPO" "$FRAPPE_REPO/.git" "$ERPNEXT_REPO" "$ERPNEXT_REPO/.git" "$CHECKOUT"; do
		if [ -d "$repo" ] && ! as_bench git config --global --get-all safe.directory | grep -qxF "$repo"; then
			as_bench git config --global --add safe.directory "$repo"
		fi
	done
}

# bench set-config -g KEY VALUE, only when common_site_config.json says otherwise.
ensure_bench_config() {
	local key=$1 value=$2 current
	shift 2
	current=$(site_python -c 'import json, sys; print(json.load(open("common_site_config.json")).get(sys.argv[1], ""))' "$key") \
		|| die "cannot read $BENCH_DIR/sites/common_site_config.json: fix or remove it, then run this again"
	if [ "$current" != "$value" ]; then
		step "Setting $key = $value in the bench's common_site_config.json" \
			"check that $BENCH_DIR/sites/common_site_config.json is valid JSON and writable by $BENCH_USER" \
			bench_ set-config -g "$@" "$key" "$value"
	fi
}

ensure_bench() {
	trust_local_repos
	if [ ! -f "$BENCH_DIR/apps/frappe/frappe/__init__.py" ]; then
		as_bench git ls-remote --heads "$FRAPPE_REPO" "$FRAPPE_BRANCH" >/dev/null 2>&1 \
			|| die "Frappe cannot be cloned from $FRAPPE_REPO ($FRAPPE_BRANCH): set FRAPPE_REPO to a reachable URL or local path"
		if [ -e "$BENCH_DIR" ] && [ -n "$(ls -A "$BENCH_DIR" 2>/dev/null)" ]; then
			die "$BENCH_DIR exists but is not a Frappe bench: remove it or set BENCH_DIR elsewhere"
		fi
		ensure_bench_user_dir "$(dirname "$BENCH_DIR")"
		if [ -d "$BENCH_DIR" ]; then rmdir "$BENCH_DIR"; fi
		step "Creating the bench at $BENCH_DIR (bench init, Frappe from $FRAPPE_REPO @ $FRAPPE_BRANCH)" \
			"it needs PyPI (pip/uv) and the npm registry (yarn) reachable for $BENCH_USER; remove $BENCH_DIR and run this again" \
			as_bench bash -c 'cd "$(dirname "$0")" && bench init "$0" --frappe-path "$1" --frappe-branch "$2" \
				--python "$3" --skip-redis-config-generation --no-backups --skip-assets' \
			"$BENCH_DIR" "$FRAPPE_REPO" "$FRAPPE_BRANCH" "$PYTHON_BIN"
	fi
	if [ ! -f "$BENCH_DIR/.gigafibre-configured" ]; then
		# setuptools 81 dropped pkg_resources, which Frappe 15 imports.
		step "Installing setuptools<81 and pytest into the bench (uv pip install)" \
			"check that PyPI is reachable for $BENCH_USER (uv uses the system CA store: UV_NATIVE_TLS=1)" \
			bench_pip 'setuptools<81' pytest
		as_bench touch "$BENCH_DIR/.gigafibre-configured"
	fi
	ensure_bench_config db_host 127.0.0.1
	ensure_bench_config db_port "$DB_PORT" --parse
	ensure_bench_config redis_cache "$REDIS_URL"
	ensure_bench_config redis_queue "$REDIS_URL"
	ensure_bench_config redis_socketio "$REDIS_URL"
	ensure_bench_config webserver_port "$PORT"
	if [ ! -f "$BENCH_DIR/apps/erpnext/erpnext/__init__.py" ]; then
		as_bench git ls-remote --heads "$ERPNEXT_REPO" "$ERPNEXT_BRANCH" >/dev/null 2>&1 \
			|| die "ERPNext cannot be cloned from $ERPNEXT_REPO ($ERPNEXT_BRANCH): set ERPNEXT_REPO to a reachable URL or local path"
		step "Adding ERPNext from $ERPNEXT_REPO @ $ERPNEXT_BRANCH (bench get-app)" \
			"it needs PyPI and the npm registry reachable; remove $BENCH_DIR/apps/erpnext and run this again" \
			bench_ get-app --branch "$ERPNEXT_BRANCH" --skip-assets "$ERPNEXT_REPO"
		step "Building the desk assets (bench build)" \
			"read the build error above (node $NODE_MIN+, yarn 1 and the apps' node_modules are needed); run 'bench build' in $BENCH_DIR to retry" \
			bench_ build
	fi
}

# install_code SOURCE: make the bench's app SOURCE (a symlink when the bench user can read
# it, else a copy) and prove the bench imports exactly that code.
install_code() {
	local source=$1 target="$BENCH_DIR/apps/$APP"
	if as_bench test -r "$source/pyproject.toml" -a -x "$source/$APP"; then
		[ -L "$target" ] || as_bench rm -rf "$target"
		as_bench ln -sfn "$source" "$target"
	else
		# The bench user cannot read it (e.g. a checkout under /root): copy it in.
		if [ -L "$target" ]; then as_bench rm -f "$target"; fi
		sudo_ rsync -a --delete --exclude .git --exclude '__pycache__' "$source/" "$target/"
		sudo_ chown -R "$BENCH_USER": "$target"
	fi
	# With the extras the test command needs (e.g. [test]), when this version declares them.
	local spec=$target
	if [ -n "$APP_EXTRAS" ] && as_bench grep -qE "^[[:space:]]*${APP_EXTRAS}[[:space:]]*=" "$target/pyproject.toml"; then
		spec="${target}[${APP_EXTRAS}]"
	fi
	step "Installing the app's Python package into the bench (uv pip install -e ${spec##*/})" \
		"check that PyPI is reachable for $BENCH_USER and that $source/pyproject.toml is valid" \
		bench_pip -e "$spec"
	local imported expected
	imported=$(site_python -c 'import os, gigafibre_fsm; print(os.path.realpath(os.path.dirname(gigafibre_fsm.__file__)))') \
		|| die "the bench cannot import $APP after installing it from $source"
	expected=$(cd "$target/$APP" && pwd -P)
	[ "$imported" = "$expected" ] || die "the bench imports $APP from $imported, not from $expected"
	say "The bench imports $APP from $imported"
	as_bench bash -c 'grep -qx "$1" "$0/sites/apps.txt" || printf "\n%s" "$1" >> "$0/sites/apps.txt";
		sed -i "/^$/d" "$0/sites/apps.txt"' "$BENCH_DIR" "$APP"
}

# Put this checkout (not a copy made some other day) into the bench as the app.
install_checkout() {
	say "Installing this checkout ($CHECKOUT) into the bench"
	install_code "$CHECKOUT"
}

# ensure_site NAME: an ERPNext site (kept between runs).
ensure_site() {
	local site=$1
	if [ ! -f "$BENCH_DIR/sites/$site/site_config.json" ]; then
		step "Creating site $site with ERPNext (bench new-site)" \
			"check MariaDB at 127.0.0.1:$DB_PORT ($DB_ADMIN_USER) and Redis at $REDIS_URL; then drop the half-made site (bench drop-site $site --force --no-backup --db-root-username $DB_ADMIN_USER --db-root-password ...) and run this again" \
			bench_ new-site "$site" --db-root-username "$DB_ADMIN_USER" --db-root-password "$DB_ADMIN_PASSWORD" \
			--admin-password "$ADMIN_PASSWORD" --install-app erpnext
	fi
}

# A new ERPNext site, made again when an earlier run left one.
fresh_site() {
	local site=$1 archived
	if [ -f "$BENCH_DIR/sites/$site/site_config.json" ]; then
		archived=$(as_bench mktemp -d)
		step "Dropping $site, left by an earlier run (bench drop-site)" \
			"drop it by hand (bench drop-site $site --force --no-backup --db-root-username $DB_ADMIN_USER --db-root-password ...) and run this again" \
			bench_ drop-site "$site" --db-root-username "$DB_ADMIN_USER" \
			--db-root-password "$DB_ADMIN_PASSWORD" --no-backup --force --archived-sites-path "$archived"
		as_bench rm -rf "$archived"
	fi
	ensure_site "$site"
}

app_on_site() { bench_ --site "$1" list-apps 2>/dev/null | grep -q "^$APP\b"; }

ensure_app_on_site() {
	local site=$1
	if ! app_on_site "$site"; then
		step "Installing $APP on $site (bench install-app)" \
			"read the error above: it comes from the app's install hooks (gigafibre_fsm/setup) or its doctypes" \
			bench_ --site "$site" install-app "$APP"
	fi
	step "Migrating $site (bench migrate)" \
		"read the error above: a doctype, patch or after_migrate hook of the app failed" \
		bench_ --site "$site" migrate
}

# The browser test of the order page drives Chromium: installed when missing, and when that
# fails the run goes on (that test then fails with its own message).
ensure_browser() {
	[ -n "$NEED_BROWSER" ] && [ ! -x "$CHROMIUM" ] || return 0
	local log="$STEP_LOGS/chromium.log"
	say "Installing chromium for the browser test (apt-get install chromium)"
	if ! sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
		</dev/null >"$log" 2>&1; then
		sudo_ apt-get update -qq >>"$log" 2>&1 || true
		sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
			</dev/null >>"$log" 2>&1 || true
	fi
	if [ ! -x "$CHROMIUM" ]; then
		tail -n 15 "$log" >&2
		printf '\nWARNING: no browser at %s: the browser test will fail. Install Chromium (Debian: apt-get install chromium) and set CHROMIUM to its path.\n' "$CHROMIUM" >&2
	fi
}

prepare_bench() {
	ensure_system
	ensure_browser
	ensure_mariadb
	ensure_redis
	ensure_bench_cli
	ensure_bench
}

prepare() {
	prepare_bench
	install_checkout
}

## Commands #################################################################################

cmd_serve() {
	prepare
	ensure_site "$DEV_SITE"
	ensure_app_on_site "$DEV_SITE"
	demo_stripe
	step "Loading demo data into $DEV_SITE" \
		"read the error above: it comes from gigafibre_fsm/tests/demo.py" \
		bench_ --site "$DEV_SITE" execute gigafibre_fsm.tests.demo.make_demo_data
	if ! bench_ build --app "$APP" >/dev/null 2>&1; then
		step "Building the desk assets (bench build)" \
			"read the build error above; run 'bench build' in $BENCH_DIR to retry" \
			bench_ build
	fi
	bench_ use "$DEV_SITE"
	say "Serving $DEV_SITE on http://localhost:$PORT (Administrator / $ADMIN_PASSWORD); Ctrl-C stops"
	# A background worker for queued jobs and, for the demo's card payments, localstripe when
	# the site points at it; both stopped with the server.
	as_bench bash -c 'cd "$0" && { bench worker >/dev/null 2>&1 & }; worker=$!; stripe=;
		if [ -n "$2" ]; then { env/bin/python -m localstripe --port "$2" >/dev/null 2>&1 & }; stripe=$!; fi;
		trap "kill $worker $stripe 2>/dev/null" EXIT INT TERM; bench serve --port "$1" --noreload' \
		"$BENCH_DIR" "$PORT" "$DEMO_STRIPE_PORT"
}

# The demo takes orders with a card saved in localstripe (a fake Stripe on this machine),
# unless the site already points at a Stripe of its own (site config stripe_api_base).
DEMO_STRIPE_PORT=
demo_stripe() {
	local configured
	configured=$(site_python -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c.get("stripe_api_base") or "")' \
		"$BENCH_DIR/sites/$DEV_SITE/site_config.json")
	case "$configured" in
		"" | "http://127.0.0.1:$STRIPE_PORT") ;;
		*) return 0 ;;
	esac
	if ! as_bench "$BENCH_DIR/env/bin/python" -c 'import localstripe' >/dev/null 2>&1; then
		step "Installing localstripe for the demo's card payments (uv pip install localstripe)" \
			"check that PyPI is reachable for $BENCH_USER" \
			bench_pip localstripe
	fi
	bench_ --site "$DEV_SITE" set-config stripe_api_base "http://127.0.0.1:$STRIPE_PORT"
	bench_ --site "$DEV_SITE" set-config stripe_js_url "http://localhost:$STRIPE_PORT/js.stripe.com/v3/"
	DEMO_STRIPE_PORT=$STRIPE_PORT
}

# The upgrade layer (run in a subshell, output in upgrade.log): a site with the app and its
# demo data as they were at $UPGRADE_FROM is migrated to this checkout, then checked.
# Works in the folder $1; writes what stopped it into $FAILED_STEP_FILE, "restored" into
# $1/state once the bench is back on this checkout and "check" once it reaches the check.
upgrade_layer() {
	local old_code=$1/code archived=$1/archived state=$1/state
	say "Upgrade from $UPGRADE_FROM on $UPGRADE_SITE"
	local commit
	commit=$(git_ -C "$CHECKOUT" rev-parse -q --verify "$UPGRADE_FROM^{commit}" 2>/dev/null) \
		|| die "UPGRADE_FROM=$UPGRADE_FROM is not a commit in the history of $CHECKOUT (a shallow clone? git fetch --unshallow)"
	git_ -C "$CHECKOUT" archive --format=tar "$commit" | tar -x -C "$old_code" \
		|| die "cannot extract the app at $UPGRADE_FROM from $CHECKOUT (git archive)"
	sudo_ chown -R "$BENCH_USER": "$old_code"
	# The demo moved under tests/ in later versions.
	local demo
	if [ -f "$old_code/$APP/tests/demo.py" ]; then demo="$APP.tests.demo"
	elif [ -f "$old_code/$APP/demo.py" ]; then demo="$APP.demo"
	else die "the app at $UPGRADE_FROM has no demo data ($APP/tests/demo.py)"; fi

	# An ERPNext site as new-site left it. Uninstalling the app is not enough: ERPNext records
	# that a newer version made (items, customers) stay, and an older demo may refuse them. So
	# the site, kept after each run for a look, is made again when it is no longer pristine.
	local pristine="$BENCH_DIR/sites/$UPGRADE_SITE/.gigafibre-pristine"
	if [ -f "$BENCH_DIR/sites/$UPGRADE_SITE/site_config.json" ] && ! as_bench test -f "$pristine"; then
		step "Dropping $UPGRADE_SITE, left by an earlier run (bench drop-site)" \
			"drop it by hand (bench drop-site $UPGRADE_SITE --force --no-backup --db-root-username $DB_ADMIN_USER --db-root-password ...) and run this again" \
			bench_ drop-site "$UPGRADE_SITE" --db-root-username "$DB_ADMIN_USER" \
			--db-root-password "$DB_ADMIN_PASSWORD" --no-backup --force --archived-sites-path "$archived"
	fi
	if [ ! -f "$BENCH_DIR/sites/$UPGRADE_SITE/site_config.json" ]; then
		ensure_site "$UPGRADE_SITE"
		as_bench touch "$pristine"
	fi
	as_bench rm -f "$pristine"

	say "Installing the app as of $UPGRADE_FROM ($commit) into the bench"
	install_code "$old_code"
	step "Installing $APP as of $UPGRADE_FROM on $UPGRADE_SITE (bench install-app)" \
		"read the error above: the app at $UPGRADE_FROM does not install on a new ERPNext site of this bench; choose another UPGRADE_FROM" \
		bench_ --site "$UPGRADE_SITE" install-app "$APP"
	step "Loading the demo data of $UPGRADE_FROM into $UPGRADE_SITE" \
		"read the error above: the demo of $UPGRADE_FROM fails on this bench; choose another UPGRADE_FROM" \
		bench_ --site "$UPGRADE_SITE" execute "$demo.make_demo_data"
	# What orders of that version left beyond the demo (tasks without keys), by Frappe alone.
	cp "$CHECKOUT/$APP/tests/upgrade_seed.py" "$1/upgrade_seed.py"
	step "Adding what older orders left to $UPGRADE_SITE (tests/upgrade_seed.py)" \
		"read the error above: the seed of older records does not run on the site of $UPGRADE_FROM" \
		site_python "$1/upgrade_seed.py" "$UPGRADE_SITE"

	install_checkout
	echo restored >"$state"
	step "Migrating $UPGRADE_SITE to this checkout (bench migrate)" \
		"read the error above: a patch or doctype change of this checkout does not apply to data made by $UPGRADE_FROM" \
		bench_ --site "$UPGRADE_SITE" migrate

	local check="$BENCH_DIR/apps/$APP/$APP/tests/upgrade_check.py"
	as_bench test -f "$check" || die "$APP/tests/upgrade_check.py is missing from this checkout: nothing checks the migrated site"
	echo check >"$state"
	say "Checking the migrated data on $UPGRADE_SITE"
	site_python "$check" "$UPGRADE_SITE"
}

# A scratch folder while the upgrade layer runs: the bench may then hold the old app.
UPGRADE_WORK=
UPGRADE_RC=

# Runs the layer with its output in LOG and its status in UPGRADE_RC. Called as a plain
# command (never after || or in an if), so that `set -e` holds inside the layer.
run_upgrade_layer() {
	local log=$1 rc state
	UPGRADE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/gigafibre-upgrade.XXXXXX")
	chmod 755 "$UPGRADE_WORK"
	mkdir "$UPGRADE_WORK/code" "$UPGRADE_WORK/archived"
	sudo_ chown "$BENCH_USER": "$UPGRADE_WORK/archived"
	set +e
	(
		set -e
		export FAILED_STEP_FILE="$UPGRADE_WORK/why"
		upgrade_layer "$UPGRADE_WORK"
	) 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	state=$(cat "$UPGRADE_WORK/state" 2>/dev/null || true)
	if [ "$rc" != 0 ] && [ "$state" != check ]; then
		printf 'upgrade: did not run: %s\n' "$(head -n 1 "$UPGRADE_WORK/why" 2>/dev/null || echo "stopped with status $rc")" \
			| tee -a "$log"
	fi
	if [ "$state" != restored ] && [ "$state" != check ]; then
		# Stopped before it put this checkout back: the other layers must test this checkout.
		install_checkout 2>&1 | tee -a "$log" \
			|| die "the bench could not be put back on this checkout after the upgrade layer: see $log, then run $0 bench"
	fi
	sudo_ rm -rf "$UPGRADE_WORK"
	UPGRADE_WORK=
	UPGRADE_RC=$rc
}

cmd_test() {
	[ -d "$BENCH_DIR" ] || say "No bench at $BENCH_DIR yet: building one (about 10 minutes)"
	APP_EXTRAS="test"
	NEED_BROWSER=1
	prepare
	ensure_site "$TEST_SITE"
	step "Allowing tests on $TEST_SITE" "check $BENCH_DIR/sites/$TEST_SITE/site_config.json" \
		bench_ --site "$TEST_SITE" set-config allow_tests true
	ensure_app_on_site "$TEST_SITE"
	ensure_site "$LIFECYCLE_SITE"
	local log_dir
	log_dir=$(mktemp -d)
	chmod 777 "$log_dir"
	local rc=0

	say "Unit tests (pure Python)"
	as_bench bash -c 'cd "$0/apps/$1" && exec "$0/env/bin/python" -m pytest -q -p no:cacheprovider "$1/tests/unit"' \
		"$BENCH_DIR" "$APP" 2>&1 | tee "$log_dir/unit.log" || rc=1

	run_upgrade_layer "$log_dir/upgrade.log"
	[ "$UPGRADE_RC" = 0 ] || rc=1

	# The desk's and the order page's assets: the browser tests load them.
	if ! bench_ build --app "$APP" >/dev/null 2>&1; then
		step "Building the desk assets (bench build)" \
			"read the build error above; run 'bench build' in $BENCH_DIR to retry" \
			bench_ build
	fi
	say "Integration tests on $TEST_SITE (real ERPNext, MariaDB, Redis)"
	bench_ --site "$TEST_SITE" run-tests --app "$APP" 2>&1 | tee "$log_dir/integration.log" || rc=1

	# Another company's site, new each run: its wizard is done by the layer, as a person would.
	fresh_site "$COMPANY_SITE"
	say "Install -> migrate -> uninstall on $LIFECYCLE_SITE; a real company's site on $COMPANY_SITE"
	site_python "$BENCH_DIR/apps/$APP/$APP/tests/lifecycle.py" "$LIFECYCLE_SITE" "$BENCH_DIR" "$COMPANY_SITE" 2>&1 \
		| tee "$log_dir/lifecycle.log" || rc=1

	site_python "$BENCH_DIR/apps/$APP/$APP/tests/summary.py" "$log_dir" "$CHECKOUT" || rc=1
	return $rc
}

on_exit() {
	local status=$?
	if [ -n "$UPGRADE_WORK" ]; then
		# Interrupted during the upgrade layer: never leave the bench on the old app.
		say "Putting this checkout back into the bench"
		(install_checkout) || printf '\nERROR: the bench may still hold the app as of %s: run %s bench\n' \
			"$UPGRADE_FROM" "$0" >&2
		sudo_ rm -rf "$UPGRADE_WORK"
	fi
	# The set-up logs only matter when something failed.
	if [ "$status" = 0 ] || [ -z "$(ls -A "$STEP_LOGS")" ]; then rm -rf "$STEP_LOGS"; fi
	exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case "${1:-}" in
	serve) cmd_serve ;;
	test) cmd_test ;;
	bench) prepare_bench ;;
	*) echo "usage: $0 serve|test|bench" >&2; exit 2 ;;
esac
