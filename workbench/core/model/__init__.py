"""The model: what a learner can name — components, interfaces, options, recipes — and resolution.

Manifests and recipes are read here (with errors that name the file, line and key), the catalogue
is loaded, and a recipe is resolved into the full set of components with the reason for each.
Nothing in this package builds or runs anything.
"""
