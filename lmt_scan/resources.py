"""Sizes a run card asks for, checked against this machine before anything starts.

A sampler adapter states, as lower bounds, the memory and disk its settings make a run
hold (``SamplerAdapter.resource_needs``: live points, kept samples, stored steps).  A
setting that cannot fit (``nlive: 1e8`` on a 32 GB node, ``nsteps: 1e9``) is refused here
naming its field, within a second, instead of allocating until MemoryError or filling
the disk hours later.  Lower bounds only: a run that passes may still need more.
"""
import os
import resource
import shutil
from pathlib import Path

from .errors import ConfigError

FLOAT_BYTES = 8


def available_memory_bytes():
    """Memory this process may still take [bytes]: the least of MemAvailable (Linux),
    the address-space limit (ulimit -v) left and the cgroup v2 limit left."""
    limits = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        try:
            used = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            used = 0
        limits.append(max(soft - used, 0))
    try:
        cgroup = Path("/sys/fs/cgroup")
        top = (cgroup / "memory.max").read_text().strip()
        if top != "max":
            limits.append(max(int(top) - int((cgroup / "memory.current").read_text()), 0))
    except (OSError, ValueError):
        pass
    return min(limits) if limits else None


def free_disk_bytes(path):
    """Free bytes on the file system that holds ``path`` (or its nearest existing parent)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def _size(nbytes):
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes:.0f} B"


def check_resources(needs, out_dir, memory=None, disk=None):
    """Refuse (ConfigError naming the field) a need that exceeds this machine.

    ``needs`` is ``[(field, "memory" | "disk", bytes, what)]``; the memory needs add up
    (one process holds them all), each disk need is compared alone with the free space
    of ``out_dir``'s file system.  ``memory``/``disk`` override the measured amounts.
    """
    memory = available_memory_bytes() if memory is None else memory
    total = sum(n for _, kind, n, _ in needs if kind == "memory")
    if memory is not None and total > memory:
        field, _, nbytes, what = max((n for n in needs if n[1] == "memory"), key=lambda n: n[2])
        raise ConfigError(f"{what} need at least {_size(nbytes)} of memory (the run at least "
                          f"{_size(total)}), more than the {_size(memory)} available here: "
                          "lower it", field=field)
    for field, kind, nbytes, what in needs:
        if kind != "disk":
            continue
        free = free_disk_bytes(out_dir) if disk is None else disk
        if free is not None and nbytes > free:
            raise ConfigError(f"{what} need at least {_size(nbytes)} of disk, more than the "
                              f"{_size(free)} free under {out_dir}: lower it", field=field)


def row_bytes(n_columns):
    """Bytes of one stored sample row with ``n_columns`` numbers (chain table, NumPy)."""
    return n_columns * FLOAT_BYTES
