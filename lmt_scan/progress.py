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
    eta = RemainingTime()

    def print_func(itresult, niter, ncall, **kwargs):
        interrupt.check()
        if quiet:
            return
        kwargs.pop("pbar", None)
        args = get_print_fn_args(itresult, niter, ncall, **kwargs)
        remaining = eta(niter, itresult.delta_logz, kwargs.get("dlogz"))
        throttle("dynesty: iter {} | ".format(args.niter) + " | ".join(args.mid_str)
                 + f" | calls {ncall} | {eta.elapsed():.0f} s" + remaining)
    return print_func


class RemainingTime:
    """Estimate of the time left in nested sampling from the decay of the remaining
    evidence: ln(e^Δ − 1) (Δ = dynesty's dlogz) falls about linearly with the iteration
    once the posterior bulk is reached; extrapolate its slope over the last ``window``
    seconds down to the stopping value."""

    def __init__(self, window=10.0):
        self.t0 = time.monotonic()
        self.window = window
        self.history = []     # (iteration, ln(e^Δ − 1), time)

    def elapsed(self):
        return time.monotonic() - self.t0

    def __call__(self, niter, delta_logz, target):
        import math

        def log_expm1(x):   # ln(e^x − 1) without overflow
            return x + math.log(-math.expm1(-x))
        if target is None or not (0.0 < delta_logz < 10.0) or target <= 0.0:
            return ""       # (before Δ < 10 the bulk is not reached: no linear decay yet)
        now = time.monotonic()
        self.history.append((niter, log_expm1(delta_logz), now))
        while len(self.history) > 2 and self.history[1][2] < now - self.window:
            self.history.pop(0)
        (it0, level0, t0), (it1, level1, _) = self.history[0], self.history[-1]
        if it1 <= it0 or level1 >= level0 or now - t0 < 1.0:
            return ""
        iters_left = (level1 - log_expm1(target)) * (it1 - it0) / (level0 - level1)
        return f" | ~{max(iters_left, 0.0) * (now - t0) / (it1 - it0):.0f} s left"


STOP_SIGNALS = ("SIGINT", "SIGTERM")
received = []     # signal numbers of stop requests in this process (first one decides)


def _signals():
    import signal
    return [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]


def _stopping_handler(signum, frame):
    """After the first stop request: further Ctrl-C / SIGTERM are noted, never obeyed, so
    they cannot interrupt the checkpoint that is being written."""
    received.append(signum)
    print("[lmt-scan] already stopping: saving the checkpoint, please wait", file=sys.stderr,
          flush=True)


def raise_on_signal(signum, frame):
    """Handler outside the sampling loop: SIGTERM behaves like Ctrl-C (KeyboardInterrupt)."""
    import signal
    received.append(signum)
    for sig in _signals():
        signal.signal(sig, _stopping_handler)
    raise KeyboardInterrupt


def install_stop_handlers():
    """SIGINT and SIGTERM both become KeyboardInterrupt (main thread only).

    Under mpiexec only rank 0 obeys them: it checkpoints, prints the one stop line and
    then releases the other ranks, which ignore the signals (the launcher or the
    scheduler sends them to every rank; a worker rank that stopped on its own would end
    the whole job before rank 0 has saved anything)."""
    import signal
    import threading
    from .parallel import launcher_rank
    if threading.current_thread() is threading.main_thread():
        for sig in _signals():
            signal.signal(sig, raise_on_signal if launcher_rank() == 0 else signal.SIG_IGN)


class DeferredInterrupt:
    """Turn Ctrl-C and SIGTERM into a flag checked between sampler iterations.

    Samplers wrap the likelihood in code that prints a traceback for *any* exception,
    KeyboardInterrupt included; deferring the interrupt to an iteration boundary gives a
    clean stop (checkpoint, message) instead.  ``check()`` raises KeyboardInterrupt once
    a signal arrived.  Once stopping, later signals are ignored (see _stopping_handler)
    until the process ends, so the checkpoint write that follows cannot be cut.  Outside
    the main thread it does nothing.
    """

    def __init__(self):
        self.requested = False
        self._previous = {}

    def _handler(self, signum, frame):
        if self.requested:
            _stopping_handler(signum, frame)
            return
        received.append(signum)
        self.requested = True

    def __enter__(self):
        import signal
        import threading
        if threading.current_thread() is threading.main_thread():
            for sig in _signals():
                self._previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc):
        import signal
        for sig, previous in self._previous.items():
            signal.signal(sig, _stopping_handler if self.requested else previous)
        return False

    def check(self):
        if self.requested:
            raise KeyboardInterrupt
