"""screens.background: work off the UI thread, answers back on it, stale answers dropped.

Run in the real kiosk window: the answers come back through Kivy's Clock, ticked by the
window's event loop as in the kiosk."""

from __future__ import annotations

import logging
import threading

from screens.background import Generation, run_in_background


class Answers:
    """What came back, and on which thread."""

    def __init__(self):
        self.got: list = []

    def done(self, value) -> None:
        self.got.append(("done", value, threading.current_thread() is threading.main_thread()))

    def error(self, exc) -> None:
        self.got.append(("error", exc, threading.current_thread() is threading.main_thread()))


def test_work_runs_off_the_ui_thread_and_its_result_comes_back_on_it(kiosk):
    answers, ran_on = Answers(), []

    def work():
        ran_on.append(threading.current_thread())
        return 42

    run_in_background(work, name="test-done", done=answers.done, error=answers.error)
    kiosk.wait_until(lambda: answers.got)
    assert answers.got == [("done", 42, True)]
    assert ran_on[0] is not threading.main_thread() and ran_on[0].daemon
    assert ran_on[0].name == "test-done"


def test_an_exception_goes_to_error_on_the_ui_thread_and_to_the_log(kiosk, caplog):
    answers = Answers()
    boom = RuntimeError("the queue server went away")

    def work():
        raise boom

    with caplog.at_level(logging.ERROR, logger="screens.background"):
        run_in_background(work, name="test-error", done=answers.done, error=answers.error)
        kiosk.wait_until(lambda: answers.got)
    assert answers.got == [("error", boom, True)]
    (record,) = [r for r in caplog.records if r.name == "screens.background"]
    assert "test-error failed" in record.getMessage() and record.exc_info[1] is boom


def test_private_work_logs_the_kind_of_failure_never_its_text(kiosk, caplog):
    answers = Answers()

    def work():
        raise ValueError("dowód osobisty Kowalski")  # what a resident typed

    with caplog.at_level(logging.DEBUG, logger="screens.background"):
        run_in_background(work, name="test-private", private=True, done=answers.done,
                          error=answers.error)
        kiosk.wait_until(lambda: answers.got)
    assert answers.got[0][0] == "error"
    assert "ValueError" in caplog.text and "Kowalski" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records)


def test_an_answer_the_screen_no_longer_wants_is_dropped(kiosk, caplog):
    answers, gen, release = Answers(), Generation(), threading.Event()
    token = gen.new()

    def work():
        release.wait(5)
        return "old"

    def failing():
        release.wait(5)
        raise RuntimeError("late")

    with caplog.at_level(logging.DEBUG, logger="screens.background"):
        run_in_background(work, name="test-stale", done=answers.done, error=answers.error,
                          current=token)
        run_in_background(failing, name="test-stale-error", done=answers.done,
                          error=answers.error, current=token)
        newer = gen.new()  # the resident typed on: the first answers are stale
        assert token() is False and newer() is True
        release.set()
        kiosk.wait_until(lambda: caplog.text.count("answer dropped") == 2)
        kiosk.frames(3)
    assert answers.got == []
    gen.drop()  # the screen moved on: nothing running is wanted any more
    assert newer() is False


def test_serial_jobs_run_in_order_and_a_stale_one_is_never_run(kiosk):
    answers, gen, ran = Answers(), Generation(), []
    started, gate = threading.Event(), threading.Event()

    def job(n):
        def work():
            if n == 1:
                started.set()
                gate.wait(5)  # holds the line while the others queue up
            ran.append((n, threading.current_thread().name))
            return n
        return work

    tokens = {}
    for n in (1, 2, 3):
        tokens[n] = gen.new()
        run_in_background(job(n), name=f"test-serial-{n}", serial="test-serial",
                          done=answers.done, error=answers.error, current=tokens[n])
        if n == 1:
            assert started.wait(5)
    # Job 1 was already running when 2 and 3 were asked for: its answer is stale too, but it
    # ran; job 2 was stale before its turn and never ran.
    gate.set()
    kiosk.wait_until(lambda: answers.got)
    kiosk.frames(3)
    assert [n for n, _name in ran] == [1, 3]
    assert {name for _n, name in ran} == {"test-serial"}  # one worker for the line
    assert answers.got == [("done", 3, True)]


def test_work_nobody_waits_for_only_logs_its_failure(kiosk, caplog):
    finished = threading.Event()

    def work():
        finished.set()
        raise OSError("disk full")

    with caplog.at_level(logging.ERROR, logger="screens.background"):
        run_in_background(work, name="test-quiet", done=None, error=None)
        kiosk.wait_until(lambda: "test-quiet failed" in caplog.text)
        kiosk.frames(3)  # the hand-back with no callback is harmless
    assert finished.is_set()
