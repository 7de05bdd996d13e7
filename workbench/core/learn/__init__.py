"""Learning: lessons and their checks, exercises and their grading, the learner's progress.

    lessons.py     lessons: steps.toml, the checks of each step against the learner's real work
    grading.py     exercises: starting one, building and booting its tests, scoring its checks
    submission.py  where a learner's copy of an exercise is, or what is near when it is not
    progress.py    the learner's progress file and language
    material.py    what both share: where the material lives, text per language, the workspace
    textrender.py  lesson Markdown as terminal text (English and Japanese line breaking)
    dnsclient.py   the DNS client grading uses to query an appliance
"""
