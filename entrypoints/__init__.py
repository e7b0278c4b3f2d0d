"""The edge: wiring and every command line; the only package that imports screens/, printer/ and
content_sync/ together."""
