"""Run a reader of uploaded bytes in a child process that cannot hurt the server.

    rows = run("loaders.actuals.excel_read:read_workbook", data, name, catalogue, shown=name)

`run` starts `python -m chitieu.isolation` (subprocess: fork+exec, safe from Streamlit's
threads), sends it the target and its arguments as a pickle on stdin, and reads the result
back on stdout. Before calling the target the child caps itself:

- memory: RLIMIT_AS = CHITIEU_PARSE_MAX_MB (default 1024 MB) of address space,
- CPU: RLIMIT_CPU = CHITIEU_PARSE_SECONDS (default 60 s); the parent also kills it after
  that many seconds plus 15 s of wall-clock time (a reader stuck waiting, a machine under load),
- files: RLIMIT_FSIZE = 0 (a reader has no business writing), no core dumps.

Whatever happens inside — a Rust reader aborting on a 512 GB allocation, MemoryError, a
runaway loop, an unexpected exception — the caller gets the target's own `UserError`, or a
`UserError` naming what went wrong (`file-too-demanding`, `parse-failed`), in Vietnamese and
English; never a traceback, and the server's memory is untouched. At most
`MAX_CONCURRENT` readers run at once per server process (2 cores; each may use the memory cap).

The target is named as "module:function" and must be importable from the repository root.
The child's answer is unpickled in the parent: it comes from our own code, not from the file.
"""
from __future__ import annotations

import importlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from chitieu import settings
from chitieu.errors import UserError
from chitieu.filetypes import safe_name

ROOT = Path(__file__).resolve().parent.parent
MAX_CONCURRENT = 2
WALL_MARGIN = 15          # seconds of wall clock beyond the CPU limit before the parent kills
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    cpu_seconds: int
    wall: int | None = None      # default: cpu_seconds + WALL_MARGIN

    @property
    def wall_seconds(self) -> int:
        return self.wall if self.wall is not None else self.cpu_seconds + WALL_MARGIN


def limits() -> Limits:
    return Limits(int(float(settings.get("CHITIEU_PARSE_MAX_MB"))), int(float(settings.get("CHITIEU_PARSE_SECONDS"))))


def _too_demanding(shown: str, lim: Limits, why_vi: str, why_en: str) -> UserError:
    return UserError(
        "file-too-demanding",
        f"Tệp {shown} bị từ chối: {why_vi} (giới hạn {lim.memory_mb} MB bộ nhớ, {lim.cpu_seconds} giây). "
        "Việc đọc đã dừng, không có gì được lưu; hệ thống vẫn hoạt động bình thường. Hãy kiểm tra lại tệp "
        "(vùng dữ liệu, ô thừa ở xa) hoặc chia thành nhiều tệp nhỏ.",
        f"The file {shown} is refused: {why_en} (limits {lim.memory_mb} MB of memory, {lim.cpu_seconds} s). "
        "Reading stopped, nothing was stored and the service is unaffected. Check the file (its data area, "
        "stray cells far away) or split it into smaller files.")


def run(target: str, *args, shown: str = "", lim: Limits | None = None, **kwargs):
    """Call `target(*args, **kwargs)` in a capped child process; its result, or UserError."""
    lim = lim or limits()
    shown = safe_name(shown)
    payload = pickle.dumps((target, args, kwargs, lim), protocol=pickle.HIGHEST_PROTOCOL)
    with _SLOTS:
        proc = subprocess.Popen([sys.executable, "-m", "chitieu.isolation"], cwd=ROOT, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            out, _ = proc.communicate(payload, timeout=lim.wall_seconds)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise _too_demanding(shown, lim, "đọc quá lâu", "reading took too long") from None
        except BaseException:          # the caller went away (a rerun, Ctrl-C): never leave a reader behind
            _kill(proc)
            raise
    code = proc.returncode
    sig = {getattr(signal, n, None) for n in ("SIGXCPU", "SIGKILL")} - {None}
    crash = {getattr(signal, n, None) for n in ("SIGABRT", "SIGSEGV", "SIGBUS")} - {None}
    if code == 0 and out:
        try:
            answer = pickle.loads(out)
        except Exception:
            answer = ("error", "bad answer")
        kind = answer[0]
        if kind == "ok":
            return answer[1]
        if kind == "user":
            raise UserError(*answer[1:4])
        if kind == "memory":
            raise _too_demanding(shown, lim, "cần quá nhiều bộ nhớ để đọc", "it needs too much memory to read")
        return _failed(shown, answer[1])
    if code is not None and code < 0 and -code in sig:
        raise _too_demanding(shown, lim, "đọc quá lâu", "reading took too long")
    if code is not None and ((code < 0 and -code in crash) or code == 134):
        # calamine (Rust) aborts when an allocation fails under the memory cap
        raise _too_demanding(shown, lim, "cần quá nhiều bộ nhớ để đọc", "it needs too much memory to read")
    return _failed(shown, f"exit {code}")


def _failed(shown: str, detail: str):
    raise UserError("parse-failed", f"Không đọc được tệp {shown}: bộ đọc gặp lỗi ({detail}). Không có gì được lưu.",
                    f"Cannot read {shown}: the reader failed ({detail}). Nothing was stored.")


def _kill(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)   # its own session: the child and anything it started
        else:                                     # Windows
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    proc.wait()
    for f in (proc.stdin, proc.stdout):
        try:
            f and f.close()
        except OSError:
            pass


# ---- the child --------------------------------------------------------------------------------

def _cap(lim: Limits) -> None:
    try:
        import resource
    except ImportError:          # Windows: only the parent's wall-clock timeout applies
        return
    mem = lim.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (lim.cpu_seconds, lim.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                     # a stray print in a reader must not corrupt the answer
    target, args, kwargs, lim = pickle.loads(sys.stdin.buffer.read())
    module, _, func = target.partition(":")
    fn = getattr(importlib.import_module(module), func)   # imported before the cap: code is ours
    _cap(lim)
    try:
        answer = ("ok", fn(*args, **kwargs))
    except UserError as exc:
        answer = ("user", exc.code, exc.vi, exc.en)
    except MemoryError:
        answer = ("memory",)
    except RecursionError:
        answer = ("error", "RecursionError")
    except Exception as exc:  # noqa: BLE001 - anything else is reported by type, never as a traceback
        answer = ("error", type(exc).__name__)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory",))
    out.write(data)
    out.flush()


if __name__ == "__main__":
    _child()
