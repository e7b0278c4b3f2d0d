"""Anonymous usage: events, scrubbing, report figures, charts and files."""
