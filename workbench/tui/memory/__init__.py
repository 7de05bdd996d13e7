"""Memory screen: the address-space map of the built image, a pinned map to compare, symbols."""
