"""Content: the format of content files (typed records), the store that applies a revision, and the
content service the screens read."""
