"""Run screen: build progress and errors, the QEMU console, status and the boot timeline."""
