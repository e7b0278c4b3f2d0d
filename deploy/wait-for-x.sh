#!/bin/sh
# Wait (up to 90 s) until the kiosk's X server on $DISPLAY accepts clients.
i=0
while [ "$i" -lt 90 ]; do
    if xset q >/dev/null 2>&1; then
        exit 0
    fi
    i=$((i + 1))
    sleep 1
done
echo "no X server on ${DISPLAY:-?} after 90 s" >&2
exit 1
