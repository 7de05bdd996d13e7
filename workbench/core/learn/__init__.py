"""Learning: lessons and their checks, exercises and their grading, the learner's progress."""
