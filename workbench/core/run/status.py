"""How a run can end: the words every part of the workbench uses for it.

- success, failure, panic: the guest chose, by writing 0x10, 0x11 or 0x12 to the
  `isa-debug-exit` port; QEMU exits with (value << 1) | 1, which is how the host knows.
- triple-fault: the CPU could not even report an exception and reset; `-no-reboot` turns
  the reset into an end the workbench can see.
- timeout: the watchdog stopped a guest that ran too long.
- stopped: the workbench (or the learner) stopped it, e.g. an appliance after its test.
- error: the workbench itself failed to run QEMU.

Kept apart from run.py so that reading a lesson or an exercise, which names statuses, does not
load the QEMU machinery.
"""

# QEMU's exit code for each value the guest writes to port 0xf4.
EXIT_STATUS = {33: "success", 35: "failure", 37: "panic"}
STATUSES = ("success", "failure", "panic", "triple-fault", "timeout", "stopped", "error")
