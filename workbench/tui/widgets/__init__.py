"""One widget per file; each is a view over core data and posts small messages."""
