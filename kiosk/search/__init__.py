"""Search: text folding and stems, the index and the query service."""
