"""Progress lines for long runs: at most one line every few seconds, to stderr."""
import sys
import time


class Throttle:
    """Call ``report(text)`` at most once per ``interval`` seconds (plus a forced last line)."""

    def __init__(self, interval=5.0, stream=None):
        self.interval = interval
        self.stream = stream or sys.stderr
        self.last = -float("inf")

    def __call__(self, text, force=False):
        now = time.monotonic()
        if force or now - self.last >= self.interval:
            self.last = now
            print(f"[lmt-scan] {text}", file=self.stream, flush=True)


def dynesty_printer(interrupt, quiet=False, interval=5.0):
    """A dynesty ``print_func``: dynesty's status line every ``interval`` s (its default
    rewrites one terminal line per iteration, which floods logs), and the iteration
    boundary where a deferred Ctrl-C (:class:`DeferredInterrupt`) stops the run."""
    from dynesty.utils import get_print_fn_args
    throttle = Throttle(interval)

    def print_func(itresult, niter, ncall, **kwargs):
        interrupt.check()
        if quiet:
            return
        kwargs.pop("pbar", None)
        args = get_print_fn_args(itresult, niter, ncall, **kwargs)
        throttle("dynesty: iter {} | ".format(args.niter) + " | ".join(args.mid_str))
    return print_func


class DeferredInterrupt:
    """Turn Ctrl-C into a flag checked between sampler iterations.

    Samplers wrap the likelihood in code that prints a traceback for *any* exception,
    KeyboardInterrupt included; deferring the interrupt to an iteration boundary gives a
    clean stop (checkpoint, message) instead.  ``check()`` raises KeyboardInterrupt once
    Ctrl-C was pressed.  Outside the main thread it does nothing.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        self.requested = True

    def __enter__(self):
        import signal
        import threading
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        import signal
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False

    def check(self):
        if self.requested:
            raise KeyboardInterrupt
