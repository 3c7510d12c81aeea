"""A pool of detection worker processes that keeps NER off the event loop.

How it works:

- ``start()`` spawns ``settings.worker_count()`` processes (``spawn`` context), with native
  thread pools (OpenBLAS) of one thread, since each worker gets one core. Each builds a
  ``Detector``, warms it, and reports ready over its ``Pipe``; ``start()`` returns when all are
  warm.
- ``detect()`` puts a job (requests, an asyncio future, the loop) on a bounded thread-safe queue
  and awaits the future for ``timeout_s`` (``DetectionTimeout``). It raises
  ``DetectionOverloaded`` at once when the queue is full or when the job's predicted wait
  (queued jobs x recent seconds per job / workers) is above half of ``timeout_s``.
- One dispatcher thread per worker takes a job, drains further queued jobs up to
  ``max_batch_texts`` texts (micro-batching across concurrent requests; with ``batch_window_ms``
  it waits that long for more jobs, otherwise it takes only what is queued), sends them to its
  worker in one call, splits the answer per job and resolves the futures with one
  ``loop.call_soon_threadsafe`` per batch. One thread gathers at a time, so jobs that queue up
  while every worker is busy form one batch rather than being split between threads.
- Faults: a worker exception fails the batch's jobs with ``DetectionFailed``; a dead worker
  (EOF on the pipe) or a hung one (no answer within ``timeout_s`` plus a grace) is killed, its jobs
  fail, and a warmed replacement is spawned before that thread takes new jobs. ``ready`` is true
  only while every worker is warm.

No text value is ever logged or put in an exception message; the logger
``recognizers.pool`` records lifecycle events (started, died, replaced) with pids only.

Test hooks: when the environment variable ``RECOGNIZERS_ENABLE_FAULT_HOOKS=1`` is set in the
worker's environment at spawn, a worker that receives a request whose text is exactly
``_FAULT_CRASH`` exits at once with status 70, and one whose text is exactly ``_FAULT_HANG``
sleeps forever. Without the variable these texts are analyzed like any other.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Self

from recognizers.batch_split import merge_parts, split_by_length, worth_splitting
from recognizers.errors import (
    DetectionError,
    DetectionFailed,
    DetectionOverloaded,
    DetectionTimeout,
)
from recognizers.settings import AnalyzerSettings, allowed_cpus
from recognizers.types import (
    DetectionRequest,
    Span,
    requests_from_wire,
    requests_to_wire,
    spans_from_wire,
    spans_to_wire,
)

logger = logging.getLogger("recognizers.pool")

FAULT_HOOKS_ENV = "RECOGNIZERS_ENABLE_FAULT_HOOKS"
_FAULT_CRASH = "\x00__recognizers_test_crash__"
_FAULT_HANG = "\x00__recognizers_test_hang__"
_FAULT_CRASH_EXIT_CODE = 70

# Extra time a worker gets past `timeout_s` before it is declared hung and killed.
_HANG_GRACE_S = 1.0
# How long a worker may take to exit after SIGTERM before it gets SIGKILL.
_TERMINATE_WAIT_S = 2.0
# A job is refused at once (DetectionOverloaded) when its predicted queue wait is above this
# share of `timeout_s`: under overload callers get a fast 503 instead of a 503 after the timeout,
# and accepted jobs keep a bounded latency whatever `queue_size` is.
_ADMIT_WAIT_SHARE = 0.5
# Weight of the newest batch in the moving average of seconds per job.
_WAIT_EWMA_WEIGHT = 0.2
# Pause between failed attempts to replace a worker (e.g. the model cannot load).
_RESPAWN_BACKOFF_S = 1.0

# Messages on the pipe, worker -> pool.
_MSG_READY = "ready"
_MSG_RESULT = "result"
_MSG_ERROR = "error"


# ---------------------------------------------------------------------------------------------
# Worker process side


# Native thread pools (OpenBLAS, OpenMP, MKL) size themselves to the machine's cores when they
# load. Every worker already takes one core, so one thread each: more would only contend.
NATIVE_THREAD_VARIABLES: tuple[str, ...] = (
    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
)


def limit_native_threads() -> None:
    """Make workers spawned from now on start their native thread pools with one thread.

    Spawned children inherit this process's environment, and read the variables when numpy
    loads, before any of our code runs in them. A value the operator set is kept.
    """
    for variable in NATIVE_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")


def _worker_main(settings: AnalyzerSettings, conn: Connection, cpu: int | None = None) -> None:
    """Entry point of a worker process: build and warm a Detector, then serve batches.

    With ``cpu`` the worker pins itself to that CPU (see ``DetectionPool``).

    Protocol: send ``("ready", pid)`` once warm (or ``("error", type name)``); then for every
    received list of DetectionRequests answer ``("result", spans_per_request)`` or
    ``("error", type name)``. ``None`` or EOF stops the worker.
    """
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if cpu is not None:
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:
            pass  # the CPU was taken away (cgroup change): run wherever the kernel puts us
    fault_hooks = os.environ.get(FAULT_HOOKS_ENV) == "1"
    try:
        from recognizers.detector import Detector

        detector = Detector(settings)
        detector.warm()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the start
        # Only the type name crosses over: messages may quote analyzed text.
        conn.send((_MSG_ERROR, type(exc).__name__))
        return
    # The pipeline, vocab and recognizers live as long as the worker: take them out of the
    # collector's generations, or every full collection walks them (~45 ms here, a pause in
    # the middle of some caller's batch).
    gc.collect()
    gc.freeze()
    conn.send((_MSG_READY, os.getpid()))

    while True:
        try:
            wire = conn.recv()
        except (EOFError, OSError):
            return
        if wire is None:
            return
        try:
            requests = requests_from_wire(wire)
            if fault_hooks:
                _apply_fault_hooks(requests)
            answer: tuple[str, Any] = (
                _MSG_RESULT, spans_to_wire(detector.analyze_batch(requests)))
        except Exception as exc:  # noqa: BLE001 - the jobs fail closed in the parent
            answer = (_MSG_ERROR, type(exc).__name__)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return


def _apply_fault_hooks(requests: Sequence[DetectionRequest]) -> None:
    for request in requests:
        if request.text == _FAULT_CRASH:
            os._exit(_FAULT_CRASH_EXIT_CODE)
        if request.text == _FAULT_HANG:
            while True:
                time.sleep(3600)


# ---------------------------------------------------------------------------------------------
# Pool side


@dataclass(eq=False)
class _Job:
    requests: list[DetectionRequest]
    future: asyncio.Future[list[list[Span]]]
    loop: asyncio.AbstractEventLoop
    # One share of a caller's split batch (recognizers.batch_split): sent on its own, so that
    # the next idle worker takes the next share instead of this batch absorbing it.
    solo: bool = False


class _Stop:
    """Queue sentinel: the dispatcher thread that takes it exits."""


_STOP = _Stop()


@dataclass(eq=False)
class _WorkerSlot:
    """One worker process, its pipe and its dispatcher thread."""

    index: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    process: BaseProcess | None = None
    conn: Connection | None = None
    pid: int | None = None
    ready: bool = False
    thread: threading.Thread | None = None


def _resolve(future: asyncio.Future[list[list[Span]]], result: Any) -> None:
    """Set a job's outcome on its loop; jobs that timed out or were cancelled are skipped."""
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


def _resolve_all(settled: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, result in settled:
        _resolve(future, result)


class DetectionPool:
    """Worker processes running ``Detector`` behind a bounded queue, with micro-batching.

    Use ``await pool.start()`` / ``await pool.close()`` or ``async with DetectionPool(s) as pool``.
    """

    def __init__(self, settings: AnalyzerSettings) -> None:
        self._settings = settings
        self._context = multiprocessing.get_context("spawn")
        self._jobs: queue.Queue[_Job | _Stop] = queue.Queue(maxsize=settings.queue_size)
        self._slots = [_WorkerSlot(index=i) for i in range(settings.worker_count())]
        self._closing = threading.Event()
        self._started = False
        self._closed = False
        self._counter_lock = threading.Lock()
        self._gather_lock = threading.Lock()
        self._batches_sent = 0
        self._texts_sent = 0
        # Moving average of worker seconds per job, from answered batches: predicts queue wait.
        self._seconds_per_job = 0.0
        self._busy = 0  # dispatchers running a batch now (under _counter_lock)

    # -- properties ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True when the pool is started, not closed, and every worker is warm."""
        return self._started and not self._closed and all(slot.ready for slot in self._slots)

    @property
    def worker_count(self) -> int:
        """The number of worker processes the pool keeps running."""
        return len(self._slots)

    @property
    def queue_depth(self) -> int:
        """Jobs waiting for a worker (not counting batches being analyzed)."""
        return self._jobs.qsize()

    @property
    def batches_sent(self) -> int:
        """How many batches were sent to workers so far (one per worker call)."""
        return self._batches_sent

    @property
    def texts_sent(self) -> int:
        """How many texts those batches held (texts / batches is the mean batch size)."""
        return self._texts_sent

    def expected_wait_s(self) -> float:
        """How long a job queued now would wait for a worker, from recent batch times."""
        return self._jobs.qsize() * self._seconds_per_job / len(self._slots)

    def worker_pids(self) -> list[int | None]:
        """The pid of each worker slot (``None`` while a slot has no running worker)."""
        return [slot.pid for slot in self._slots]

    # -- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Spawn and warm every worker; return when all are ready.

        Raises ``DetectionFailed`` if a worker fails to warm or ``start_timeout_s`` passes.
        """
        if self._closed:
            raise DetectionFailed("detection pool is closed")
        if self._started:
            return
        limit_native_threads()
        deadline = time.monotonic() + self._settings.start_timeout_s
        try:
            # Wait for every slot, even after a failure, so no thread spawns a worker later.
            outcomes = await asyncio.gather(
                *(asyncio.to_thread(self._spawn_and_warm, slot, deadline) for slot in self._slots),
                return_exceptions=True,
            )
        except BaseException:
            # Cancelled: the pool is unusable; stop the start threads and any worker they made.
            self._closed = True
            self._closing.set()
            await asyncio.to_thread(self._stop_all_workers)
            raise
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        if errors:
            await asyncio.to_thread(self._stop_all_workers)
            if isinstance(errors[0], DetectionError):
                raise errors[0]
            raise DetectionFailed(
                f"detection workers failed to start ({type(errors[0]).__name__})"
            ) from None
        self._started = True
        for slot in self._slots:
            slot.thread = threading.Thread(
                target=self._dispatch_loop,
                args=(slot,),
                name=f"detection-dispatch-{slot.index}",
                daemon=True,
            )
            slot.thread.start()

    async def close(self) -> None:
        """Fail pending jobs, stop the dispatcher threads and the workers. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self._fail_queued_jobs(DetectionFailed("detection pool closed"))
        # Terminating the workers first wakes threads blocked on a pipe.
        await asyncio.to_thread(self._stop_all_workers)
        await asyncio.to_thread(self._stop_threads)

    def _fail_queued_jobs(self, error: DetectionError) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(job, _Job):
                self._settle(job, error)

    def _stop_threads(self) -> None:
        threads = [slot.thread for slot in self._slots if slot.thread is not None]
        for _ in threads:
            # Blocking put: the queue may be full of jobs that raced with close().
            self._jobs.put(_STOP)
        for thread in threads:
            thread.join(timeout=self._settings.timeout_s + _HANG_GRACE_S + _TERMINATE_WAIT_S)

    def _stop_all_workers(self) -> None:
        for slot in self._slots:
            with slot.lock:
                self._kill_worker(slot)

    # -- detection ----------------------------------------------------------------------------

    async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        """Return the spans of each request's text, in order, computed by a worker process.

        Raises ``DetectionOverloaded`` (queue full), ``DetectionTimeout`` or ``DetectionFailed``.
        """
        if not requests:
            return []
        if not self._started or self._closed:
            raise DetectionFailed("detection pool is not running")
        if self.expected_wait_s() > self._settings.timeout_s * _ADMIT_WAIT_SHARE:
            # It would wait most of its timeout in the queue: answer at once instead of late.
            raise DetectionOverloaded("detection queue would not be served in time")
        groups = [list(range(len(requests)))]
        if worth_splitting(requests, self.idle_workers()):
            groups = split_by_length(requests, self.idle_workers())
        loop = asyncio.get_running_loop()
        jobs = [_Job(requests=[requests[i] for i in group], future=loop.create_future(),
                     loop=loop, solo=len(groups) > 1) for group in groups]
        try:
            for job in jobs:
                self._jobs.put_nowait(job)
        except queue.Full:
            for job in jobs:
                job.future.cancel()  # a share already queued is skipped by its dispatcher
            raise DetectionOverloaded("detection queue is full") from None
        try:
            # On timeout the futures are cancelled, so a late answer is dropped. (asyncio.timeout:
            # one timer per call; wait_for adds a waiter future and callbacks on every call.)
            async with asyncio.timeout(self._settings.timeout_s):
                if len(jobs) == 1:
                    return await jobs[0].future
                answers = await asyncio.gather(*(job.future for job in jobs))
        except TimeoutError:
            raise DetectionTimeout(
                f"detection took longer than {self._settings.timeout_s:g} s"
            ) from None
        finally:
            for job in jobs:
                job.future.cancel()  # no-op once answered; drops the other shares on failure
        return merge_parts(groups, answers, len(requests))  # type: ignore[return-value]

    def idle_workers(self) -> int:
        """Warm workers neither running a batch nor about to take a queued job."""
        ready = sum(1 for slot in self._slots if slot.ready)
        return max(0, ready - self._busy - self._jobs.qsize())

    # -- dispatcher thread --------------------------------------------------------------------

    def _dispatch_loop(self, slot: _WorkerSlot) -> None:
        while True:
            if slot.process is None and not self._closing.is_set():
                # The last batch killed a dead or hung worker: replace it before taking jobs.
                self._respawn_worker(slot)
            # One thread gathers a batch at a time: two gathering at once would split the
            # queued jobs into two small batches, and a batch's NER cost is mostly per batch.
            with self._gather_lock:
                first = self._jobs.get()
                if isinstance(first, _Stop):
                    return
                jobs, stop_after = self._collect_batch(first)
            jobs = [job for job in jobs if not job.future.done()]
            with self._counter_lock:
                self._busy += 1
            try:
                if jobs:
                    self._run_batch(slot, jobs)
            except Exception as exc:  # noqa: BLE001 - a bug here must not kill the thread
                logger.error(
                    "detection dispatcher %d failed a batch (%s)", slot.index, type(exc).__name__
                )
                for job in jobs:
                    self._settle(job, DetectionFailed("detection dispatcher error"))
            finally:
                with self._counter_lock:
                    self._busy -= 1
            if stop_after:
                return

    def _collect_batch(self, first: _Job) -> tuple[list[_Job], bool]:
        """Take more queued jobs until ``max_batch_texts`` texts are held.

        Jobs already queued are taken at once; with ``batch_window_ms`` set, the thread also
        waits up to that long after the first job for more to arrive.
        """
        jobs = [first]
        if first.solo:
            return jobs, False  # its sibling shares are for the other idle workers
        texts = len(first.requests)
        window_s = self._settings.batch_window_ms / 1000
        deadline = time.monotonic() + window_s
        while texts < self._settings.max_batch_texts:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    job = self._jobs.get(timeout=remaining)
                except queue.Empty:
                    break
            if isinstance(job, _Stop):
                # This thread consumed a stop sentinel: finish the batch, then exit.
                return jobs, True
            jobs.append(job)
            texts += len(job.requests)
        return jobs, False

    def _run_batch(self, slot: _WorkerSlot, jobs: list[_Job]) -> None:
        requests = [request for job in jobs for request in job.requests]
        limit = self._settings.max_batch_texts
        results: list[list[Span]] = []
        started = time.monotonic()
        # A single job may hold more than `max_batch_texts` texts: send it in chunks.
        for offset in range(0, len(requests), limit):
            if all(job.future.done() for job in jobs):
                return  # every caller gave up (timeout); do not spend the worker on it
            outcome = self._call_worker(slot, requests[offset : offset + limit])
            if isinstance(outcome, DetectionError):
                for job in jobs:
                    # One exception object per job: each is raised in a different coroutine.
                    self._settle(job, type(outcome)(str(outcome)))
                return
            results.extend(outcome)
        per_job = (time.monotonic() - started) / len(jobs)
        self._seconds_per_job += _WAIT_EWMA_WEIGHT * (per_job - self._seconds_per_job)
        position = 0
        outcomes: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
        for job in jobs:
            count = len(job.requests)
            answer = results[position : position + count]
            outcomes.setdefault(job.loop, []).append((job.future, answer))
            position += count
        for loop, settled in outcomes.items():
            # One wake-up of the loop per batch, not one per job.
            try:
                loop.call_soon_threadsafe(_resolve_all, settled)
            except RuntimeError:
                pass  # the loop is closed: nobody is waiting any more

    def _call_worker(
        self, slot: _WorkerSlot, requests: list[DetectionRequest]
    ) -> list[list[Span]] | DetectionError:
        """Send one batch to the slot's worker; kill the worker if it died or hung.

        The caller fails the jobs first and the dispatch loop replaces the worker afterwards,
        so callers learn about the fault without waiting for a new worker to warm.
        """
        conn = slot.conn
        if conn is None or not slot.ready:
            return DetectionFailed("detection worker is not ready")
        with self._counter_lock:
            self._batches_sent += 1
            self._texts_sent += len(requests)
        try:
            conn.send(requests_to_wire(requests))
            if not conn.poll(self._settings.timeout_s + _HANG_GRACE_S):
                logger.warning("detection worker pid %s hung; killing it", slot.pid)
                with slot.lock:
                    self._kill_worker(slot)
                return DetectionTimeout("detection worker did not answer in time")
            kind, payload = conn.recv()
        except (EOFError, OSError):
            if not self._closing.is_set():
                logger.warning("detection worker pid %s died", slot.pid)
            with slot.lock:
                self._kill_worker(slot)
            return DetectionFailed("detection worker died")
        if kind == _MSG_RESULT and isinstance(payload, list) and len(payload) == len(requests):
            try:
                return spans_from_wire(payload)
            except (TypeError, ValueError):
                payload = "malformed result"
        # `payload` is an exception type name at most; never a text.
        logger.warning("detection worker pid %s failed a batch (%s)", slot.pid, payload)
        return DetectionFailed("detection worker raised an error during analysis")

    def _settle(self, job: _Job, result: list[list[Span]] | DetectionError) -> None:
        try:
            job.loop.call_soon_threadsafe(_resolve, job.future, result)
        except RuntimeError:
            pass  # the job's loop is closed: nobody is waiting any more

    # -- worker processes ---------------------------------------------------------------------

    def _worker_cpu(self, slot: _WorkerSlot) -> int | None:
        """The CPU a slot's worker is pinned to: slots take the allowed CPUs in turn.

        A worker that the kernel moves between cores finds its caches cold: on 2 cores with
        the event loop beside the workers, pinned workers spent about 13 % less CPU per text
        (benchmarks/NOTES.md, item 11). Off with ``pin_workers: false`` or a single allowed CPU.
        """
        if not self._settings.pin_workers:
            return None
        cpus = allowed_cpus()
        if len(cpus) < 2:
            return None
        return cpus[slot.index % len(cpus)]

    def _spawn_and_warm(self, slot: _WorkerSlot, deadline: float) -> None:
        """Start a worker in ``slot`` and wait until it is warm (blocking; runs in a thread)."""
        with slot.lock:
            if self._closing.is_set():
                raise DetectionFailed("detection pool closed")
            parent_conn, child_conn = self._context.Pipe(duplex=True)
            process = self._context.Process(
                target=_worker_main,
                args=(self._settings, child_conn, self._worker_cpu(slot)),
                name=f"detection-worker-{slot.index}",
                daemon=True,
            )
            process.start()
            # The child holds its own end now; closing ours lets us see EOF when it dies.
            child_conn.close()
            slot.process, slot.conn, slot.pid, slot.ready = process, parent_conn, process.pid, False

        message = self._wait_ready(parent_conn, deadline)
        with slot.lock:
            if slot.process is not process:
                raise DetectionFailed("detection pool closed")
            if message is None or message[0] != _MSG_READY:
                self._kill_worker(slot)
                if message is None:
                    raise DetectionFailed("detection worker did not become ready in time")
                raise DetectionFailed(
                    f"detection worker failed to start ({message[1]})"
                )
            slot.ready = True
        logger.info("detection worker %d started (pid %s)", slot.index, process.pid)

    def _wait_ready(self, conn: Connection, deadline: float) -> tuple[str, Any] | None:
        # Short polls so close() is not held up by a worker that is still loading.
        while not self._closing.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                if conn.poll(min(remaining, 0.1)):
                    message: tuple[str, Any] = conn.recv()
                    return message
            except (EOFError, OSError):
                return (_MSG_ERROR, "worker exited during start")
        return None

    def _respawn_worker(self, slot: _WorkerSlot) -> None:
        """Spawn a warmed worker into an empty slot, retrying until it works or the pool closes."""
        while not self._closing.is_set():
            try:
                self._spawn_and_warm(slot, time.monotonic() + self._settings.start_timeout_s)
            except DetectionFailed:
                if self._closing.is_set():
                    return
                logger.error("could not replace detection worker %d; retrying", slot.index)
                self._closing.wait(_RESPAWN_BACKOFF_S)
                continue
            logger.info("detection worker %d replaced (pid %s)", slot.index, slot.pid)
            return

    @staticmethod
    def _kill_worker(slot: _WorkerSlot) -> None:
        """Terminate, then kill, the slot's worker; caller holds ``slot.lock``."""
        process, conn = slot.process, slot.conn
        slot.ready = False
        slot.process = slot.conn = None
        slot.pid = None
        if process is not None:
            if process.is_alive():
                process.terminate()
                process.join(_TERMINATE_WAIT_S)
                if process.is_alive():
                    process.kill()
            process.join()
            process.close()
        if conn is not None:
            conn.close()
