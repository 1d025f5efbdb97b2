#!/usr/bin/env bash
# Proves that the README's commands work on a brand-new Debian 12 machine: builds a minimal
# Debian 12 (bookworm) root filesystem with debootstrap, clones this repository into it and,
# as root inside it, runs `bash scripts/bench.sh test` and then `bash scripts/bench.sh serve`,
# which must install everything they need by themselves. The served site is then checked
# over HTTP (ping, Administrator login, demo data).
#
#   sudo env FRAPPE_REPO=... ERPNEXT_REPO=... bash scripts/fresh-machine-check.sh [FOLDER]
#   (default FOLDER: /var/tmp/gigafibre-fresh)
#
# Takes 15-60 minutes (mostly downloads) and a few GB of disk; not run by CI. The machine
# running it needs root, debootstrap (installed with apt when missing), mount and chroot.
# The chroot shares this machine's network, so its MariaDB, Redis and web server use their
# own ports (3307, 6380, 8010 by default), which must be free; this machine's own services
# are never touched. Only committed code is checked: the clone has no uncommitted changes.
#
# Settings (environment):
#   REPO, REF             repository to clone (default the one holding this script) and the
#                         commit to check out (default its HEAD)
#   FRAPPE_REPO, ERPNEXT_REPO      URLs or local paths (a local folder is bind-mounted read-only
#                         into the chroot), FRAPPE_BRANCH, ERPNEXT_BRANCH: passed to bench.sh
#   DB_PORT, REDIS_PORT, PORT      ports inside the chroot (default 3307, 6380, 8010)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR   default: the ones this machine's apt uses
#   KEEP_ROOTFS=1         keep the folder after a successful check (it is kept after a failure)
#   REUSE_ROOTFS=1        reuse a folder made by an earlier run instead of a new debootstrap
#                         (to debug bench.sh; the check is only meaningful on a new one)
#   TEST_TIMEOUT, SERVE_TIMEOUT    seconds (default 10800 and 3600)
#
# This machine's CA certificates, pip and npm settings (/etc/pip.conf, /etc/npmrc,
# /usr/etc/npmrc), its apt Acquire settings and CA-related environment variables are copied
# in, so that the chroot reaches the same package registries as this machine.
set -euo pipefail

SCRIPT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=${1:-/var/tmp/gigafibre-fresh}
REPO=${REPO:-$SCRIPT_REPO}
REF=${REF:-HEAD}
FRAPPE_REPO=${FRAPPE_REPO:-https://github.com/frappe/frappe}
ERPNEXT_REPO=${ERPNEXT_REPO:-https://github.com/frappe/erpnext}
FRAPPE_BRANCH=${FRAPPE_BRANCH:-version-15}
ERPNEXT_BRANCH=${ERPNEXT_BRANCH:-version-15}
DB_PORT=${DB_PORT:-3307}
REDIS_PORT=${REDIS_PORT:-6380}
PORT=${PORT:-8010}
TEST_TIMEOUT=${TEST_TIMEOUT:-10800}
SERVE_TIMEOUT=${SERVE_TIMEOUT:-3600}
SUITE=bookworm
CHECKOUT_IN_ROOT=/root/gigafibre_fsm
MARKER=.gigafibre-fresh-machine-check
# Settings files that make pip and npm reach their registries from this machine.
SETTINGS_FILES=(/etc/pip.conf /etc/npmrc /usr/etc/npmrc)
# Environment variables passed into the chroot when set here (CA bundles, proxies).
PASS_ENV=(SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE CURL_CA_BUNDLE NODE_EXTRA_CA_CERTS PIP_CERT
	GIT_SSL_CAINFO PIP_DEFAULT_TIMEOUT http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY)

say() { printf '\n=== %s\n' "$*"; }
die() { printf '\nfresh-machine-check: ERROR: %s\n' "$*" >&2; exit 1; }

# Last lines of a phase's log.
show_tail() {
	printf -- '--- last %s lines of %s ---\n' "$2" "$1"
	# Progress bars redraw a line with carriage returns: keep what a terminal shows.
	sed 's/.*\r//' "$1" | tail -n "$2" || true
	printf -- '---\n'
}

[ "$(id -u)" = 0 ] || die "run it as root (debootstrap, mount and chroot need it)"
case "$ROOT" in /*) ;; *) die "FOLDER must be an absolute path" ;; esac
ROOT=$(realpath -m "$ROOT")
[ "$ROOT" != / ] && [ "$(dirname "$ROOT")" != / ] || die "FOLDER $ROOT is too close to /: choose e.g. /var/tmp/gigafibre-fresh"
LOGS="$ROOT.logs"

mounts_under_root() {
	# Mount points inside the chroot, deepest first.
	awk -v root="$ROOT/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Processes whose root is the chroot: only ever ones this check started there.
chroot_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$ROOT" ] && printf '%s\n' "${p#/proc/}"
	done
	return 0
}

SERVE_PID=
stop_chroot() {
	if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
		kill -TERM -- "-$SERVE_PID" 2>/dev/null || kill -TERM "$SERVE_PID" 2>/dev/null || true
		for _ in $(seq 20); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 1; done
	fi
	SERVE_PID=
	if [ -x "$ROOT/usr/bin/mariadb-admin" ] && [ -n "$(chroot_pids)" ]; then
		# Through the chroot's own socket: never this machine's MariaDB.
		chroot "$ROOT" /usr/bin/mariadb-admin shutdown >/dev/null 2>&1 || true
	fi
	local pids
	pids=$(chroot_pids)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null || true
		for _ in $(seq 30); do [ -z "$(chroot_pids)" ] && break; sleep 1; done
		pids=$(chroot_pids)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
	fi
}

unmount_all() {
	local m
	for m in $(mounts_under_root); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
}

cleanup() {
	local status=$?
	stop_chroot
	unmount_all
	[ -z "$(mounts_under_root)" ] || printf 'fresh-machine-check: still mounted under %s:\n%s\n' "$ROOT" "$(mounts_under_root)" >&2
	exit "$status"
}

port_owner_outside() {
	# PIDs listening on a TCP port that do not belong to the chroot.
	local port=$1 pid
	for pid in $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] || printf '%s\n' "$pid"
	done
}

mirror_from_host() {
	# The Debian archive (or its security archive) this machine's apt uses.
	local want=$1 url
	url=$(
		{
			grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
			grep -hsE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
				| sed -E 's/\[[^]]*\]//' | awk '{ print $2 }'
		} | grep -E '^https?://' | if [ "$want" = security ]; then grep 'debian-security'; else grep -v 'security' | grep '/debian/\?$'; fi \
			| head -n 1
	) || true
	printf '%s' "${url%/}"
}

## Preflight ################################################################################

[ -d "$REPO/.git" ] || die "REPO=$REPO is not a git repository"
for tool in git curl mount chroot setsid ss; do
	command -v "$tool" >/dev/null || die "$tool is needed on this machine"
done
if ! command -v debootstrap >/dev/null; then
	say "Installing debootstrap"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
		|| die "cannot install debootstrap with apt-get"
fi
for port in "$DB_PORT" "$REDIS_PORT" "$PORT"; do
	[ -z "$(port_owner_outside "$port")" ] || die "port $port is in use on this machine (the chroot shares its network): free it or choose another (DB_PORT, REDIS_PORT, PORT)"
done

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Leftovers of an interrupted run in this folder.
stop_chroot
unmount_all
[ -z "$(mounts_under_root)" ] || die "cannot unmount everything under $ROOT: $(mounts_under_root | tr '\n' ' ')"

mkdir -p "$LOGS"
rm -f "$LOGS"/*.log

## Root filesystem ##########################################################################

MIRROR=${DEBIAN_MIRROR:-$(mirror_from_host main)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(mirror_from_host security)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ "${REUSE_ROOTFS:-}" = 1 ] && [ -f "$ROOT/$MARKER" ]; then
	say "Reusing the root filesystem in $ROOT (REUSE_ROOTFS=1)"
else
	if [ -e "$ROOT" ]; then
		[ -f "$ROOT/$MARKER" ] || [ -z "$(ls -A "$ROOT")" ] \
			|| die "$ROOT exists and was not made by this check: remove it or choose another FOLDER"
		say "Removing the previous root filesystem in $ROOT"
		rm -rf --one-file-system "$ROOT"
	fi
	say "Making a minimal Debian 12 root filesystem in $ROOT (debootstrap --variant=minbase $SUITE $MIRROR)"
	if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
		show_tail "$LOGS/debootstrap.log" 30
		die "debootstrap failed"
	fi
	touch "$ROOT/$MARKER"
	show_tail "$LOGS/debootstrap.log" 3
fi

say "Configuring apt, CA certificates, pip and npm settings in the chroot"
{
	printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$MIRROR" "$SUITE" "$SUITE"
	[ ! -f "$ROOT/usr/share/keyrings/debian-archive-keyring.gpg" ] \
		|| printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
	printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$SECURITY_MIRROR" "$SUITE"
	[ ! -f "$ROOT/usr/share/keyrings/debian-archive-keyring.gpg" ] \
		|| printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
} >"$ROOT/etc/apt/sources.list.d/debian.sources"
rm -f "$ROOT/etc/apt/sources.list"
# This machine's apt network settings (proxies, CA, validity checks).
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
	if [ -f "$f" ] && grep -q 'Acquire::' "$f"; then cp "$f" "$ROOT$f"; fi
done
# As in a container: packages start no services; bench.sh starts what it needs.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/usr/local/share/ca-certificates"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
# Local CAs survive update-ca-certificates when the ca-certificates package comes in.
if [ -d /usr/local/share/ca-certificates ]; then
	cp -r /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
fi
for f in "${SETTINGS_FILES[@]}"; do
	if [ -f "$f" ]; then mkdir -p "$ROOT$(dirname "$f")" && cp "$f" "$ROOT$f"; fi
done
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp /etc/hosts "$ROOT/etc/hosts"

say "Mounting /proc, /sys, /dev, /dev/pts in the chroot"
mount --bind /proc "$ROOT/proc" && mount --make-rslave "$ROOT/proc"
mount --bind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
mount --bind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts" && mount --make-rslave "$ROOT/dev/pts"
# Its own shared memory (Python's multiprocessing), not this machine's.
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/dev/shm"

# A local repository is bind-mounted read-only; a URL is used as it is.
mirror_in_root() {
	local source=$1 name=$2
	if [ -d "$source" ]; then
		mkdir -p "$ROOT/mirrors/$name"
		mount --bind "$source" "$ROOT/mirrors/$name"
		mount -o remount,bind,ro "$ROOT/mirrors/$name"
		mount --make-rslave "$ROOT/mirrors/$name"
		printf '/mirrors/%s' "$name"
	else
		printf '%s' "$source"
	fi
}
FRAPPE_IN_ROOT=$(mirror_in_root "$FRAPPE_REPO" frappe)
ERPNEXT_IN_ROOT=$(mirror_in_root "$ERPNEXT_REPO" erpnext)

say "Cloning $REPO into the chroot ($CHECKOUT_IN_ROOT)"
rm -rf --one-file-system "${ROOT:?}$CHECKOUT_IN_ROOT"
git clone --quiet --no-hardlinks "$REPO" "$ROOT$CHECKOUT_IN_ROOT"
if [ "$REF" != HEAD ]; then
	git -C "$ROOT$CHECKOUT_IN_ROOT" checkout --quiet "$REF" || die "REF=$REF is not in $REPO"
fi
CLONED=$(git -C "$ROOT$CHECKOUT_IN_ROOT" log -1 --format='%h %s')
printf 'cloned %s\n' "$CLONED"

# The environment of a root login on the new machine, plus this machine's CA/proxy variables.
ENVS=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb
	FRAPPE_REPO="$FRAPPE_IN_ROOT" ERPNEXT_REPO="$ERPNEXT_IN_ROOT"
	FRAPPE_BRANCH="$FRAPPE_BRANCH" ERPNEXT_BRANCH="$ERPNEXT_BRANCH"
	DB_PORT="$DB_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" PORT="$PORT")
for var in "${PASS_ENV[@]}"; do
	if [ -n "${!var:-}" ]; then ENVS+=("$var=${!var}"); fi
done
# A root shell in the clone, inside the chroot.
IN_CHROOT=(chroot "$ROOT" /usr/bin/env -i "${ENVS[@]}" /bin/bash -c 'cd "$0" && exec "$@"' "$CHECKOUT_IN_ROOT")

## The test command #########################################################################

say "Running the README's test command in the chroot: bash scripts/bench.sh test (log: $LOGS/test.log)"
START=$(date +%s)
set +e
timeout "$TEST_TIMEOUT" "${IN_CHROOT[@]}" bash scripts/bench.sh test </dev/null >"$LOGS/test.log" 2>&1
TEST_RC=$?
set -e
printf 'test command: exit %s after %s min\n' "$TEST_RC" $((($(date +%s) - START) / 60))
show_tail "$LOGS/test.log" 15
SUMMARY=$(grep -E '^summary: ' "$LOGS/test.log" | tail -n 1 | sed 's/^summary: //' || true)
SUMMARY=${SUMMARY:-no summary line}

## The run command ##########################################################################

say "Running the README's run command in the chroot: bash scripts/bench.sh serve (log: $LOGS/serve.log)"
SERVE_STATUS="not checked"
START=$(date +%s)
# In its own process group, so that stopping it stops the server and its worker.
setsid "${IN_CHROOT[@]}" bash scripts/bench.sh serve </dev/null >"$LOGS/serve.log" 2>&1 &
SERVE_PID=$!
BASE="http://127.0.0.1:$PORT"
up=
while [ $(($(date +%s) - START)) -lt "$SERVE_TIMEOUT" ]; do
	if curl -fsS --max-time 5 "$BASE/api/method/ping" 2>/dev/null | grep -q pong; then up=1; break; fi
	kill -0 "$SERVE_PID" 2>/dev/null || break
	sleep 5
done
{
	if [ -z "$up" ]; then
		if kill -0 "$SERVE_PID" 2>/dev/null; then SERVE_STATUS="FAILED (no answer on $BASE after ${SERVE_TIMEOUT}s)"
		else SERVE_STATUS="FAILED (serve stopped before answering)"; fi
	else
		printf 'ping: %s\n' "$(curl -fsS --max-time 10 "$BASE/api/method/ping")"
		jar=$(mktemp)
		login=$(curl -sS --max-time 30 -c "$jar" -H 'Content-Type: application/json' \
			-d '{"usr": "Administrator", "pwd": "admin"}' "$BASE/api/method/login" || true)
		printf 'login as Administrator: %s\n' "$login"
		count=$(curl -sS --max-time 30 -b "$jar" -G --data-urlencode 'doctype=Service Location' \
			"$BASE/api/method/frappe.client.get_count" || true)
		printf 'Service Location count: %s\n' "$count"
		customers=$(curl -sS --max-time 30 -b "$jar" -G --data-urlencode 'doctype=Customer' \
			"$BASE/api/method/frappe.client.get_count" || true)
		printf 'Customer count: %s\n' "$customers"
		rm -f "$jar"
		n=$(printf '%s' "$count" | sed -nE 's/.*"message": *([0-9]+).*/\1/p')
		if ! printf '%s' "$login" | grep -q 'Logged In'; then SERVE_STATUS="FAILED (Administrator login)"
		elif [ -z "$n" ] || [ "$n" -lt 1 ]; then SERVE_STATUS="FAILED (no demo Service Location)"
		else SERVE_STATUS="OK (ping, Administrator login, $n demo Service Locations)"; fi
	fi
	printf 'serve: %s after %s min\n' "$SERVE_STATUS" $((($(date +%s) - START) / 60))
} 2>&1 | tee "$LOGS/checks.log"
SERVE_STATUS=$(sed -n 's/^serve: \(.*\) after [0-9]* min$/\1/p' "$LOGS/checks.log")
show_tail "$LOGS/serve.log" 15

say "Stopping serve and the chroot's MariaDB and Redis"
stop_chroot
[ -z "$(chroot_pids)" ] && echo "nothing left running in the chroot"

# bench.sh configures MariaDB through its own option file only.
CONFIG="MariaDB stock config untouched"
if [ -d "$ROOT/etc/mysql" ]; then
	changed=$(chroot "$ROOT" dpkg --verify mysql-common mariadb-common mariadb-server mariadb-server-core 2>/dev/null \
		| grep ' /etc/' || true)
	[ -z "$changed" ] || CONFIG="MariaDB stock config CHANGED: $changed"
fi
OWN=$ROOT/etc/mysql/mariadb.conf.d/99-gigafibre-frappe.cnf
echo "$CONFIG; bench.sh's own option file ${OWN#"$ROOT"}: $(grep -E '^(port|character-set-server)' "$OWN" 2>/dev/null | sort -u | tr '\n' ' ')"

unmount_all
if [ "$TEST_RC" = 0 ] && [[ "$SERVE_STATUS" == OK* ]] && [ "${KEEP_ROOTFS:-}" != 1 ]; then
	[ -z "$(mounts_under_root)" ] && rm -rf --one-file-system "$ROOT"
	RESULT="root filesystem removed"
else
	RESULT="root filesystem kept in $ROOT"
fi
printf '\nfresh-machine-check: cloned %s; logs in %s; %s\n' "$CLONED" "$LOGS" "$RESULT"
# Each layer's result line, the last the test command printed for it.
for layer in unit upgrade integration lifecycle; do
	sed 's/.*\r//' "$LOGS/test.log" | grep -aE "^$layer: " | tail -n 1 | sed 's/^/  /' || true
done
printf 'fresh-machine-check: test command exit %s (summary: %s), serve %s\n' "$TEST_RC" "$SUMMARY" "$SERVE_STATUS"
[ "$TEST_RC" = 0 ] && [[ "$SERVE_STATUS" == OK* ]]
