"""The Linux baseline: the same service as a recipe, in a Linux guest on the same QEMU machine.

The seed paper argues with numbers measured against Linux; this package lets a learner measure
them too. `kernel` fetches Debian's cloud kernel into the workbench's cache (never installing
it), `initramfs` builds a small reproducible root file system around the recipe's own data
(zone file, site folder, greeting), `guest` boots it through the workbench's own runner and
`measure` times both side by side.
"""
