"""Operations: the admin side, staff alerts, health, heartbeat, integrity, logs, memory, sync
reports."""
