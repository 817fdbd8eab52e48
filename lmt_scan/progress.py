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


def dynesty_printer(interval=5.0):
    """A dynesty ``print_func`` printing dynesty's status line every ``interval`` s
    (its default rewrites one terminal line per iteration, which floods logs)."""
    from dynesty.utils import get_print_fn_args
    throttle = Throttle(interval)

    def print_func(itresult, niter, ncall, **kwargs):
        kwargs.pop("pbar", None)
        args = get_print_fn_args(itresult, niter, ncall, **kwargs)
        throttle("dynesty: iter {} | ".format(args.niter) + " | ".join(args.mid_str))
    return print_func
