"""Lessons screen: the guided lessons and the graded exercises, as two tabs."""
