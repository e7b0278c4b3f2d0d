#!/bin/bash
# The kiosk user's login session, owned by root: the kiosk user cannot change what its session
# starts. Run by install.sh (as root); the arguments let a test run it on a scratch folder:
#   bash deploy/install-session.sh USER HOME SESSION_DIR DEPLOY_DIR
# - HOME (e.g. /home/kiosk) becomes root:root 0755 and everything in it root-owned and not
#   writable by others: the kiosk user can neither edit nor replace (rename, delete, create)
#   ~/.bash_profile, ~/.xinitrc or any other file that bash, startx or xinit would read.
# - SESSION_DIR (e.g. /var/lib/bom-kiosk-session, kiosk-owned 0700) holds the little the session
#   writes: the X authority cookie ($XAUTHORITY) and the X server's log ($XDG_DATA_HOME/xorg),
#   both set by deploy/bash_profile. Nothing there is run.
set -euo pipefail

USER_=${1:?user}
HOME_=${2:?home folder}
SESSION=${3:?session folder}
DEPLOY=${4:?deploy folder}
GROUP_=$(id -gn "$USER_")

install -d -m 0755 -o root -g root "$HOME_"
# -R does not follow symbolic links; nothing in the home is the kiosk user's to change.
chown -R root:root "$HOME_"
chmod -R go-w "$HOME_"
# Files startx, xinit or bash would read before or instead of ours, and an old cookie.
rm -f "$HOME_/.startxrc" "$HOME_/.xserverrc" "$HOME_/.xsession" "$HOME_/.xsessionrc" \
    "$HOME_/.bash_login" "$HOME_/.Xauthority"
# install replaces the target (a link planted there is removed, not followed).
install -m 0644 -o root -g root "$DEPLOY/bash_profile" "$HOME_/.bash_profile"
install -m 0755 -o root -g root "$DEPLOY/xinitrc" "$HOME_/.xinitrc"

install -d -m 0700 -o "$USER_" -g "$GROUP_" "$SESSION" "$SESSION/xorg"
