"""DetectionPool with real worker processes: batching, a free event loop, and fault handling.

Spawning and warming a worker costs ~2 s, so each pool is started once per module.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from recognizers import (
    AnalyzerSettings,
    DetectionFailed,
    DetectionOverloaded,
    DetectionPool,
    DetectionRequest,
    DetectionTimeout,
    Detector,
)
from recognizers.pool import _FAULT_CRASH, _FAULT_HANG, FAULT_HOOKS_ENV


@pytest.fixture(scope="module")
async def pool() -> AsyncIterator[DetectionPool]:
    """Two warm workers (the machine has two cores); timeouts generous for a loaded CI box."""
    pool = DetectionPool(AnalyzerSettings(workers=2, timeout_s=30.0, max_batch_texts=64))
    await pool.start()
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def fault_pool() -> AsyncIterator[DetectionPool]:
    """One worker with the test fault hooks on, a one-job queue and a short timeout."""
    settings = AnalyzerSettings(workers=1, queue_size=1, timeout_s=1.0)
    with pytest.MonkeyPatch.context() as patch:
        # Kept for the whole module: replacement workers must get the hooks too.
        patch.setenv(FAULT_HOOKS_ENV, "1")
        async with DetectionPool(settings) as pool:
            yield pool


async def _eventually(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def _idle(pool: DetectionPool) -> Callable[[], bool]:
    # Jobs that timed out stay queued until a dispatcher discards them (after a respawn).
    return lambda: pool.ready and pool.queue_depth == 0


async def _expect(awaitable: Awaitable[object], error: type[Exception]) -> Exception:
    with pytest.raises(error) as info:
        await awaitable
    return info.value


def _refused_at_once(pool: DetectionPool, text: str) -> DetectionOverloaded:
    """``detect`` raises on its first step, before it ever waits: "at once" on any machine."""
    step = pool.detect([DetectionRequest(text)])
    try:
        with pytest.raises(DetectionOverloaded) as info:
            step.send(None)  # a coroutine that waited would hand back what it waits for
    finally:
        step.close()
    return info.value


# -- normal operation ---------------------------------------------------------------------------


async def test_ready_after_start(pool: DetectionPool) -> None:
    pids = pool.worker_pids()

    assert pool.ready
    assert pool.worker_count == 2
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert pool.queue_depth == 0


async def test_each_worker_is_pinned_to_its_own_cpu(pool: DetectionPool) -> None:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        pytest.skip("pinning is off with a single usable CPU")

    pinned = [os.sched_getaffinity(pid) for pid in pool.worker_pids() if pid is not None]

    assert pinned == [{cpus[0]}, {cpus[1 % len(cpus)]}]


def test_worker_cpus_follow_the_allowed_cpus_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("recognizers.pool.allowed_cpus", lambda: [4, 6])
    pool = DetectionPool(AnalyzerSettings(workers=3))

    assert [pool._worker_cpu(slot) for slot in pool._slots] == [4, 6, 4]


def test_workers_are_not_pinned_when_asked_not_to_or_with_one_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unpinned = DetectionPool(AnalyzerSettings(workers=2, pin_workers=False))
    assert [unpinned._worker_cpu(slot) for slot in unpinned._slots] == [None, None]

    monkeypatch.setattr("recognizers.pool.allowed_cpus", lambda: [3])
    single = DetectionPool(AnalyzerSettings(workers=2))
    assert [single._worker_cpu(slot) for slot in single._slots] == [None, None]


def test_one_worker_per_usable_cpu_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # A container limited to 2 of the host's CPUs gets 2 workers, whatever os.cpu_count says.
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5, 9})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)

    assert AnalyzerSettings().worker_count() == 2


async def test_empty_input_does_not_touch_workers(pool: DetectionPool) -> None:
    sent = pool.batches_sent

    assert await pool.detect([]) == []
    assert pool.batches_sent == sent


async def test_detect_matches_detector(
    pool: DetectionPool, detector: Detector, sample_requests: list[DetectionRequest]
) -> None:
    requests = [*sample_requests, DetectionRequest(""), sample_requests[0]]

    assert await pool.detect(requests) == detector.analyze_batch(requests)


async def test_concurrent_jobs_are_micro_batched(pool: DetectionPool, detector: Detector) -> None:
    jobs = [
        [
            DetectionRequest(f"Ticket {i}: call Maria Lopez at 212-555-01{i:02d}."),
            DetectionRequest(f"Reply to user{i}@example.com", entities=("EMAIL_ADDRESS",)),
        ][: 1 + i % 2]
        for i in range(50)
    ]
    sent, texts = pool.batches_sent, pool.texts_sent

    results = await asyncio.gather(*(pool.detect(job) for job in jobs))

    assert results == [detector.analyze_batch(job) for job in jobs]
    assert pool.batches_sent - sent < len(jobs)
    assert pool.texts_sent - texts == sum(len(job) for job in jobs)


async def test_a_long_batch_is_spread_over_idle_workers(
    pool: DetectionPool, detector: Detector
) -> None:
    # A model prompt's shape: a few long messages at once, both workers idle.
    await _eventually(lambda: pool.idle_workers() == 2)
    requests = [DetectionRequest(f"Message {i}: Maria Lopez moved to 14 Elm Street, Leeds. "
                                 + "The order is late again and nobody answers. " * 30)
                for i in range(4)]
    sent = pool.batches_sent

    answers = await pool.detect(requests)

    assert answers == detector.analyze_batch(requests)
    assert pool.batches_sent - sent == 2  # one share per worker, answers merged in order


async def test_event_loop_runs_other_tasks_while_workers_analyze(pool: DetectionPool) -> None:
    # Ordering, not timing: every step of another task runs after the jobs were handed over
    # and before any answer came back. NER on the loop would answer first. How long the loop
    # waits under load is a figure: benchmarks/probe.py measures it (REPORT.md, event loop).
    text = (
        "Dear support, I am John Smith from Boston; my card 4111 1111 1111 1111 was charged "
        "twice, call me at 212-555-0198 or mail john.smith@example.com. "
    ) * 2
    jobs = [[DetectionRequest(f"{i} {text}") for i in range(j * 30, j * 30 + 30)] for j in range(4)]
    answered = 0
    steps_while_waiting = 0

    async def detect(job: list[DetectionRequest]) -> list[list[object]]:
        nonlocal answered
        result = await pool.detect(job)
        answered += 1
        return result  # type: ignore[return-value]

    async def other_task() -> None:
        nonlocal steps_while_waiting
        for _ in range(50):
            await asyncio.sleep(0)
            steps_while_waiting += answered == 0

    sent = pool.batches_sent
    detecting = [asyncio.create_task(detect(job)) for job in jobs]
    await asyncio.sleep(0)  # each detect() runs up to its wait: every job is handed over
    await other_task()
    results = await asyncio.gather(*detecting)

    assert all(len(result) == 30 and all(result) for result in results)
    assert pool.batches_sent > sent
    assert steps_while_waiting == 50


async def test_worker_exception_fails_jobs_but_keeps_worker(pool: DetectionPool) -> None:
    pids = pool.worker_pids()
    # A non-string text makes the Detector raise inside the worker: a real analysis error.
    bad = DetectionRequest(12345)  # type: ignore[arg-type]

    error = await _expect(pool.detect([bad]), DetectionFailed)

    assert error.reason == "detection_failed"
    assert "12345" not in str(error)
    assert pool.ready and pool.worker_pids() == pids
    assert (await pool.detect([DetectionRequest("mail a@example.com")]))[0]


# -- faults (one worker, fault hooks on) ----------------------------------------------------------


async def test_overload_and_timeout(fault_pool: DetectionPool) -> None:
    await _eventually(_idle(fault_pool))
    hung = asyncio.create_task(fault_pool.detect([DetectionRequest(_FAULT_HANG)]))
    await _eventually(lambda: fault_pool.batches_sent > 0 and fault_pool.queue_depth == 0)
    queued = asyncio.create_task(fault_pool.detect([DetectionRequest("hello there")]))
    await _eventually(lambda: fault_pool.queue_depth == 1)

    error = _refused_at_once(fault_pool, "one more")
    assert error.reason == "detection_overloaded"

    timeout = await _expect(hung, DetectionTimeout)
    assert isinstance(timeout, TimeoutError) and _FAULT_HANG not in str(timeout)
    await _expect(queued, DetectionTimeout)


async def test_hung_worker_is_replaced(fault_pool: DetectionPool) -> None:
    await _eventually(_idle(fault_pool))
    [old_pid] = fault_pool.worker_pids()

    await _expect(fault_pool.detect([DetectionRequest(_FAULT_HANG)]), DetectionTimeout)

    await _eventually(lambda: _idle(fault_pool)() and fault_pool.worker_pids() != [old_pid])
    [spans] = await fault_pool.detect([DetectionRequest("mail jane@example.com")])
    assert "EMAIL_ADDRESS" in {span.entity_type for span in spans}


async def test_crashed_worker_fails_jobs_and_is_replaced(fault_pool: DetectionPool) -> None:
    await _eventually(_idle(fault_pool))
    [old_pid] = fault_pool.worker_pids()

    error = await _expect(fault_pool.detect([DetectionRequest(_FAULT_CRASH)]), DetectionFailed)

    assert _FAULT_CRASH not in str(error)
    # Reported before the replacement is warm (it takes seconds), not after the respawn.
    assert not fault_pool.ready
    await _eventually(_idle(fault_pool))
    [new_pid] = fault_pool.worker_pids()
    assert new_pid not in (None, old_pid)
    [spans] = await fault_pool.detect([DetectionRequest("call 212-555-0198 now")])
    assert "PHONE_NUMBER" in {span.entity_type for span in spans}


async def test_close_is_idempotent(fault_pool: DetectionPool) -> None:
    await _eventually(_idle(fault_pool))

    await fault_pool.close()
    await fault_pool.close()

    assert not fault_pool.ready
    assert fault_pool.worker_pids() == [None]
    await _expect(fault_pool.detect([DetectionRequest("x")]), DetectionFailed)


async def test_start_fails_closed_when_the_model_is_missing() -> None:
    settings = AnalyzerSettings(model="en_core_web_does_not_exist", workers=1, start_timeout_s=30)
    pool = DetectionPool(settings)

    error = await _expect(pool.start(), DetectionFailed)

    assert "RuntimeError" in str(error)
    assert not pool.ready and pool.worker_pids() == [None]
    await pool.close()


# -- micro-batching window (no worker processes: the dispatcher's batch collection alone) -------


def _queued_job(pool: DetectionPool, loop: asyncio.AbstractEventLoop, text: str) -> object:
    from recognizers.pool import _Job

    return _Job(requests=[DetectionRequest(text)], future=loop.create_future(), loop=loop)


class _WatchedQueue(queue.Queue):  # type: ignore[type-arg]
    """The pool's job queue, recording each blocking ``get`` (a wait for jobs to come).

    ``on_wait`` runs once, in the waiting thread, just before its first wait with a timeout
    (a window): the test acts at that exact point instead of guessing it with sleeps.
    """

    def __init__(self, on_wait: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.waits: list[float | None] = []
        self._on_wait = on_wait

    def get(self, block: bool = True, timeout: float | None = None) -> object:
        if block:
            self.waits.append(timeout)
            if timeout is not None and self._on_wait is not None:
                on_wait, self._on_wait = self._on_wait, None
                on_wait()
        return super().get(block, timeout)


async def test_batch_window_waits_for_jobs_that_arrive_late() -> None:
    pool = DetectionPool(AnalyzerSettings(workers=1, batch_window_ms=50))
    loop = asyncio.get_running_loop()
    first, late = _queued_job(pool, loop, "a"), _queued_job(pool, loop, "b")
    # The late job arrives while the collector waits in its window.
    pool._jobs = jobs_queue = _WatchedQueue(on_wait=lambda: jobs_queue.put(late))

    jobs, stop = pool._collect_batch(first)  # type: ignore[arg-type]

    assert jobs == [first, late] and not stop
    assert jobs_queue.waits and all(0 < wait <= 0.05 for wait in jobs_queue.waits)  # type: ignore[operator]


async def test_without_a_window_only_queued_jobs_join() -> None:
    pool = DetectionPool(AnalyzerSettings(workers=1))
    loop = asyncio.get_running_loop()
    first, queued = (_queued_job(pool, loop, t) for t in "ab")
    pool._jobs = jobs_queue = _WatchedQueue()
    jobs_queue.put(queued)

    jobs, _ = pool._collect_batch(first)  # type: ignore[arg-type]

    assert jobs == [first, queued]
    assert jobs_queue.waits == []  # it never waited for a job that might come later


async def test_batch_window_stops_at_max_batch_texts() -> None:
    pool = DetectionPool(AnalyzerSettings(workers=1, batch_window_ms=50, max_batch_texts=2))
    loop = asyncio.get_running_loop()
    first, second, third = (_queued_job(pool, loop, t) for t in "abc")
    pool._jobs.put(second)  # type: ignore[arg-type]
    pool._jobs.put(third)  # type: ignore[arg-type]

    jobs, _ = pool._collect_batch(first)  # type: ignore[arg-type]

    assert jobs == [first, second]
    assert pool.queue_depth == 1  # the third waits for the next batch


async def test_a_share_of_a_split_batch_is_sent_on_its_own() -> None:
    pool = DetectionPool(AnalyzerSettings(workers=2))
    loop = asyncio.get_running_loop()
    first, sibling = (_queued_job(pool, loop, t) for t in "ab")
    first.solo = True  # type: ignore[attr-defined]
    pool._jobs.put(sibling)  # type: ignore[arg-type]

    jobs, _ = pool._collect_batch(first)  # type: ignore[arg-type]

    assert jobs == [first]
    assert pool.queue_depth == 1  # left for the other idle worker


class _ObservedLock:
    """A lock that counts the threads that came to take it (holding or waiting)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals = 0
        self._count = threading.Lock()
        self.contended = threading.Event()  # a second thread came while one held it

    def __enter__(self) -> None:
        with self._count:
            self._arrivals += 1
            if self._arrivals >= 2:
                self.contended.set()
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()


def test_one_dispatcher_gathers_at_a_time() -> None:
    # Two idle dispatchers (no worker processes: batches are recorded, not analyzed). While
    # the first lingers in its window, the second must not take the next job for a batch of
    # its own: two small batches cost more NER time than one larger batch. The next job comes
    # once the second dispatcher waits to gather, at the moment the first waits in its window.
    from recognizers.pool import _STOP

    pool = DetectionPool(AnalyzerSettings(workers=2, batch_window_ms=50, max_batch_texts=2))
    loop = asyncio.new_event_loop()  # futures only: nothing runs on it
    batches: list[list[object]] = []
    batched = threading.Event()

    def record_batch(_: object, jobs: list[object]) -> None:
        batches.append(list(jobs))
        batched.set()

    pool._run_batch = record_batch  # type: ignore[method-assign,assignment]
    for slot in pool._slots:
        slot.process = object()  # type: ignore[assignment]  # "running": no respawn
    first, second = _queued_job(pool, loop, "a"), _queued_job(pool, loop, "b")
    pool._gather_lock = gather_lock = _ObservedLock()  # type: ignore[assignment]
    gathering = threading.Event()

    def in_window() -> None:  # runs in the first dispatcher, while it holds the gather lock
        gathering.set()
        gather_lock.contended.wait(30)  # bounds a failure only: the second never came
        jobs_queue.put(second)

    pool._jobs = jobs_queue = _WatchedQueue(on_wait=in_window)
    jobs_queue.put(first)
    threads = [threading.Thread(target=pool._dispatch_loop, args=(slot,)) for slot in pool._slots]
    threads[0].start()
    assert gathering.wait(30), "the first dispatcher never waited in its window"
    threads[1].start()
    batched.wait(30)  # stop only after the first batch: a stop is taken like a job
    jobs_queue.put(_STOP)
    jobs_queue.put(_STOP)
    for thread in threads:
        thread.join(30)
    loop.close()

    assert gather_lock.contended.is_set(), "the second dispatcher did not wait to gather"
    assert not any(thread.is_alive() for thread in threads)
    assert batches == [[first, second]]


async def test_a_job_that_would_wait_too_long_is_refused_at_once() -> None:
    # No worker processes: jobs stay queued, and the batch timing is set by hand.
    pool = DetectionPool(AnalyzerSettings(workers=2, timeout_s=1.0, queue_size=100))
    pool._started = True
    loop = asyncio.get_running_loop()
    for text in "abcd":
        pool._jobs.put(_queued_job(pool, loop, text))  # type: ignore[arg-type]
    pool._seconds_per_job = 0.2  # 4 queued x 0.2 s / 2 workers = 0.4 s: under half of 1 s

    assert pool.expected_wait_s() == pytest.approx(0.4)
    for text in "ef":
        pool._jobs.put(_queued_job(pool, loop, text))  # type: ignore[arg-type]
    _refused_at_once(pool, "g")  # 0.6 s predicted


async def test_workers_run_native_thread_pools_of_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each worker has one core: an OpenBLAS pool sized to the machine would only contend."""
    from recognizers.pool import NATIVE_THREAD_VARIABLES

    for variable in NATIVE_THREAD_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    async with DetectionPool(AnalyzerSettings(workers=1, pin_workers=False)) as one:
        await one.detect([DetectionRequest("Ask Jane Roe about the order.")])
        [pid] = one.worker_pids()
        assert pid is not None
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        threads = len(list(Path(f"/proc/{pid}/task").iterdir()))

    assert {v.encode() + b"=1" for v in NATIVE_THREAD_VARIABLES} <= set(environ)
    assert threads == 1
