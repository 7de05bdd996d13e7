"""Graph screen: the dependency graph drawn from a Graphviz layout, and the selected component's chain."""
