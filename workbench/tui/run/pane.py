"""Run: build with progress and a log, boot in QEMU with a live console, status and timeline.

The side column shows the build log and the boot timeline; `t` swaps the log for every
telemetry record of the run (a lesson may ask for one the timeline does not draw, such as the
allocator's `alloc … used_bytes=…`), and back.

QEMU events arrive on the UI's event loop (the runner is asyncio). Console text is only queued
here; a timer flushes the queue into the console view a few dozen times a second, so a guest
that prints 20,000 lines costs a few dozen redraws, not 20,000.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, ProgressBar

from ..i18n import N_, _
from ..messages import ShowSource
from ..pane import Pane
from ..session import human_bytes
from ..widgets.field import FieldInput
from ..widgets.source_view import SourceView
from .boot_timeline import BootTimeline
from .build_log import BuildLog
from .console_view import ConsoleView
from .diagnostic_list import DiagnosticList
from .run_status import RunStatus
from .telemetry_list import TelemetryList

FLUSH_INTERVAL = 1 / 30


class RunPane(Pane, Vertical):
    FOCUS = "#console"
    DEFAULT_CSS = """
    RunPane #telemetry { display: none; }
    RunPane.-records #telemetry { display: block; }
    RunPane.-records #build-log, RunPane.-records #diagnostics,
    RunPane.-records #timeline { display: none; }
    """
    BINDINGS = [
        Binding("i", "focus_input", N_("Type to guest"), id="run-input"),
        Binding("c", "clear_console", N_("Clear"), id="run-clear"),
        # not in the footer (at 80 columns it would push Build out): the boot timeline names
        # the key under its bars as soon as a run has written records
        Binding("t", "records", N_("Telemetry"), show=False, id="run-telemetry"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._pending: list[str] = []
        self._records: list = []
        self._records_dirty = False
        self.run_id = 0
        self.objects = 0
        self.done_objects = 0

    def compose(self) -> ComposeResult:
        yield RunStatus(id="run-status")
        with Horizontal(id="run-progress-row"):
            yield Label(_("build") + " ", id="run-progress-label")
            yield ProgressBar(total=1, show_eta=False, id="build-progress")
        with Horizontal(id="run-body"):
            with Vertical(id="run-console-col"):
                yield ConsoleView(id="console")
                yield FieldInput(placeholder=_("type to the guest's serial console, Enter sends"),
                                 field_name=_("the guest's console"), enter=_("Enter sends"),
                                 id="guest-input", compact=True)
            with Vertical(id="run-side"):
                yield BuildLog(id="build-log")
                yield DiagnosticList(id="diagnostics")
                yield BootTimeline(id="timeline")
                yield TelemetryList(id="telemetry")
        yield SourceView(id="run-source")

    def on_mount(self) -> None:
        self.query_one(RunStatus).render_status()
        self.query_one("#run-source").display = False
        self.query_one("#run-progress-row").display = False  # until the first build
        self.set_interval(FLUSH_INTERVAL, self.flush)

    # ------------------------------------------------------------------ build

    def begin_build(self) -> None:
        """A new build starts a clean page: the last run's console, times and timeline go, so
        nothing on screen belongs to another image than the one being built."""
        self.remove_class("-records")  # the build's log in view, not the last run's records
        self.objects = self.done_objects = 0
        self.run_id += 1  # late events of the previous run are ignored from now on
        self._pending.clear()
        self._records = []
        self._records_dirty = True
        self.query_one(ConsoleView).clear()
        self.query_one(RunStatus).reset()
        log = self.query_one(BuildLog)
        log.clear()
        self.query_one(DiagnosticList).show([])
        self.query_one("#run-source").display = False
        self.query_one("#run-progress-row").display = True
        bar = self.query_one("#build-progress", ProgressBar)
        bar.update(total=None, progress=0)
        st = self.query_one(RunStatus)
        st.set("building", _("compiling the components"))

    def build_event(self, kind: str, data: dict) -> None:
        self.query_one(BuildLog).event(kind, data)
        bar = self.query_one("#build-progress", ProgressBar)
        if kind == "plan":
            self.objects = int(data.get("objects", 0)) + 1  # + the link
            bar.update(total=self.objects, progress=0)
        elif kind in ("compile", "cached"):
            self.done_objects += 1
            bar.update(progress=self.done_objects)
        elif kind == "done":
            bar.update(total=self.objects or 1, progress=self.objects or 1)

    def build_failed(self, err) -> None:
        log = self.query_one(BuildLog)
        log.line(f"✗ {err.message}", "bold red")
        for d in getattr(err, "details", []) or []:
            log.line(d, "red")
        if getattr(err, "hint", None):
            log.line(_("hint: {hint}").format(hint=err.hint), "yellow")
        diags = [d for d in getattr(err, "diagnostics", []) if d.severity != "note"]
        self.query_one(DiagnosticList).show(diags)
        self.query_one(RunStatus).set(N_("build failed"), err.message)
        self.remove_class("-records")  # the log and the compiler's messages, not old records
        if diags:
            self.show_source(Path(diags[0].file), diags[0].line)
            self.query_one(DiagnosticList).focus()

    def build_done(self, result) -> None:
        log = self.query_one(BuildLog)
        log.line(_("image {image} — {size} loadable, {compiled} compiled, {cached} from cache")
                 .format(image=result.image, size=human_bytes(result.loadable_bytes),
                         compiled=result.compiled, cached=result.cached), "green")
        dropped = sum(result.dropped.values())
        if dropped:
            per = ", ".join(f"{name} {n:,}" for name, n in sorted(result.dropped.items()) if n)
            log.line(_("the linker dropped {dropped} bytes nothing references ({per})").format(
                dropped=dropped, per=per), "dim")
        for w in result.warnings:
            for line in w.splitlines()[:6]:
                log.line(line, "yellow")
        self.query_one(RunStatus).set("idle", _("built {name}").format(name=result.image.name))

    @on(ShowSource)
    def _show_source(self, event: ShowSource) -> None:
        event.stop()
        self.show_source(event.path, event.line)

    def show_source(self, path: Path, line: int | None) -> None:
        src = self.query_one("#run-source", SourceView)
        src.display = True
        src.show_file(path, line)

    # ------------------------------------------------------------------ run

    def begin_run(self, command_hint: str = "") -> int:
        self.run_id += 1
        self._pending.clear()
        self._records = []
        self._records_dirty = True
        self.query_one(ConsoleView).clear()
        st = self.query_one(RunStatus)
        st.reset()
        st.set("booting", command_hint)
        return self.run_id

    def on_run_event(self, run_id: int, event) -> None:
        """Called on the event loop for every RunEvent of run `run_id`."""
        if run_id != self.run_id:
            return
        kind = event.kind
        if kind == "console":
            self._pending.append(event.text)
            st = self.query_one(RunStatus)
            if st.first_output_ms is None:  # shown as soon as the guest speaks, not at the end
                st.first_output_ms = event.t_ms
                st.render_status()
        elif kind == "telemetry":
            self._records.append(event.record)
            self._records_dirty = True
            st = self.query_one(RunStatus)
            if event.record is not None and event.record.kind == "ready":
                st.ready_ms = event.t_ms
                st.render_status()
        elif kind == "status":
            st = self.query_one(RunStatus)
            if event.text in ("running", "paused"):
                st.set(event.text, "")
            else:
                st.detail = event.text
                st.render_status()
        elif kind == "started":
            self.query_one(BuildLog).line("$ " + event.text, "dim")

    def flush(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self.query_one(ConsoleView).write(text)
        if self._records_dirty:
            self._records_dirty = False
            self.query_one(BootTimeline).set_records(self._records)
            self.query_one(TelemetryList).set_records(self._records)

    def finish_run(self, run_id: int, result, symbol: str | None = None) -> None:
        if run_id != self.run_id:
            return
        self.flush()
        st = self.query_one(RunStatus)
        st.first_output_ms = result.first_output_ms
        st.ready_ms = result.ready_ms
        st.duration_ms = result.duration_ms
        st.panic = result.panic
        st.symbol = symbol
        detail = result.error or ""
        if result.status == "triple-fault":
            detail = _("the CPU reset itself (an exception while handling an exception)")
        elif result.status == "timeout":
            detail = _("the watchdog stopped it")
        st.set(result.status, detail)
        self._records = list(result.telemetry)
        self._records_dirty = True
        self.flush()

    def run_error(self, message: str) -> None:
        self.query_one(RunStatus).set("error", message)
        self.query_one(BuildLog).line(message, "bold red")

    # ------------------------------------------------------------------ input

    def action_focus_input(self) -> None:
        self.query_one("#guest-input", Input).focus()

    def action_records(self) -> None:
        """Every telemetry record in place of the build log (with the focus, at the newest, so
        PgUp/PgDn read them), or the log again."""
        self.toggle_class("-records")
        if self.has_class("-records"):
            records = self.query_one(TelemetryList)
            self.screen.set_focus(records)
            records.call_after_refresh(records.scroll_end, animate=False)
        else:
            self.focus_default()

    def action_clear_console(self) -> None:
        self.query_one(ConsoleView).clear()

    @on(Input.Submitted, "#guest-input")
    async def _send(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        event.input.value = ""
        await self.app.send_to_guest(text + "\r")

    @property
    def console(self) -> ConsoleView:
        return self.query_one(ConsoleView)
