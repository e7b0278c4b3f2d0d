#!/bin/bash
# Turn a fresh Debian 12 machine into a locked-down BOM kiosk. Run as root from a checkout:
#   sudo bash deploy/install.sh
# Idempotent: running it again updates the code, units and files and keeps the data, the
# configuration and the PIN. See "Deployment" in README.md for what each step is for.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
APP=/opt/bom-kiosk
ETC=/etc/bom-kiosk
USER_=kiosk

if [ "$(id -u)" -ne 0 ]; then
    echo "run as root: sudo bash deploy/install.sh" >&2
    exit 2
fi

echo "== packages"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    xserver-xorg xinit x11-xserver-utils xterm \
    python3 python3-venv python3-dev espeak-ng libsdl2-2.0-0 libsdl2-ttf-2.0-0 \
    libsdl2-image-2.0-0 libsdl2-mixer-2.0-0 libgl1-mesa-dri alsa-utils rsync

echo "== the kiosk user: no password, no sudo, only lp (printer), audio and video"
if ! id "$USER_" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --user-group "$USER_"
fi
usermod --groups lp,audio,video "$USER_"
passwd --lock "$USER_" >/dev/null

echo "== code in $APP (root-owned, read-only for the kiosk)"
install -d -m 0755 "$APP"
rsync -a --delete --exclude .git --exclude .venv --exclude test-artifacts \
    --exclude '__pycache__' "$SRC/" "$APP/"
if [ ! -x "$APP/.venv/bin/python" ]; then
    python3 -m venv "$APP/.venv"
fi
"$APP/.venv/bin/pip" install -q --upgrade "$APP"
chown -R root:root "$APP"
chmod 0755 "$APP/deploy/wait-for-x.sh" "$APP/deploy/install-session.sh"

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
install -m 0644 "$SRC/deploy/99-bom-kiosk-printer.rules" /etc/udev/rules.d/
udevadm control --reload-rules && udevadm trigger --subsystem-match=usb || true

echo "== services: the kiosk, the nightly sync"
install -m 0644 "$SRC/deploy/bom-kiosk.service" "$SRC/deploy/bom-kiosk-sync.service" \
    "$SRC/deploy/bom-kiosk-sync.timer" /etc/systemd/system/
systemd-analyze verify /etc/systemd/system/bom-kiosk.service \
    /etc/systemd/system/bom-kiosk-sync.service /etc/systemd/system/bom-kiosk-sync.timer
systemctl daemon-reload
systemctl enable bom-kiosk.service bom-kiosk-sync.timer

if [ ! -e "$ETC/admin_pin" ]; then
    echo "== the admin PIN (6-12 digits; stored as a salted scrypt hash in $ETC/admin_pin)"
    KIOSK_CONFIG="$ETC/kiosk.toml" "$APP/.venv/bin/kiosk" admin set-pin --owner "$USER_"
fi

cat <<DONE
Done. Next:
  sudoedit $ETC/kiosk.toml     # printer ids, queue database, office
  sudoedit $ETC/sync.env       # KIOSK_SYNC_URL / KIOSK_SYNC_PASSWORD of the central database
  sudoedit $ETC/queue.env      # KIOSK_QUEUE_PASSWORD, with a shared PostgreSQL queue
  sudo reboot                  # autologin, X, the kiosk; then: kiosk status
DONE
