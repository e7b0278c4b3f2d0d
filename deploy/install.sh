#!/bin/bash
# Turn a fresh Debian 12 machine into a locked-down BOM kiosk, or upgrade one. Run as root from
# a checkout:
#   sudo bash deploy/install.sh              # install, or upgrade to this checkout
#   sudo bash deploy/install.sh --rollback   # back to the release before the current one
# Idempotent: running it again updates the code, units and files and keeps the data, the
# configuration and the PIN. See "Deployment" in docs/operations.md for what each step is for.
#
# The code: each checkout becomes a release, /opt/bom-kiosk/releases/<version>-<commit>-<hash>
# (<hash>: of the files, so a release never changes once built), with its own .venv holding
# exactly requirements.lock (pip --require-hashes: the pinned versions, files with the locked
# sha256, nothing resolved on the kiosk) and the project itself (--no-deps). The switch is one
# rename of the symbolic link /opt/bom-kiosk/current; /opt/bom-kiosk/.venv and
# /opt/bom-kiosk/deploy, which the units name, point through it. /opt/bom-kiosk/previous names
# the release before; --rollback swaps the two, installs that release's units and restarts the
# kiosk. The three newest releases are kept.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
APP=/opt/bom-kiosk
RELEASES=$APP/releases
ETC=/etc/bom-kiosk
USER_=kiosk
KEEP=3
# Installed from the release's deploy/ and enabled (all but the sync service, which the timer
# and the path unit start).
UNITS=(bom-kiosk.service bom-kiosk-sync.service bom-kiosk-sync.timer bom-kiosk-sync.path)

mode=install
case "${1:-}" in
    "") ;;
    --rollback) mode=rollback ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (deploy/install.sh [--rollback])" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
    echo "run as root: sudo bash deploy/install.sh" >&2
    exit 2
fi

# Booted with systemd (the test sd_booted() makes). Not in a chroot or an image build: there
# the units are installed and enabled, and start at the next boot.
systemd_running() { [ -d /run/systemd/system ]; }

release_of() {  # the release a link points at, or nothing
    local target
    target=$(readlink "$1" 2>/dev/null) || return 0
    basename "$target"
}

switch_link() {  # switch_link NAME RELEASE: $APP/NAME -> releases/RELEASE in one rename
    ln -sfn "releases/$2" "$APP/.$1.new"
    mv -T "$APP/.$1.new" "$APP/$1"
}

# The units of a release's deploy/ folder into /etc/systemd/system, checked and enabled.
install_units() {
    local deploy=$1 unit paths=() enable=()
    for unit in "${UNITS[@]}"; do
        if [ -e "$deploy/$unit" ]; then
            install -m 0644 "$deploy/$unit" /etc/systemd/system/
            paths+=("/etc/systemd/system/$unit")
            [ "$unit" = bom-kiosk-sync.service ] || enable+=("$unit")
        elif [ -e "/etc/systemd/system/$unit" ]; then  # a release (rolled back to) without it
            if systemd_running; then
                systemctl disable --now --quiet "$unit" || true
            else
                systemctl disable --quiet "$unit" || true
            fi
            rm -f "/etc/systemd/system/$unit"
        fi
    done
    systemd-analyze verify "${paths[@]}" || return 1
    if systemd_running; then
        systemctl daemon-reload
    else
        echo "-- systemd is not running here (a chroot or an image build): no daemon-reload," \
             "no restart; the units start at the next boot"
    fi
    systemctl enable --quiet "${enable[@]}"
}

restart_kiosk() {  # the kiosk only if it runs; the sync's next run takes the new code
    if systemd_running; then
        systemctl try-restart bom-kiosk.service
        echo "-- bom-kiosk.service restarted if it was running: $(systemctl is-active bom-kiosk.service || true)"
    fi
}

if [ "$mode" = rollback ]; then
    cur=$(release_of "$APP/current")
    prev=$(release_of "$APP/previous")
    if [ -z "$prev" ] || [ ! -e "$RELEASES/$prev/.venv/.complete" ]; then
        echo "no previous release to roll back to (ls $RELEASES)" >&2
        exit 1
    fi
    echo "== rollback: $cur -> $prev"
    switch_link current "$prev"
    switch_link previous "$cur"
    install_units "$RELEASES/$prev/deploy"
    restart_kiosk
    echo "Now on $prev; 'sudo bash deploy/install.sh --rollback' again returns to $cur."
    echo "The data stays as it is: a release never downgrades the databases (see docs/operations.md)."
    exit 0
fi

case "$(cd "$SRC" && pwd -P)/" in
    "$APP"/*) echo "install from a checkout (git clone), not from $APP" \
                   "(there only --rollback)" >&2
              exit 2 ;;
esac

echo "== packages"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    xserver-xorg xinit x11-xserver-utils xterm \
    python3 python3-venv python3-dev espeak-ng libsdl2-2.0-0 libsdl2-ttf-2.0-0 \
    libsdl2-image-2.0-0 libsdl2-mixer-2.0-0 libgl1-mesa-dri alsa-utils rsync systemd udev \
    libusb-1.0-0

echo "== the kiosk user: no password, no sudo, only lp (printer), audio and video"
if ! id "$USER_" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --user-group "$USER_"
fi
usermod --groups lp,audio,video "$USER_"
passwd --lock "$USER_" >/dev/null

echo "== code: a new release in $RELEASES (root-owned, read-only for the kiosk)"
install -d -m 0755 -o root -g root "$APP" "$RELEASES"
stage="$RELEASES/.staging"
rm -rf "$stage"
rsync -a --delete --exclude .git --exclude '/.venv*' --exclude /test-artifacts \
    --exclude '__pycache__' --exclude '*.egg-info' --exclude /build --exclude '.*_cache' \
    "$SRC/" "$stage/"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$stage/pyproject.toml" | head -1)
commit=$(git -c safe.directory="$SRC" -C "$SRC" rev-parse --short=8 HEAD 2>/dev/null || true)
files=$(cd "$stage" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum \
        | sha256sum | cut -c1-10)
release="${version}-${commit:+$commit-}$files"
REL="$RELEASES/$release"
if [ -e "$REL/.venv/.complete" ]; then
    echo "-- $release is built already (same files): kept as it is"
    rm -rf "$stage"
else
    rm -rf "$REL"
    mv "$stage" "$REL"
    {
        echo "release $release"
        echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) from $SRC"
        [ -z "$commit" ] || git -c safe.directory="$SRC" -C "$SRC" log -1 --format='commit %H %s'
    } > "$REL/RELEASE"
    # The venv is made where it stays: its scripts name $REL/.venv/bin/python.
    python3 -m venv "$REL/.venv"
    pip=("$REL/.venv/bin/python" -m pip --disable-pip-version-check -q)
    # setuptools from the lock first (hash-checked), so that the project and the lock's one
    # source-only package (docopt) are built with it rather than with whatever setuptools
    # PyPI has today (pip's isolated build environments are not pinned).
    awk '/^setuptools==/ {p = 1; print; next} p && /^ +--hash=/ {print; next} {p = 0}' \
        "$REL/requirements.lock" > "$REL/.venv/setuptools.lock"
    "${pip[@]}" install --require-hashes --no-deps -r "$REL/.venv/setuptools.lock"
    # Exactly the lock: every package pinned, every file's sha256 checked; pip refuses a lock
    # that misses a dependency (nothing is resolved here).
    "${pip[@]}" install --require-hashes --no-build-isolation --use-pep517 \
        -r "$REL/requirements.lock"
    # The project itself, nothing more. Editable: the kiosk finds its assets/ (translations,
    # sounds, fonts) next to its code, in the release.
    "${pip[@]}" install --no-deps --no-build-isolation --use-pep517 -e "$REL"
    "$REL/.venv/bin/python" -m compileall -q "$REL/kiosk" "$REL/screens" "$REL/printer" \
        "$REL/content_sync" "$REL/entrypoints" >/dev/null
    chown -R root:root "$REL"
    chmod -R go-w "$REL"
    chmod 0755 "$REL/deploy/wait-for-x.sh" "$REL/deploy/install-session.sh"
    touch "$REL/.venv/.complete"
fi

old=$(release_of "$APP/current")
if [ -d "$APP/.venv" ] && [ ! -L "$APP/.venv" ]; then
    # An installation from before releases: code and .venv straight in $APP. Replaced by the
    # links below (no rollback to it).
    echo "-- replacing the code installed straight in $APP by the release links"
    find "$APP" -mindepth 1 -maxdepth 1 ! -name releases -exec rm -rf {} +
fi
if [ "$old" != "$release" ]; then
    [ -z "$old" ] || switch_link previous "$old"
    switch_link current "$release"
fi
# The paths the units and the docs name, the same whatever release is current.
for name in .venv deploy; do
    if [ "$(readlink "$APP/$name" 2>/dev/null)" != "current/$name" ]; then
        ln -sfn "current/$name" "$APP/.$name.new" && mv -T "$APP/.$name.new" "$APP/$name"
    fi
done

echo "== configuration in $ETC (root-owned; the kiosk user reads, cannot write)"
install -d -m 0755 -o root -g root "$ETC"
if [ ! -e "$ETC/kiosk.toml" ]; then
    install -m 0644 -o root -g root "$SRC/deploy/kiosk.toml" "$ETC/kiosk.toml"
fi
# The passwords are not in kiosk.toml (which every user can read) but in files only root reads;
# systemd loads them into the units (EnvironmentFile=).
for env in sync queue; do
    if [ ! -e "$ETC/$env.env" ]; then
        install -m 0600 -o root -g root "$SRC/deploy/$env.env.example" "$ETC/$env.env"
    fi
    chown root:root "$ETC/$env.env" && chmod 0600 "$ETC/$env.env"
done
chown root:root "$ETC/kiosk.toml" && chmod 0644 "$ETC/kiosk.toml"
# An older kiosk.toml may still hold the queue password: the kiosk refuses it and says where
# it goes now ($ETC/queue.env).
if ! KIOSK_CONFIG="$ETC/kiosk.toml" "$APP/.venv/bin/kiosk" config show >/dev/null; then
    echo "!! fix $ETC/kiosk.toml as said above, then run this script again" >&2
fi

echo "== private data: /var/lib/bom-kiosk, /var/log/bom-kiosk and /var/cache/bom-kiosk 0700"
# systemd makes them (StateDirectory= and friends, mode 0700) when a unit starts; older
# installations made them 0755 with 0644 files.
for dir in /var/lib/bom-kiosk /var/log/bom-kiosk /var/cache/bom-kiosk; do
    install -d -m 0700 -o "$USER_" -g "$USER_" "$dir"
    chmod -R go-rwx "$dir"
done

echo "== bare X session on tty1 with autologin; no screen blanking"
install -d -m 0755 /etc/systemd/system/getty@tty1.service.d
install -m 0644 "$SRC/deploy/getty-autologin.conf" \
    /etc/systemd/system/getty@tty1.service.d/autologin.conf
HOME_=$(getent passwd "$USER_" | cut -d: -f6)
# The home folder and all in it root-owned (the kiosk user cannot change or replace what its
# session starts); what the session writes goes to /var/lib/bom-kiosk-session.
bash "$SRC/deploy/install-session.sh" "$USER_" "$HOME_" /var/lib/bom-kiosk-session "$SRC/deploy"

echo "== USB printer rule"
install -d -m 0755 /etc/udev/rules.d
install -m 0644 "$SRC/deploy/99-bom-kiosk-printer.rules" /etc/udev/rules.d/
if systemd_running; then
    udevadm control --reload-rules && udevadm trigger --subsystem-match=usb || true
fi

echo "== services: the kiosk, the nightly sync"
if ! install_units "$REL/deploy"; then
    echo "!! systemd refused the units of $release (above)" >&2
    if [ -n "$old" ] && [ "$old" != "$release" ]; then
        switch_link current "$old"
        install_units "$RELEASES/$old/deploy" || true
        echo "!! back on $old" >&2
    fi
    exit 1
fi
[ "$old" = "$release" ] || restart_kiosk

if [ ! -e "$ETC/admin_pin" ]; then
    echo "== the admin PIN (6-12 digits; stored as a salted scrypt hash in $ETC/admin_pin)"
    KIOSK_CONFIG="$ETC/kiosk.toml" "$APP/.venv/bin/kiosk" admin set-pin --owner "$USER_"
fi

# The newest $KEEP releases stay (current and previous always).
keep_current=$(release_of "$APP/current") keep_previous=$(release_of "$APP/previous") kept=0
while IFS= read -r dir; do
    name=$(basename "$dir")
    if [ "$name" = "$keep_current" ] || [ "$name" = "$keep_previous" ]; then
        continue
    fi
    kept=$((kept + 1))
    if [ "$kept" -gt $((KEEP - 2)) ]; then
        echo "-- removing the old release $name"
        rm -rf "$dir"
    fi
done < <(ls -1dt "$RELEASES"/*/ 2>/dev/null)

echo "Done: $APP/current is $release${keep_previous:+; 'sudo bash deploy/install.sh --rollback' returns to $keep_previous}."
cat <<DONE
Next:
  sudoedit $ETC/kiosk.toml     # printer ids, queue database, office
  sudoedit $ETC/sync.env       # KIOSK_SYNC_URL / KIOSK_SYNC_PASSWORD of the central database
  sudoedit $ETC/queue.env      # KIOSK_QUEUE_PASSWORD, with a shared PostgreSQL queue
  sudo reboot                  # autologin, X, the kiosk; then: kiosk status
DONE
