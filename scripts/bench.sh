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
#   DB_ADMIN_USER / DB_ADMIN_PASSWORD  MariaDB account with grant rights used to create sites
#   ADMIN_PASSWORD   password of the sites' Administrator (default admin)
#   PORT             port of `serve` (default 8000)
#   REDIS_URL        Redis used for cache and queue (default redis://127.0.0.1:6379)
set -euo pipefail

CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/opt/gigafibre/frappe-bench}
FRAPPE_REPO=${FRAPPE_REPO:-https://github.com/frappe/frappe}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}
ERPNEXT_REPO=${ERPNEXT_REPO:-https://github.com/frappe/erpnext}
ERPNEXT_BRANCH=${ERPNEXT_BRANCH:-version-15}
DB_ADMIN_USER=${DB_ADMIN_USER:-gigafibre_dba}
DB_ADMIN_PASSWORD=${DB_ADMIN_PASSWORD:-gigafibre-dba}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
PORT=${PORT:-8000}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DEV_SITE=${DEV_SITE:-gigafibre.localhost}
TEST_SITE=${TEST_SITE:-gigafibre-test.localhost}
LIFECYCLE_SITE=${LIFECYCLE_SITE:-gigafibre-lifecycle.localhost}
APP=gigafibre_fsm

if [ "$(id -u)" = 0 ]; then BENCH_USER=${BENCH_USER:-frappe}; else BENCH_USER=$(id -un); fi
TOOLS_DIR=${BENCH_CLI_DIR:-/opt/gigafibre/bench-cli}

# A folder the bench user can write to: created for it when missing, never taken over.
ensure_bench_user_dir() {
	local dir=$1
	if [ ! -d "$dir" ]; then
		sudo_ mkdir -p "$dir"
		sudo_ chown "$BENCH_USER": "$dir"
	fi
	as_bench test -w "$dir" || die "$BENCH_USER cannot write to $dir: choose another location"
}

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Run a command as the bench owner, with a clean PATH it can read.
as_bench() {
	local home
	home=$(getent passwd "$BENCH_USER" | cut -d: -f6)
	local envs=(HOME="$home" PATH="$TOOLS_DIR/bin:/usr/local/bin:/usr/bin:/bin" UV_NATIVE_TLS=1
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

ensure_system() {
	local missing=()
	command -v mariadb >/dev/null || missing+=(mariadb-server mariadb-client)
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v git >/dev/null || missing+=(git)
	command -v node >/dev/null || missing+=(nodejs npm)
	command -v cc >/dev/null || missing+=(build-essential)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
	[ -e /usr/include/python3.11/Python.h ] || [ -n "$(ls /usr/include/python3*/Python.h 2>/dev/null)" ] \
		|| missing+=(python3-dev)
	command -v rsync >/dev/null || missing+=(rsync)
	if [ ${#missing[@]} -gt 0 ]; then
		say "Installing system packages: ${missing[*]}"
		sudo_ apt-get update -qq
		sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
	fi
	if ! command -v yarn >/dev/null || [[ "$(yarn --version)" != 1.* ]]; then
		say "Installing yarn 1.x"
		sudo_ npm install -g --silent yarn@1
	fi
	if [ "$(id -u)" = 0 ] && ! id "$BENCH_USER" >/dev/null 2>&1; then
		say "Creating user $BENCH_USER to own the bench"
		useradd --create-home --shell /bin/bash "$BENCH_USER"
	fi
}

ensure_mariadb() {
	local cnf=/etc/mysql/mariadb.conf.d/99-gigafibre-frappe.cnf
	if [ ! -f "$cnf" ]; then
		say "Configuring MariaDB for Frappe (utf8mb4)"
		sudo_ mkdir -p "$(dirname "$cnf")"
		printf '%s\n' '[mysqld]' 'character-set-client-handshake = FALSE' \
			'character-set-server = utf8mb4' 'collation-server = utf8mb4_unicode_ci' \
			'[mysql]' 'default-character-set = utf8mb4' | sudo_ tee "$cnf" >/dev/null
		if sudo_ mariadb -e 'select 1' >/dev/null 2>&1; then
			sudo_ mariadb-admin shutdown || true
			for _ in $(seq 30); do sudo_ mariadb -e 'select 1' >/dev/null 2>&1 || break; sleep 1; done
		fi
	fi
	if ! sudo_ mariadb -e 'select 1' >/dev/null 2>&1; then
		say "Starting MariaDB"
		sudo_ mkdir -p /run/mysqld && sudo_ chown mysql:mysql /run/mysqld 2>/dev/null || true
		sudo_ start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
		for _ in $(seq 60); do sudo_ mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
	fi
	sudo_ mariadb -e 'select 1' >/dev/null 2>&1 || die "MariaDB is not running and could not be started"
	[ "$(sudo_ mariadb -Nse 'select @@character_set_server')" = utf8mb4 ] \
		|| die "MariaDB's server charset is not utf8mb4: restart it so it reads the config"
	# Frappe's installer asks for the root password on a terminal when it is empty:
	# give it an administrator with a password instead.
	# Frappe connects over TCP (127.0.0.1) and by socket (localhost): the account needs both hosts.
	local host
	for host in localhost 127.0.0.1; do
		sudo_ mariadb -e "CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			ALTER USER '$DB_ADMIN_USER'@'$host' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
			GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'$host' WITH GRANT OPTION; FLUSH PRIVILEGES;"
	done
}

ensure_redis() {
	local hostport=${REDIS_URL#redis://}; hostport=${hostport%%/*}
	if ! redis-cli -h "${hostport%:*}" -p "${hostport#*:}" ping >/dev/null 2>&1; then
		say "Starting Redis on $hostport"
		sudo_ mkdir -p /var/lib/redis /var/log/redis
		sudo_ redis-server --daemonize yes --bind "${hostport%:*}" --port "${hostport#*:}" --save "" \
			--appendonly no --dir /var/lib/redis --logfile /var/log/redis/gigafibre.log
		sleep 1
	fi
	redis-cli -h "${hostport%:*}" -p "${hostport#*:}" ping >/dev/null || die "Redis at $REDIS_URL does not answer"
}

ensure_bench_cli() {
	if [ ! -x "$TOOLS_DIR/bin/bench" ]; then
		say "Installing the bench CLI into $TOOLS_DIR"
		ensure_bench_user_dir "$TOOLS_DIR"
		as_bench python3 -m venv "$TOOLS_DIR"
		# setuptools 81 dropped pkg_resources, which Frappe 15 imports.
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

ensure_bench() {
	trust_local_repos
	if [ ! -f "$BENCH_DIR/apps/frappe/frappe/__init__.py" ]; then
		say "Creating the bench at $BENCH_DIR (Frappe from $FRAPPE_REPO @ $FRAPPE_BRANCH)"
		as_bench git ls-remote --heads "$FRAPPE_REPO" "$FRAPPE_BRANCH" >/dev/null 2>&1 \
			|| die "Frappe cannot be cloned from $FRAPPE_REPO ($FRAPPE_BRANCH): set FRAPPE_REPO to a reachable URL or local path"
		if [ -e "$BENCH_DIR" ] && [ -n "$(ls -A "$BENCH_DIR" 2>/dev/null)" ]; then
			die "$BENCH_DIR exists but is not a Frappe bench: remove it or set BENCH_DIR elsewhere"
		fi
		ensure_bench_user_dir "$(dirname "$BENCH_DIR")"
		if [ -d "$BENCH_DIR" ]; then rmdir "$BENCH_DIR"; fi
		as_bench bash -c 'cd "$(dirname "$0")" && bench init "$0" --frappe-path "$1" --frappe-branch "$2" \
			--python python3 --skip-redis-config-generation --no-backups --skip-assets' \
			"$BENCH_DIR" "$FRAPPE_REPO" "$FRAPPE_BRANCH" </dev/null
	fi
	if [ ! -f "$BENCH_DIR/.gigafibre-configured" ]; then
		# setuptools 81 dropped pkg_resources, which Frappe 15 imports.
		bench_pip 'setuptools<81' pytest
		bench_ set-config -g redis_cache "$REDIS_URL"
		bench_ set-config -g redis_queue "$REDIS_URL"
		bench_ set-config -g redis_socketio "$REDIS_URL"
		bench_ set-config -g webserver_port "$PORT"
		as_bench touch "$BENCH_DIR/.gigafibre-configured"
	fi
	if [ ! -f "$BENCH_DIR/apps/erpnext/erpnext/__init__.py" ]; then
		say "Adding ERPNext from $ERPNEXT_REPO @ $ERPNEXT_BRANCH"
		as_bench git ls-remote --heads "$ERPNEXT_REPO" "$ERPNEXT_BRANCH" >/dev/null 2>&1 \
			|| die "ERPNext cannot be cloned from $ERPNEXT_REPO ($ERPNEXT_BRANCH): set ERPNEXT_REPO to a reachable URL or local path"
		bench_ get-app --branch "$ERPNEXT_BRANCH" --skip-assets "$ERPNEXT_REPO" </dev/null
		bench_ build
	fi
}

# Put this checkout (not a copy made some other day) into the bench as the app.
install_checkout() {
	local target="$BENCH_DIR/apps/$APP"
	say "Installing this checkout ($CHECKOUT) into the bench"
	if as_bench test -r "$CHECKOUT/pyproject.toml" -a -x "$CHECKOUT/$APP"; then
		[ -L "$target" ] || as_bench rm -rf "$target"
		as_bench ln -sfn "$CHECKOUT" "$target"
	else
		# The bench user cannot read this checkout (e.g. under /root): copy it in.
		[ -L "$target" ] && as_bench rm -f "$target"
		sudo_ rsync -a --delete --exclude .git --exclude '__pycache__' "$CHECKOUT/" "$target/"
		sudo_ chown -R "$BENCH_USER": "$target"
	fi
	bench_pip -e "$target"
	# Prove the bench now imports this code and not an older copy.
	local imported expected
	imported=$(site_python -c 'import os, gigafibre_fsm; print(os.path.realpath(os.path.dirname(gigafibre_fsm.__file__)))')
	expected=$(cd "$target/$APP" && pwd -P)
	[ "$imported" = "$expected" ] || die "the bench imports $APP from $imported, not from $expected"
	say "The bench imports $APP from $imported"
	as_bench bash -c 'grep -qx "$1" "$0/sites/apps.txt" || printf "\n%s" "$1" >> "$0/sites/apps.txt";
		sed -i "/^$/d" "$0/sites/apps.txt"' "$BENCH_DIR" "$APP"
}

# new_site NAME: an ERPNext site (kept between runs).
ensure_site() {
	local site=$1
	if [ ! -f "$BENCH_DIR/sites/$site/site_config.json" ]; then
		say "Creating site $site with ERPNext"
		bench_ new-site "$site" --db-root-username "$DB_ADMIN_USER" --db-root-password "$DB_ADMIN_PASSWORD" \
			--admin-password "$ADMIN_PASSWORD" --install-app erpnext
	fi
}

ensure_app_on_site() {
	local site=$1
	if ! bench_ --site "$site" list-apps 2>/dev/null | grep -q "^$APP"; then
		say "Installing $APP on $site"
		bench_ --site "$site" install-app "$APP"
	fi
	say "Migrating $site"
	bench_ --site "$site" migrate
}

prepare_bench() {
	ensure_system
	ensure_mariadb
	ensure_redis
	ensure_bench_cli
	ensure_bench
}

prepare() {
	prepare_bench
	install_checkout
}

cmd_serve() {
	prepare
	ensure_site "$DEV_SITE"
	ensure_app_on_site "$DEV_SITE"
	say "Loading demo data into $DEV_SITE"
	bench_ --site "$DEV_SITE" execute gigafibre_fsm.demo.make_demo_data
	bench_ build --app "$APP" >/dev/null 2>&1 || bench_ build
	bench_ use "$DEV_SITE"
	say "Serving $DEV_SITE on http://localhost:$PORT (Administrator / $ADMIN_PASSWORD); Ctrl-C stops"
	# A background worker for queued jobs, stopped with the server.
	as_bench bash -c 'cd "$0" && { bench worker >/dev/null 2>&1 & }; worker=$!;
		trap "kill $worker 2>/dev/null" EXIT INT TERM; bench serve --port "$1" --noreload' \
		"$BENCH_DIR" "$PORT"
}

cmd_test() {
	[ -d "$BENCH_DIR" ] || say "No bench at $BENCH_DIR yet: building one (about 10 minutes)"
	prepare
	ensure_site "$TEST_SITE"
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

	say "Integration tests on $TEST_SITE (real ERPNext, MariaDB, Redis)"
	bench_ --site "$TEST_SITE" run-tests --app "$APP" 2>&1 | tee "$log_dir/integration.log" || rc=1

	say "Install -> migrate -> uninstall on $LIFECYCLE_SITE"
	site_python "$BENCH_DIR/apps/$APP/$APP/tests/lifecycle.py" "$LIFECYCLE_SITE" "$BENCH_DIR" 2>&1 \
		| tee "$log_dir/lifecycle.log" || rc=1

	site_python "$BENCH_DIR/apps/$APP/$APP/tests/summary.py" "$log_dir" "$CHECKOUT" || rc=1
	return $rc
}

case "${1:-}" in
	serve) cmd_serve ;;
	test) cmd_test ;;
	bench) prepare_bench ;;
	*) echo "usage: $0 serve|test|bench" >&2; exit 2 ;;
esac
