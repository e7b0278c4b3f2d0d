"""Central content database tools and the nightly sync (see the sync issue)."""
