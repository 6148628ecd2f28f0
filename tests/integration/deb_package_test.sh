#!/usr/bin/env bash
# The Debian package end to end: cpack builds it from BUILD_DIR (or SCEPGATE_DEB names one
# already built), its control data and contents are checked, dpkg installs it, the scepgate user
# makes the data dir, the unit runs (through systemctl where systemd is PID 1, otherwise its
# ExecStart line as its User with its Environment, EnvironmentFile and UMask), micromdm's
# scepclient enrolls, the unit's ExecReload makes a new challenge count, and dpkg --purge takes
# everything away but /var/lib/scepgate (the CA keys), which the test then removes itself.
#
# usage: deb_package_test.sh BUILD_DIR. Needs root (exits 77, skipped, otherwise) and a machine
# where scepgate is not installed: it refuses to run beside an existing scepgate user, package,
# /usr/bin/scepgate, /etc/scepgate or /var/lib/scepgate.
BUILD=$(realpath "$1")
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "skipped: installing a package needs root"; exit 77; }
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is not installed"

UNIT=/lib/systemd/system/scepgate.service
DATA=/var/lib/scepgate
ENV_FILE=/etc/scepgate/scepgate.env
for p in /usr/bin/scepgate /usr/bin/scepgate-agent /etc/scepgate "$DATA" "$UNIT"; do
  [ ! -e "$p" ] || fail "$p exists: this test installs and purges the scepgate package; run it on a machine without one"
done
! getent passwd scepgate >/dev/null || fail "a scepgate user exists: run this test on a machine without scepgate"
! getent group scepgate >/dev/null || fail "a scepgate group exists: run this test on a machine without scepgate"
grep -q "not-installed\|^$" <<<"$(dpkg-query -W -f='${Status}' scepgate 2>/dev/null || true)" ||
  fail "the scepgate package is known to dpkg: purge it first"

INSTALLED=""
MAINPID=""
SYSTEMD=""
[ -d /run/systemd/system ] && SYSTEMD=1
deb_cleanup() {
  # The service first: userdel refuses a user that still runs a process.
  if [ -n "$SYSTEMD" ] && [ -n "$INSTALLED" ]; then systemctl stop scepgate 2>/dev/null || true; fi
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
  if [ -n "$INSTALLED" ]; then dpkg --purge scepgate >/dev/null 2>&1 || true; fi
  if [ -n "$INSTALLED" ]; then rm -rf "$DATA"; fi
  cleanup
}
trap deb_cleanup EXIT

# --- Build and inspect the package --------------------------------------------------------------
if [ -n "${SCEPGATE_DEB:-}" ]; then
  DEB=$(realpath "$SCEPGATE_DEB")
else
  [ -f "$BUILD/CPackConfig.cmake" ] || fail "$BUILD has no CPackConfig.cmake"
  (cd "$BUILD" && timeout 600 cpack -G DEB -B "$WORK/cpack" >"$WORK/cpack.log" 2>&1) ||
    { cat "$WORK/cpack.log" >&2; fail "cpack failed (are scepgate, scepgate-agent and scepgate-man built?)"; }
  DEB=$(find "$WORK/cpack" -maxdepth 1 -name 'scepgate_*.deb' -print -quit)
fi
[ -f "$DEB" ] || fail "no .deb built"
pass "package built: $(basename "$DEB")"

info=$(dpkg-deb -I "$DEB")
for want in "Package: scepgate" "Section: net" " conffiles" " postinst" " prerm" " postrm"; do
  grep -qF "$want" <<<"$info" || { echo "$info" >&2; fail "dpkg-deb -I lacks '$want'"; }
done
depends=$(dpkg-deb -f "$DEB" Depends)
for dep in adduser libssl3 libsqlite3-0 libpq5; do
  grep -q "\b$dep\b" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
[ "$(dpkg-deb -f "$DEB" Architecture)" = "$(dpkg --print-architecture)" ] || fail "wrong Architecture"
[ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)" = /etc/scepgate/scepgate.env ] ||
  fail "conffiles is not /etc/scepgate/scepgate.env alone"

contents=$(dpkg-deb -c "$DEB")
# mode owner path, as `dpkg-deb -c` prints them.
expect_entry() {
  grep -qE "^$1 $2 .* \./${3#/}$" <<<"$contents" || { echo "$contents" >&2; fail "the package lacks $3 ($1 $2)"; }
}
expect_entry -rwxr-xr-x root/root /usr/bin/scepgate
expect_entry -rwxr-xr-x root/root /usr/bin/scepgate-agent
expect_entry -rw-r--r-- root/root "$UNIT"
expect_entry -rw-r--r-- root/root "$ENV_FILE"
expect_entry -rw-r--r-- root/root /usr/share/man/man1/scepgate.1.gz
expect_entry -rw-r--r-- root/root /usr/share/man/man1/scepgate-agent.1.gz
expect_entry -rw-r--r-- root/root /usr/share/bash-completion/completions/scepgate
expect_entry -rw-r--r-- root/root /usr/share/bash-completion/completions/scepgate-agent
expect_entry -rw-r--r-- root/root /usr/share/doc/scepgate/README.md
! grep -q "var/lib" <<<"$contents" || fail "the package ships /var/lib: the data dir is made by postinst and never purged"
others=$(grep -v " root/root " <<<"$contents" || true)
[ -z "$others" ] || fail "files in the package not owned by root: $others"
pass "package control data and contents"

# --- Install -------------------------------------------------------------------------------------
INSTALLED=1
dpkg -i "$DEB" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "dpkg -i failed"; }
grep -q "scepgate init" "$WORK/install.log" || { cat "$WORK/install.log" >&2; fail "postinst did not say how to make the data dir"; }
[ "$(getent passwd scepgate | cut -d: -f6,7)" = "$DATA:/usr/sbin/nologin" ] ||
  fail "scepgate user: $(getent passwd scepgate)"
[ "$(id -u scepgate)" -lt 1000 ] || fail "scepgate is not a system user"
[ "$(stat -c '%a %U:%G' "$DATA")" = "700 scepgate:scepgate" ] || fail "$DATA is $(stat -c '%a %U:%G' "$DATA")"
[ "$(stat -c '%a %U:%G' /etc/scepgate)" = "750 root:scepgate" ] || fail "/etc/scepgate is $(stat -c '%a %U:%G' /etc/scepgate)"
grep -q "$ENV_FILE" <<<"$(dpkg-query -W -f='${Conffiles}' scepgate)" || fail "$ENV_FILE is not a conffile"
[ -z "$(find /etc/systemd/system -name scepgate.service 2>/dev/null)" ] ||
  fail "the unit was enabled without a data dir"
pass "installed: user, $DATA 0700, /etc/scepgate 0750 root:scepgate, unit not enabled"

if command -v readelf >/dev/null; then
  for b in /usr/bin/scepgate /usr/bin/scepgate-agent; do
    flags=$(readelf -d "$b")
    grep -q "NOW PIE" <<<"$flags" || fail "$b is not a PIE with full RELRO (BIND_NOW)"
    grep -q GNU_RELRO <<<"$(readelf -l "$b")" || fail "$b has no RELRO segment"
  done
fi
/usr/bin/scepgate --help >/dev/null || fail "/usr/bin/scepgate --help"
/usr/bin/scepgate-agent --help >/dev/null || fail "/usr/bin/scepgate-agent --help"
if command -v man >/dev/null; then
  [ "$(man -w scepgate)" = /usr/share/man/man1/scepgate.1.gz ] || fail "man -w scepgate: $(man -w scepgate)"
  man_err=$(MANWIDTH=100 man --warnings scepgate-agent 2>&1 >/dev/null)
  [ -z "$man_err" ] || fail "man scepgate-agent warns: $man_err"
fi
completion=$(bash -c 'source /usr/share/bash-completion/completions/scepgate
  COMP_WORDS=(scepgate ca ""); COMP_CWORD=2; _scepgate; echo "${COMPREPLY[*]}"')
grep -qw rollover <<<"$completion" || fail "bash completion of 'scepgate ca' offers: $completion"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$UNIT" >"$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log" >&2; fail "systemd-analyze verify"; }
  ! grep -q scepgate "$WORK/verify.log" || { cat "$WORK/verify.log" >&2; fail "systemd-analyze verify warns about the unit"; }
  # Its sandbox, rated as `systemd-analyze security` rates it (0 best, 10 worst): at most 2.0.
  if grep -q -- --offline <<<"$(systemd-analyze --help 2>/dev/null || true)"; then
    systemd-analyze security --offline=true --threshold=20 "$UNIT" >"$WORK/security.log" 2>&1 ||
      { cat "$WORK/security.log" >&2; fail "systemd-analyze security rates the unit above 2.0"; }
  fi
  pass "systemd-analyze verify, security: $(grep -o 'exposure level.*' "$WORK/security.log" 2>/dev/null || echo n/a)"
fi
pass "binaries, man pages and completion installed"

# --- The data dir, made as the scepgate user ---------------------------------------------------
as_scepgate() { (cd / && runuser -u scepgate -- "$@"); }
# As the postinst note says: the challenge on standard input, never on the command line.
echo deb-secret | as_scepgate scepgate init --dir "$DATA" --name DebTest --challenge-file - \
  >/dev/null || fail "scepgate init as the scepgate user"
as_scepgate sed -i 's/^legacy_algorithms = false/legacy_algorithms = true/' "$DATA/scepgate.toml"
PORT=$(free_port)
ADMIN_PORT=$(free_port)
URL="http://127.0.0.1:$PORT/scep"
sed -i "s|^SCEPGATE_SERVE_ARGS=.*|SCEPGATE_SERVE_ARGS=--listen 127.0.0.1:$PORT --admin-listen 127.0.0.1:$ADMIN_PORT|" "$ENV_FILE"

# --- Start the unit ----------------------------------------------------------------------------
unit_value() { sed -n "s/^$1=//p" "$UNIT"; }
condition=$(unit_value ConditionPathExists)
[ -e "$condition" ] || fail "the unit's ConditionPathExists=$condition does not hold after init"
if [ -n "$SYSTEMD" ]; then
  systemctl daemon-reload
  systemctl start scepgate || { systemctl status scepgate >&2 || true; fail "systemctl start scepgate"; }
  MAINPID=$(systemctl show -p MainPID --value scepgate)
  how="systemctl"
else
  # The unit's command line, user, environment and umask (the sandbox needs systemd).
  env_args=()
  for e in $(unit_value Environment); do env_args+=("$e"); done
  env_file=$(unit_value EnvironmentFile)
  env_file=${env_file#-}
  while IFS= read -r line; do
    [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && env_args+=("$line")
  done <"$env_file"
  read -ra exec_words <<<"$(unit_value ExecStart)"
  argv=()
  for w in "${exec_words[@]}"; do
    if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      value=$(env -i "${env_args[@]}" printenv "${BASH_REMATCH[1]}" || true)
      read -ra split <<<"$value"
      argv+=(${split[@]+"${split[@]}"})
    else
      argv+=("$w")
    fi
  done
  user=$(unit_value User)
  group=$(unit_value Group)
  (cd / && umask "$(unit_value UMask)" &&
    exec setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
      --inh-caps=-all --bounding-set=-all -- \
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_args[@]}" "${argv[@]}") >>"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  MAINPID=$SERVER_PID
  how="its ExecStart as $user: ${argv[*]}"
fi
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || fail "the service did not answer /healthz"
[ "$(stat -c %U "/proc/$MAINPID")" = scepgate ] || fail "the service does not run as scepgate"
pass "unit started ($how)"

# --- Enroll, reload, enroll with the new challenge ---------------------------------------------
scep_enroll deb-device deb-secret
openssl verify -CAfile "$DATA/ca/root.crt" -untrusted "$DATA/ca/issuing.crt" "$WORK/deb-device.pem" >/dev/null ||
  fail "the certificate does not chain to the package's CA"
pass "scepclient enrolled"

as_scepgate sed -i -E "s/^challenge = [\"']deb-secret[\"']\$/challenge = 'deb-rotated'/" "$DATA/scepgate.toml"
grep -q "^challenge = 'deb-rotated'" "$DATA/scepgate.toml" || fail "the challenge line of scepgate.toml was not found"
if [ -n "$SYSTEMD" ]; then
  systemctl reload scepgate || fail "systemctl reload scepgate"
else
  reload=$(unit_value ExecReload)
  ${reload//\$MAINPID/$MAINPID} || fail "ExecReload: $reload"
fi
reloaded=""
for _ in $(seq 1 50); do
  rm -rf "$WORK/rotated" && mkdir "$WORK/rotated"
  if timeout 60 scepclient -private-key "$WORK/rotated/key.pem" -server-url "$URL" \
    -challenge deb-rotated -cn deb-rotated >"$WORK/rotated.log" 2>&1; then reloaded=1; break; fi
  sleep 0.2
done
[ -n "$reloaded" ] || { cat "$WORK/rotated.log" >&2; fail "the new challenge does not enroll after ExecReload"; }
kill -0 "$MAINPID" || fail "the service died on reload"
mkdir "$WORK/old"
if timeout 60 scepclient -private-key "$WORK/old/key.pem" -server-url "$URL" -challenge deb-secret \
  -cn deb-old >"$WORK/old.log" 2>&1; then fail "the old challenge still enrolls after ExecReload"; fi
pass "ExecReload (SIGHUP) made the new challenge count, and the old one not"

as_scepgate scepgate reload --dir "$DATA" >/dev/null || fail "scepgate reload as the scepgate user"
strays=$(find "$DATA" ! -user scepgate)
[ -z "$strays" ] || fail "files in $DATA not owned by scepgate: $strays"
[ -z "$(find "$DATA/ca" -name '*.key' -perm /077)" ] || fail "a CA key is readable by others"

# --- Stop and purge ----------------------------------------------------------------------------
if [ -n "$SYSTEMD" ]; then
  systemctl stop scepgate
else
  kill -TERM "$MAINPID"
  wait "$MAINPID" 2>/dev/null || true
  SERVER_PID=""
fi
! curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || fail "the service still answers after stop"
pass "service stopped"

# The symlink that enables the unit.
WANTS=/etc/systemd/system/multi-user.target.wants/scepgate.service

# Reinstalled over itself (an upgrade) with a data dir: the data is untouched, and the unit stays
# as the administrator left it (started by hand here, never enabled).
dpkg -i "$DEB" >"$WORK/reinstall.log" 2>&1 || { cat "$WORK/reinstall.log" >&2; fail "dpkg -i over the installed package"; }
[ -f "$DATA/scepgate.db" ] && [ -z "$(find "$DATA" ! -user scepgate)" ] || fail "the upgrade changed the data dir"
[ ! -e "$WANTS" ] || fail "the upgrade enabled a unit the administrator had not enabled"
! grep -q "scepgate init" "$WORK/reinstall.log" || fail "the upgrade asked for a data dir that exists"
pass "upgrade kept the data dir and the unit's state"

dpkg --purge scepgate >"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log" >&2; fail "dpkg --purge failed"; }
grep -q "$DATA was kept" "$WORK/purge.log" || { cat "$WORK/purge.log" >&2; fail "purge did not say the data dir was kept"; }
[ ! -e /usr/bin/scepgate ] || fail "/usr/bin/scepgate is still there"
[ ! -e "$UNIT" ] || fail "$UNIT is still there"
[ ! -e /etc/scepgate ] || fail "/etc/scepgate is still there"
! getent passwd scepgate >/dev/null || fail "the scepgate user is still there"
! getent group scepgate >/dev/null || fail "the scepgate group is still there"
leftovers=$(find /etc/systemd /var/lib/systemd -name '*scepgate*' 2>/dev/null || true)
[ -z "$leftovers" ] || fail "purge left systemd state behind: $leftovers"
[ -f "$DATA/ca/issuing.key" ] && [ -f "$DATA/scepgate.db" ] || fail "purge removed the data dir"
grep -q "not-installed\|^$" <<<"$(dpkg-query -W -f='${Status}' scepgate 2>/dev/null || true)" ||
  fail "dpkg still knows the package"
pass "purged: binaries, unit, /etc/scepgate and the user gone, $DATA kept"

# Installed again on the kept data dir, now owned by a uid nobody has (as when the new scepgate
# user gets another uid): postinst gives it to the new user and enables the unit.
orphan=3999999
! getent passwd "$orphan" >/dev/null || fail "uid $orphan exists"
chown -R "$orphan:$orphan" "$DATA"
dpkg -i "$DEB" >"$WORK/again.log" 2>&1 || { cat "$WORK/again.log" >&2; fail "dpkg -i on a kept data dir"; }
grep -q "belonged to a removed user" "$WORK/again.log" || { cat "$WORK/again.log" >&2; fail "postinst did not say it took the data dir over"; }
strays=$(find "$DATA" ! -user scepgate -o ! -group scepgate)
[ -z "$strays" ] || fail "not given to the new scepgate user: $strays"
[ -L "$WANTS" ] || fail "the unit is not enabled although the data dir exists"
as_scepgate scepgate ca show --dir "$DATA" >/dev/null || fail "the new scepgate user cannot read the kept data dir"
pass "reinstalled on the kept data dir: given to the new user, unit enabled"
dpkg --purge scepgate >"$WORK/purge2.log" 2>&1 || { cat "$WORK/purge2.log" >&2; fail "the second dpkg --purge failed"; }
[ ! -e "$WANTS" ] || fail "purge left the unit enabled"
! getent passwd scepgate >/dev/null || fail "the scepgate user is still there"
rm -rf "$DATA"
INSTALLED=""
pass "purged again; the test removed $DATA"

# Installed and purged before any data dir was made: nothing stays, /var/lib/scepgate included.
INSTALLED=1
dpkg -i "$DEB" >/dev/null 2>&1 || fail "dpkg -i (third time)"
dpkg --purge scepgate >"$WORK/purge3.log" 2>&1 || { cat "$WORK/purge3.log" >&2; fail "dpkg --purge (third time)"; }
[ ! -e "$DATA" ] || fail "purge kept an empty $DATA"
! grep -q "was kept" "$WORK/purge3.log" || fail "purge says it kept an empty data dir"
INSTALLED=""
pass "install and purge without a data dir leave nothing"
