"""Assemble screen: the catalogue, the layout and providers, options, the live resolution."""
