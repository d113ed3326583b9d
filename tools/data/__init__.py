"""Writers of the datasets voltsim's examples and tests use, from what Debian packages ship."""
