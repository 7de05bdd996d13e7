"""Compare screen: the recipe as monolithic kernel, microkernel and library OS, measured on demand."""
