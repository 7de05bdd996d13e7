"""Layouts: the same components placed in protection domains in different ways.

One component set, three operating-system designs — a library OS, a monolithic kernel and a
microkernel. Each layout decides where components run and generates the glue at interfaces.
"""
