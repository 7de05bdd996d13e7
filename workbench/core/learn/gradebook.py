"""Grades where teachers collect them.

- `gradescope_results`: one grade report as Gradescope's `results.json` (one test per check,
  with its score, maximum, status and what went wrong), for an autograder that runs
  `workbench grade NAME --format gradescope`.
- `grade_class`: a folder of learners' workspaces (one sub-folder per learner) graded for one
  or more exercises, several gradings at once in worker processes; `class_csv` turns the
  result into a table with one row per learner and one column per exercise.

Grading others' work never touches the grader's own progress file: only `workbench grade`
on one's own workspace records a best score.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workbench.core.learn.grading import GradeReport, find_exercise, format_report, grade
from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _

TRANSCRIPT_CHARS = 4000  # of a failed check's transcript shown in Gradescope (its tail)


def _check_output(problems: list[str], transcript: Path | None, description: str) -> str:
    """The check's description, then what went wrong: its transcript (which names the
    problems first), else the problems alone."""
    lines = [description, ""] if description else []
    if transcript is not None and transcript.is_file():
        text = transcript.read_text(errors="replace")
        if len(text) > TRANSCRIPT_CHARS:
            text = text[:TRANSCRIPT_CHARS] + "\n…"
        return "\n".join(lines) + text
    return "\n".join(lines + [_("problem: {problem}").format(problem=p) for p in problems]).strip()


def gradescope_results(report: GradeReport, elapsed_s: float | None = None) -> dict:
    """Gradescope's results.json for one grade report: the score, the report as text, and one
    visible test per check."""
    tests = [{"name": c.name, "score": c.earned, "max_score": c.points,
              "status": "passed" if c.passed else "failed",
              "output": _check_output(c.problems, c.transcript, c.description),
              "visibility": "visible"} for c in report.checks]
    results = {"score": report.score, "output": format_report(report), "visibility": "visible",
               "stdout_visibility": "visible", "tests": tests,
               "extra_data": {"exercise": report.exercise, "graded": report.graded,
                              "total": report.total}}
    if elapsed_s is not None:
        results["execution_time"] = round(elapsed_s, 1)
    return results


# --------------------------------------------------------------------------- a whole class

@dataclass
class Grading:
    """One learner's grade for one exercise (an error is the learner's: score 0 with the reason)."""
    learner: str
    exercise: str
    score: int
    total: int
    graded: str  # workspace, nothing, or error
    seconds: float
    error: str | None = None
    report: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"learner": self.learner, "exercise": self.exercise, "score": self.score,
                "total": self.total, "graded": self.graded, "seconds": round(self.seconds, 2),
                "error": self.error, "report": self.report}


def learner_workspaces(submissions: Path) -> list[Path]:
    """The learners' workspaces: every visible sub-folder of `submissions`, sorted by name."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise WorkbenchError(_("{path} is not a folder").format(path=submissions), file=submissions,
                             hint=_("a folder with one workspace folder per learner"))
    found = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not found:
        raise WorkbenchError(_("{path} holds no learner's folder").format(path=submissions),
                             file=submissions,
                             hint=_("one workspace folder per learner, e.g. submissions/alice/"))
    return found


def grade_one(exercise: str, workspace: Path, toolchain: str = "zig",
              lang: str = "en") -> Grading:
    """Grade one learner's workspace (transcripts in `<workspace>/.grade/<exercise>/`).
    Runs in a worker process, so it takes and returns only plain data."""
    start = time.monotonic()
    ex = find_exercise(exercise)
    learner = Path(workspace).name
    try:
        report = grade(ex, Path(workspace), toolchain=toolchain, lang=lang)
    except (WorkbenchError, OSError) as e:  # e.g. a damaged component.toml in the copy
        return Grading(learner, exercise, 0, ex.total, "error", time.monotonic() - start,
                       str(e).splitlines()[0] if str(e) else type(e).__name__)
    return Grading(learner, exercise, report.score, report.total, report.graded,
                   time.monotonic() - start, None, report.to_dict())


def grade_class(submissions: Path, exercises: list[str], jobs: int = 1, toolchain: str = "zig",
                lang: str = "en",
                on_done: Callable[[int, int, Grading], None] | None = None) -> list[Grading]:
    """Every learner's workspace graded for every exercise, `jobs` gradings at a time;
    `on_done(done, count, grading)` after each one. Sorted by learner, then exercise."""
    for name in exercises:
        find_exercise(name)  # an unknown name is the teacher's mistake: say so before starting
    tasks = [(name, ws) for ws in learner_workspaces(submissions) for name in exercises]
    report = on_done or (lambda done, count, g: None)
    results: list[Grading] = []
    if jobs <= 1:
        for name, ws in tasks:
            results.append(grade_one(name, ws, toolchain, lang))
            report(len(results), len(tasks), results[-1])
    else:
        # spawned, not forked: each worker starts clean, whatever threads the caller has
        pool = ProcessPoolExecutor(max_workers=jobs,
                                   mp_context=multiprocessing.get_context("spawn"))
        try:
            futures = [pool.submit(grade_one, name, ws, toolchain, lang) for name, ws in tasks]
            for future in as_completed(futures):
                results.append(future.result())
                report(len(results), len(tasks), results[-1])
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return sorted(results, key=lambda g: (g.learner, exercises.index(g.exercise)))


def class_rows(gradings: list[Grading], exercises: list[str]) -> list[dict]:
    """One row per learner: their score in each exercise, and the sum."""
    rows: dict[str, dict] = {}
    for g in gradings:
        row = rows.setdefault(g.learner, {"learner": g.learner, "grades": {}, "score": 0,
                                          "total": 0})
        row["grades"][g.exercise] = {"score": g.score, "total": g.total, "graded": g.graded,
                                     "error": g.error}
        row["score"] += g.score
        row["total"] += g.total
    return list(rows.values())


def class_csv(gradings: list[Grading], exercises: list[str]) -> str:
    """The summary as CSV: `learner`, one column per exercise (its score), then `total`."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["learner", *exercises, "total"])
    for row in class_rows(gradings, exercises):
        w.writerow([row["learner"], *(row["grades"][e]["score"] for e in exercises),
                    row["score"]])
    return out.getvalue()
