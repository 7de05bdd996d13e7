"""Lessons, exercises and grading: `lessons`, `lesson …`, `exercise …`, `grade`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from workbench.core.learn.lessons import (
    answer_hash,
    check_step,
    describe,
    find_lesson,
    lesson_folder_name,
    lesson_status,
    load_lesson,
    load_lessons,
    quiz_question,
    render_lesson,
)
from workbench.core.learn.material import default_workspace, lessons_dir
from workbench.core.learn.progress import LANGUAGES, Progress, current_language
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import atomic_write_text
from workbench.i18n import N_, _, in_language

from .common import pad, print_json


def _lesson_lang(args, progress) -> str:
    lang = getattr(args, "lang", None)
    if lang and lang not in LANGUAGES:
        raise WorkbenchError(_("unknown language '{lang}'").format(lang=lang), key="--lang",
                             hint=_("valid: {names}").format(names=", ".join(LANGUAGES)))
    return lang or current_language(progress)


def _progress():
    p = Progress.load()
    if p.notice:
        print(_("warning: {warning}").format(warning=p.notice), file=sys.stderr)
    return p


def _workspace(args) -> Path:
    """`--workspace`, else the learner's workspace (WB_WORKSPACE or the data folder's)."""
    ws = getattr(args, "workspace", None)
    return Path(ws) if ws else default_workspace()


def cmd_lessons(args) -> int:
    progress = _progress()
    lang = _lesson_lang(args, progress)
    lessons = load_lessons()
    rows = []
    for les in lessons:
        done, total = lesson_status(les, progress)
        rows.append({"name": les.name, "title": les.title_in(lang), "done": done, "steps": total})
    if args.json:
        print_json(rows)
        return 0
    w = max((len(r["name"]) for r in rows), default=4)
    say = in_language(lang)  # the lessons' language, which --lang may choose
    print(say(N_("your workspace: {path}")).format(path=_workspace(args)))
    for r in rows:
        mark = say(N_("done")) if r["done"] == r["steps"] else f"{r['done']}/{r['steps']}"
        print(f"{r['name']:<{w}}  {pad(mark, 5, '>')}  {r['title']}")
    return 0


def cmd_lesson_show(args) -> int:
    progress = _progress()
    lang = _lesson_lang(args, progress)
    les = find_lesson(args.name)
    if args.json:
        data = describe(les, lang)
        data["text"] = les.text(lang)
        data["done"] = progress.done_steps(les.name)
        print_json(data)
        return 0
    sys.stdout.write(render_lesson(les, lang, progress, width=args.width))
    return 0


def cmd_lesson_check(args) -> int:
    progress = _progress()
    lang = _lesson_lang(args, progress)
    les = find_lesson(args.name)
    step, result = check_step(les, progress, step_id=args.step, answer=args.answer,
                              workspace=_workspace(args), lang=lang,
                              toolchain=args.toolchain)
    nxt = les.current_step(progress)
    if args.json:
        data = {"lesson": les.name, "step": step.id if step else None, **result.to_dict(),
                "hint": step.hint_in(lang) if step and not result.passed else None,
                "next": nxt.id if nxt else None}
        if step is not None and step.check.asks:
            data["question"], data["choices"] = quiz_question(step, lang)
        print_json(data)
        return 0 if result.status != "fail" else 1
    if step is None:
        print(result.message)
        return 0
    say = in_language(lang)
    word = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[result.status]
    print(f"{word}  {step.title_in(lang)}  ({step.id})")
    print(f"      {result.message}")
    for d in result.details:
        print(f"      {d}")
    if result.status == "fail" and step.hint_in(lang):
        print("      " + say(N_("hint: {hint}")).format(hint=step.hint_in(lang)))
    if result.status != "fail":
        if nxt is None:
            print(say(N_("This lesson is complete.")))
        else:
            print(say(N_("next: {step}")).format(step=nxt.title_in(lang))
                  + (f"  [{nxt.screen}]" if nxt.screen else ""))
    return 0 if result.status != "fail" else 1


def cmd_lesson_lang(args) -> int:
    progress = _progress()
    if args.language not in LANGUAGES:
        raise WorkbenchError(_("unknown language '{lang}'").format(lang=args.language),
                             key="language",
                             hint=_("valid: {names}").format(names=", ".join(LANGUAGES)))
    progress.lang = args.language
    progress.save()
    print(in_language(args.language)(N_("lesson language: {lang}")).format(lang=args.language))
    return 0


def cmd_lesson_reset(args) -> int:
    progress = _progress()
    les = find_lesson(args.name)
    progress.reset_lesson(les.name)
    progress.save()
    print(_("progress of {lesson} cleared").format(lesson=les.name))
    return 0


def cmd_lesson_hash(args) -> int:
    """Works before the lesson's files exist: the hash needs only the folder name and the step id.
    When steps.toml and the texts are there, a step id not in it is reported (on stderr)."""
    name = lesson_folder_name(args.name)
    folder = lessons_dir() / name
    if (folder / "steps.toml").is_file():
        try:
            load_lesson(folder).step(args.step)
        except WorkbenchError as e:
            print(_("note: {note}").format(note=e), file=sys.stderr)
    print(answer_hash(name, args.step, args.answer))
    return 0


def cmd_exercise_list(args) -> int:
    # imported here: grading (with resolution and dnspython) adds 89 ms to `workbench lessons`
    from workbench.core.learn.grading import list_exercises

    progress = _progress()
    lang = _lesson_lang(args, progress)
    exercises = list_exercises()
    if args.json:
        print_json([{"name": e.name, "component": e.component, "difficulty": e.difficulty,
                      "title": e.title_in(lang), "points": e.total,
                      "best": progress.exercises.get(e.name, {}).get("best")} for e in exercises])
        return 0
    w = max((len(e.name) for e in exercises), default=4)
    for e in exercises:
        best = progress.exercises.get(e.name, {}).get("best")
        score = f"{best}/{e.total}" if best is not None else f"-/{e.total}"
        print(f"{e.name:<{w}}  {'*' * e.difficulty:<5}  {score:>5}  {e.component:<16} {e.title_in(lang)}")
    return 0


def cmd_exercise_start(args) -> int:
    # imported here: see cmd_exercise_list
    from workbench.core.learn.grading import find_exercise, start_exercise

    ex = find_exercise(args.name)
    folder, copied = start_exercise(ex, _workspace(args))
    unsaved = _remember_workspace(_progress(), ex.name, _workspace(args))
    if unsaved:
        print(_("warning: {warning}").format(warning=unsaved), file=sys.stderr)
    if not copied:
        print(_("{folder} already exists: your work there was left untouched").format(
            folder=folder))
    else:
        print(_("copied the starter of '{exercise}' to {folder}").format(exercise=ex.name,
                                                                          folder=folder))
    print(_("edit: {files}").format(files=", ".join(str(folder / f) for f in ex.files)))
    where = f" --workspace {args.workspace}" if getattr(args, "workspace", None) else ""
    print(_("then: {command}").format(command=f"workbench grade {ex.name}{where}"))
    return 0


def _own_workspace(args, progress, exercise: str) -> bool:
    """Is the graded workspace the learner's own — their default one, or one where they
    started this exercise? Only then is a best score recorded: grading a class's
    workspaces leaves the grader's progress file alone."""
    ws = getattr(args, "workspace", None)
    if ws is None:
        return True
    ws = str(Path(ws).resolve())
    started_in = progress.exercises.get(exercise, {}).get("workspaces")
    return ws == str(default_workspace().resolve()) or \
        (isinstance(started_in, list) and ws in started_in)


def _remember_workspace(progress, exercise: str, workspace: Path) -> str | None:
    """Note a workspace where the learner started an exercise (see _own_workspace)."""
    rec = progress.exercises.setdefault(exercise, {})
    known = rec.get("workspaces")
    known = known if isinstance(known, list) else []
    ws = str(workspace.resolve())
    if ws in known or ws == str(default_workspace().resolve()):
        return None
    rec["workspaces"] = [*known, ws][-20:]
    return progress.try_save()


def _grade_format(args) -> str:
    fmt = "json" if args.json else (args.format or "text")
    if args.json and args.format not in (None, "json"):
        raise WorkbenchError(_("--json and --format {format} ask for two formats").format(
                                 format=args.format),
                             key="--format", hint=_("give one of them"))
    return fmt


def cmd_grade(args) -> int:
    if args.all:
        return cmd_grade_all(args)
    if not args.name:
        raise WorkbenchError(_("which exercise?"), key="NAME",
                             hint=_("workbench grade NAME, or workbench grade --all "
                                    "SUBMISSIONS_DIR"))
    # imported here: see cmd_exercise_list
    from workbench.core.learn.grading import find_exercise, format_report, grade

    fmt = _grade_format(args)
    progress = _progress()
    lang = _lesson_lang(args, progress)
    ex = find_exercise(args.name)
    ws = _workspace(args)
    say = None if fmt != "text" else (lambda text: print(f"  {text}", file=sys.stderr))
    started = time.monotonic()
    try:
        report = grade(ex, ws, out_dir=Path(args.out) if args.out and fmt != "gradescope" else None,
                       toolchain=args.toolchain, lang=lang, on_progress=say,
                       reference=args.reference)
    except FileNotFoundError as e:
        raise WorkbenchError(_("{path} disappeared while it was being graded").format(
                                 path=e.filename),
                             file=e.filename, hint=_("the workspace changed during grading; "
                                                     "grade again once your editor has "
                                                     "finished saving")) from None
    unsaved = None
    if report.graded == "workspace" and _own_workspace(args, progress, ex.name):
        progress.record_grade(ex.name, report.score, report.total)
        unsaved = progress.try_save()
    if fmt == "gradescope":
        from workbench.core.learn.gradebook import gradescope_results

        _write_out(args.out, json.dumps(gradescope_results(report, time.monotonic() - started),
                                        indent=2, ensure_ascii=False) + "\n")
        return 0  # the score is in the file; a low score is not the autograder's failure
    if fmt == "json":
        print_json({**report.to_dict(), "progress_not_saved": unsaved})
    else:
        print(format_report(report))
    if unsaved:
        print(_("warning: the score was not recorded: {reason}").format(reason=unsaved),
              file=sys.stderr)
    return 0 if report.full_marks else 1


def _write_out(out: str | None, text: str) -> None:
    """`text` to the file `out` (atomically), or to standard output."""
    if out:
        atomic_write_text(Path(out), text)
    else:
        sys.stdout.write(text)


def cmd_grade_all(args) -> int:
    """Every learner's workspace in SUBMISSIONS_DIR, graded for NAME (or every exercise)."""
    from workbench.core.learn.gradebook import class_csv, class_rows, grade_class
    from workbench.core.learn.grading import list_exercises

    fmt = _grade_format(args)
    if fmt == "gradescope" or args.reference or getattr(args, "workspace", None):
        raise WorkbenchError(_("--all grades learners' workspaces only"), key="--all",
                             hint=_("leave out --format gradescope, --reference and --workspace"))
    if args.jobs < 1:
        raise WorkbenchError(_("--jobs {jobs}: must be at least 1").format(jobs=args.jobs),
                             key="--jobs")
    lang = _lesson_lang(args, Progress.load())  # read only: nothing is recorded for others
    names = [args.name] if args.name else [e.name for e in list_exercises()]

    def done(i: int, count: int, g) -> None:
        what = f"{g.score}/{g.total}" if g.graded != "nothing" else _("no submission")
        why = f"  {g.error}" if g.error else ""
        print(f"[{i:>{len(str(count))}}/{count}] {g.learner}  {g.exercise}  {what}  "
              f"({g.seconds:.1f} s){why}", file=sys.stderr, flush=True)

    gradings = grade_class(Path(args.all), names, jobs=args.jobs, toolchain=args.toolchain,
                           lang=lang, on_done=done)
    table = class_csv(gradings, names)
    if fmt == "json":
        if args.out:
            _write_out(args.out, table)
        print_json({"exercises": names, "learners": class_rows(gradings, names),
                    "gradings": [g.to_dict() for g in gradings]})
    else:
        _write_out(args.out, table)
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("lessons", help=_("list the lessons and your progress"))
    s.add_argument("--lang", help=_("en or ja (default: WB_LANG, your setting, or the locale)"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_lessons)

    s = sub.add_parser("lesson", help=_("read a lesson and check its steps"))
    lsub = s.add_subparsers(dest="lesson_command", metavar="ACTION", required=True)
    t = lsub.add_parser("show", help=_("print a lesson at 80 columns with its steps"))
    t.add_argument("name", help=_("folder name, slug or number, e.g. 02 or hello-unikernel"))
    t.add_argument("--lang")
    t.add_argument("--width", type=int, default=80)
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_lesson_show)
    t = lsub.add_parser("check", help=_("check the current step; a hint follows a failure"))
    t.add_argument("name")
    t.add_argument("--step", help=_("check this step instead of the current one"))
    t.add_argument("--answer", help=_("your answer to a quiz step"))
    t.add_argument("--workspace", default=argparse.SUPPRESS,
                   help=_("folder with your recipes and components "
                          "(default: WB_WORKSPACE, else the workspace in your data folder)"))
    t.add_argument("--toolchain", default="zig")
    t.add_argument("--lang")
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_lesson_check)
    t = lsub.add_parser("lang", help=_("choose the language of lessons (en or ja)"))
    t.add_argument("language")
    t.set_defaults(fn=cmd_lesson_lang)
    t = lsub.add_parser("reset", help=_("forget the progress of one lesson"))
    t.add_argument("name")
    t.set_defaults(fn=cmd_lesson_reset)
    t = lsub.add_parser("hash", help=_("the stored form of a quiz answer (for lesson authors)"))
    t.add_argument("name")
    t.add_argument("step")
    t.add_argument("answer")
    t.set_defaults(fn=cmd_lesson_hash)

    s = sub.add_parser("exercise", help=_("list and start graded exercises"))
    esub = s.add_subparsers(dest="exercise_command", metavar="ACTION", required=True)
    t = esub.add_parser("list", help=_("one exercise a line, its name first"))
    t.add_argument("--lang")
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_exercise_list)
    t = esub.add_parser("start", help=_("copy an exercise's starter into your workspace"))
    t.add_argument("name")
    t.add_argument("--workspace", default=argparse.SUPPRESS,
                   help=_("default: the workspace folder in your workbench data folder"))
    t.set_defaults(fn=cmd_exercise_start)

    s = sub.add_parser("grade", help=_("build and boot the tests of an exercise; score it"))
    s.add_argument("name", nargs="?", help=_("the exercise (with --all: default every exercise)"))
    s.add_argument("--workspace", default=argparse.SUPPRESS,
                   help=_("where your copy is (no copy there: no submission, score 0)"))
    s.add_argument("--reference", action="store_true",
                   help=_("grade the built-in component instead of a copy (tests an exercise)"))
    s.add_argument("--all", metavar="SUBMISSIONS_DIR",
                   help=_("grade every learner's workspace in this folder (one sub-folder "
                          "each); a CSV summary, one row per learner, one column per exercise"))
    s.add_argument("--jobs", type=int, default=1, help=_("with --all: gradings at once"))
    s.add_argument("--format", choices=("text", "json", "gradescope"),
                   help=_("gradescope: Gradescope's results.json"))
    s.add_argument("--out", help=_("folder for transcripts and grade.json; with --format "
                                   "gradescope or --all: the file for results.json or the CSV"))
    s.add_argument("--toolchain", default="zig")
    s.add_argument("--lang")
    s.add_argument("--json", action="store_true", help=_("the report as JSON, e.g. for an LMS"))
    s.set_defaults(fn=cmd_grade)
