"""The queue: numbering, availability and hours, desks, the calls feed and the spoken
announcements."""
