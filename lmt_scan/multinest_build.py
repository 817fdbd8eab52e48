"""Build MultiNest's shared library into a prefix lmt-scan finds by itself, and load it.

``lmt-scan build-multinest [SOURCE]`` builds ``libmultinest.so`` (and ``libmultinest_mpi.so``
when an MPI Fortran compiler exists) from SOURCE — a MultiNest checkout or a ``.tar.gz`` of
one — or from a clone of https://github.com/JohannesBuchner/MultiNest when SOURCE is not
given.  The libraries go to ``prefix()/lib``; :func:`preload` loads them by absolute path
before pymultinest looks for them, so no ``LD_LIBRARY_PATH`` is needed.

The libraries are linked with an unversioned soname (``libmultinest.so``): a library
already loaded under that soname satisfies pymultinest's ``cdll.LoadLibrary('libmultinest.so')``.
"""
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .errors import ConfigError

REPOSITORY = "https://github.com/JohannesBuchner/MultiNest"
DEBIAN_PACKAGES = {"gfortran": "gfortran", "cmake": "cmake", "lapack": "liblapack-dev",
                   "mpi": "libopenmpi-dev"}
PREFIX_ENV = "LMT_SCAN_MULTINEST_PREFIX"


def prefix_candidates():
    """Prefixes searched for ``lib/libmultinest.so``, first match wins."""
    found = []
    if os.environ.get(PREFIX_ENV):
        found.append(Path(os.environ[PREFIX_ENV]))
    found.append(Path(sys.prefix) / "share" / "lmt-scan" / "multinest")
    found.append(Path.home() / ".local" / "share" / "lmt-scan" / "multinest")
    return found


def default_prefix():
    """Where a build goes: $LMT_SCAN_MULTINEST_PREFIX, else inside the Python environment
    when writable, else ~/.local/share/lmt-scan/multinest."""
    for candidate in prefix_candidates():
        probe = candidate
        while not probe.exists():
            probe = probe.parent
        if os.access(probe, os.W_OK):
            return candidate
    return prefix_candidates()[-1]


def library_path(mpi=False):
    """Absolute path of the built library (or one on the system search path), else None."""
    name = "libmultinest_mpi.so" if mpi else "libmultinest.so"
    for candidate in prefix_candidates():
        path = candidate / "lib" / name
        if path.is_file():
            return path
    for directory in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep):
        if directory and (Path(directory) / name).is_file():
            return Path(directory) / name
    import ctypes.util
    if ctypes.util.find_library(name[3:-3]):
        return Path(name)        # the loader finds it by name
    return None


def preload(mpi=False):
    """Load libmultinest by absolute path, so that pymultinest's load by name finds it;
    True when loaded.  RTLD_LOCAL: the serial and the MPI library define the same symbols,
    and with the serial one global the MPI library's ``run`` would call the serial
    library's nestRun (a crash under mpiexec)."""
    path = library_path(mpi)
    if path is None:
        return False
    try:
        ctypes.CDLL(str(path), mode=ctypes.RTLD_LOCAL)
    except OSError:
        return False
    return True


def missing_tools(mpi=False):
    """Names (keys of DEBIAN_PACKAGES) of the build tools this machine lacks."""
    missing = [tool for tool in ("gfortran", "cmake") if shutil.which(tool) is None]
    if not any(Path(d, f"liblapack{ext}").exists() for d in _lib_dirs() for ext in (".so", ".a")):
        missing.append("lapack")
    if mpi and shutil.which("mpif90") is None and shutil.which("mpifort") is None:
        missing.append("mpi")
    return missing


def _lib_dirs():
    dirs = ["/usr/lib", "/usr/local/lib", "/usr/lib64", "/lib"]
    dirs += [str(p) for p in Path("/usr/lib").glob("*-linux-gnu")]
    return dirs


def gfortran_major():
    """Major version of gfortran (0 when unknown)."""
    try:
        text = subprocess.run(["gfortran", "-dumpversion"], capture_output=True, text=True,
                              timeout=30).stdout
        return int(re.match(r"\d+", text.strip()).group())
    except (OSError, AttributeError, ValueError, subprocess.SubprocessError):
        return 0


def _source_tree(source, tmp):
    """Directory holding MultiNest's top-level CMakeLists.txt."""
    if source is None:
        if shutil.which("git") is None:
            raise ConfigError("git is needed to clone MultiNest (apt-get install git), or give "
                              "a local checkout/tarball", field="source")
        dest = Path(tmp) / "MultiNest"
        run = subprocess.run(["git", "clone", "--depth", "1", REPOSITORY, str(dest)],
                             capture_output=True, text=True, timeout=600)
        if run.returncode:
            raise ConfigError(f"git clone {REPOSITORY} failed: {run.stderr.strip()[-200:]}",
                              field="source")
        return dest
    source = Path(source)
    if source.is_file():
        try:
            with tarfile.open(source) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise ConfigError(f"cannot unpack: {exc}", where=str(source), field="source") from None
        source = Path(tmp)
    for candidate in [source, *sorted(source.glob("*/"))]:
        if (candidate / "CMakeLists.txt").is_file() and (candidate / "src").is_dir():
            return candidate
    raise ConfigError("no MultiNest sources (CMakeLists.txt + src/) here", where=str(source),
                      field="source")


def build(source=None, prefix=None, mpi=None, jobs=2, log=print):
    """Build and install libmultinest[_mpi].so into ``prefix``/lib; returns the paths.

    ``mpi`` None: build the MPI variant when an MPI Fortran compiler exists.
    """
    if mpi is None:
        mpi = shutil.which("mpif90") is not None or shutil.which("mpifort") is not None
    missing = missing_tools(mpi)
    if missing:
        packages = " ".join(DEBIAN_PACKAGES[m] for m in missing)
        raise ConfigError(f"missing {', '.join(missing)}: install them, e.g. "
                          f"apt-get install {packages}", field="build")
    prefix = Path(prefix) if prefix else default_prefix()
    flags = "-O2 -fPIC"
    if gfortran_major() >= 10:     # MultiNest's MPI calls mix LOGICAL/INTEGER buffers
        flags += " -fallow-argument-mismatch"
    with tempfile.TemporaryDirectory(prefix="lmt-multinest-") as tmp:
        tree = _source_tree(source, tmp)
        work = Path(tmp) / "tree"
        shutil.copytree(tree, work)        # never write into the user's checkout
        build_dir = work / "build-lmt"
        build_dir.mkdir()
        configure = ["cmake", "..", "-DCMAKE_BUILD_TYPE=Release",
                     f"-DCMAKE_Fortran_FLAGS={flags}",
                     "-DCMAKE_PLATFORM_NO_VERSIONED_SONAME=ON"]
        if not mpi:
            configure.append("-DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON")
        targets = ["multinest_shared"] + (["multinest_mpi_shared"] if mpi else [])
        for step in (configure, ["make", f"-j{jobs}", *targets]):
            log("$ " + " ".join(step))
            run = subprocess.run(step, cwd=build_dir, capture_output=True, text=True,
                                 timeout=1800)
            if run.returncode:
                tail = (run.stderr or run.stdout).strip().splitlines()[-3:]
                raise ConfigError(f"{step[0]} failed: {' | '.join(tail)}", field="build")
        (prefix / "lib").mkdir(parents=True, exist_ok=True)
        installed = []
        for name in ["libmultinest.so"] + (["libmultinest_mpi.so"] if mpi else []):
            built = work / "lib" / name
            if not built.is_file():
                raise ConfigError(f"build produced no {name}", field="build")
            target = prefix / "lib" / name
            tmp_target = target.with_suffix(".so.tmp")
            shutil.copy2(built, tmp_target)
            os.replace(tmp_target, target)
            installed.append(target)
        licence = tree / "LICENCE"
        if licence.is_file():
            shutil.copy2(licence, prefix / "LICENCE-MultiNest")
    return installed


def main(args):
    """``lmt-scan build-multinest`` entry: returns the exit code."""
    mpi = {"auto": None, "yes": True, "no": False}[args.mpi]
    paths = build(args.source, args.prefix, mpi, log=lambda m: print(m, file=sys.stderr))
    for path in paths:
        print(f"built {path}")
    return 0


def add_parser(sub):
    """Register the ``build-multinest`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("build-multinest", help="build libmultinest (MultiNest's shared library) "
                       "into a prefix lmt-scan finds by itself")
    p.add_argument("source", nargs="?", help="MultiNest checkout or .tar.gz (default: clone "
                   f"{REPOSITORY})")
    p.add_argument("--prefix", help=f"install prefix (default {default_prefix()}; "
                   f"lmt-scan also reads ${PREFIX_ENV})")
    p.add_argument("--mpi", choices=("auto", "yes", "no"), default="auto",
                   help="also build libmultinest_mpi.so (auto: when mpif90 exists)")
    p.set_defaults(func=main)
    return p
