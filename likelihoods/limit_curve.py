"""A published upper limit on g′(m_Z′) read from a data file — a new bound needs no code.

The file holds (mass, g′ limit) pairs, whitespace-separated, ``#`` comments (DarkCast's
``.lmt`` layout).  ``file`` is the name of a shipped curve
(``likelihoods/data/limits_2025/curves.yaml``; provenance and GPL notice beside it) or a path,
relative to the run card's directory (``lmt_scan.card_paths``; run.yaml records it absolute).

The limit is interpolated linearly in (log m, log g′).  Outside the file's mass range, and on
a segment that touches a filler row (g′ ≥ 1e5·0.999, DarkCast's "no constraint here"), the
curve says nothing: log L = 0.

``shape: hard`` rejects g′ above the curve (reason ``<file stem>_excluded``).
``shape: smooth`` treats the signal strength μ = (g′/g′_lim)^power (``power``: the power of g′
the signal scales with, 2 for production ∝ g′², as ``babar_mumu``) as a half-Gaussian with
Δχ²(cl) at the limit: χ² = Δχ²·μ², Δχ²(cl) the 1-dof χ² quantile (2.71 at 90 %, 3.84 at 95 %).
"""
import math
from pathlib import Path

import numpy as np
import yaml

from lmt_scan import card_paths
from lmt_scan.errors import ConfigError, PointRejected
from lmt_scan.options import Option
from lmt_scan.plugins import Likelihood

CATALOG_DIR = "limits_2025"
CATALOG = "curves.yaml"
FILLER = 1.0e5 * 0.999    # DarkCast's "no constraint" value is 1e5; tolerate rounding
MASS_UNITS_GEV = {"GeV": 1.0, "MeV": 1.0e-3}


def parse_curve(text, where):
    """(mass, limit, covered) from the text of a curve file; ConfigError naming the line.

    ``covered[i]`` says whether segment [mass_i, mass_{i+1}] carries a limit (no filler at
    either end).  Masses must be positive and strictly increasing, limits positive.
    """
    mass, limit = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].split()
        if not content:
            continue

        def bad(message):
            return ConfigError(f"line {number}: {message}", where=where, field="file")
        if len(content) != 2:
            raise bad(f"expected two numbers (mass, g' limit), got {len(content)} fields")
        try:
            m, g = float(content[0]), float(content[1])
        except ValueError:
            raise bad(f"not a number: {line.strip()!r}") from None
        if not (math.isfinite(m) and math.isfinite(g)) or m <= 0.0 or g <= 0.0:
            raise bad(f"mass and limit must be finite and positive, got {m!r}, {g!r}")
        if mass and m <= mass[-1]:
            raise bad(f"masses must increase (got {m!r} after {mass[-1]!r})")
        mass.append(m)
        limit.append(g)
    mass, limit = np.array(mass), np.array(limit)
    is_filler = limit >= FILLER
    if len(mass) < 2 or np.count_nonzero(~is_filler) < 1:
        raise ConfigError("needs at least two rows and one that is not the 1e5 filler",
                          where=where, field="file")
    covered = ~(is_filler[:-1] | is_filler[1:])
    return mass, limit, covered


def curve_limit(m, mass, limit, covered):
    """g′ limit at masses ``m`` (array, the file's unit) by log–log interpolation; NaN where
    the curve says nothing (outside its range or on a filler segment)."""
    m = np.atleast_1d(np.asarray(m, float))
    out = np.full(m.shape, np.nan)
    inside = (m >= mass[0]) & (m <= mass[-1])
    if not inside.any():
        return out
    i = np.clip(np.searchsorted(mass, m[inside], side="right") - 1, 0, len(mass) - 2)
    ok = covered[i]
    idx = np.nonzero(inside)[0][ok]
    i = i[ok]
    lm = np.log(m[idx])
    t = (lm - np.log(mass[i])) / (np.log(mass[i + 1]) - np.log(mass[i]))
    out[idx] = np.exp(np.log(limit[i]) + t * (np.log(limit[i + 1]) - np.log(limit[i])))
    return out


def shipped_curves():
    """{name: catalog entry} of the shipped curves."""
    path = Path(__file__).resolve().parent / "data" / CATALOG_DIR / CATALOG
    with open(path) as handle:
        return yaml.safe_load(handle)


def limit_curve_loglike(g_p, g_lim, shape, cl, power):
    """log L of coupling ``g_p`` against limit ``g_lim`` (NaN: no constraint → 0)."""
    if not math.isfinite(g_lim):
        return 0.0
    ratio = g_p / g_lim
    if shape == "hard":
        return 0.0 if ratio <= 1.0 else -math.inf
    from scipy.stats import chi2   # lazy: scipy.stats costs ~0.4 s to import (lmt-scan point)
    return -0.5 * chi2.ppf(cl, 1) * ratio ** (2.0 * power)


class LimitCurve(Likelihood):
    """Upper limit on g′(m_Z′) from a (mass, limit) file: hard cut or smooth χ²."""

    name = "limit_curve"
    description = ("a published g'(m_Z') upper limit from a data file (a path, or a shipped "
                   "curve: " + ", ".join(k for k, v in shipped_curves().items()
                                         if v.get("use") != "plot") + ")")
    options = {
        "file": Option(str, "Borexino_Bauer2018onh", "the name of a shipped curve, or a "
                       "curve file (path relative to the run card's directory)"),
        "mass_unit": Option(str, "GeV", "unit of the file's mass column",
                            choices=tuple(MASS_UNITS_GEV)),
        "cl": Option(float, None, "confidence level of the curve (default: the shipped "
                     "curve's, else 0.90)", minimum=0.0, exclusive_minimum=True, maximum=0.9999),
        "shape": Option(str, "smooth", "hard: -inf above the curve; smooth: chi2 = "
                        "dchi2(cl) (g'/g'_lim)^(2 power)", choices=("smooth", "hard")),
        "power": Option(float, None, "power of g' the signal scales with (default: the "
                        "shipped curve's, else 2)", minimum=0.0, exclusive_minimum=True),
        "citation": Option(str, "", "reference of the curve (shipped curves have their own)"),
    }
    requires = ()

    def setup(self):
        name = self.opts["file"]
        catalog = shipped_curves()
        entry = catalog.get(name)
        if entry is not None:
            if entry.get("use") == "plot":
                raise ConfigError(f"shipped curve {name!r} is for plots only, not an upper "
                                  "limit", field="file")
            path = self.data_path(f"{CATALOG_DIR}/{entry['file']}")
        else:   # a path: relative to the run card's directory
            path = card_paths.resolve(name)
            if not path.is_file():
                raise ConfigError(f"no such file {name!r} (relative paths are read from "
                                  f"{card_paths.base_directory()}) nor shipped curve (shipped: "
                                  f"{', '.join(catalog)})", field="file")
            path = path.resolve()
            self.resolved_paths = {"file": str(path)}   # run.yaml names the file read
            entry = {}
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {exc}", where=str(path), field="file") from None
        self.path = str(path)
        self.reason = f"{path.stem}_excluded"   # one count per curve
        mass, self.limits, self.covered = parse_curve(text, str(path))
        self.mass_GeV = mass * MASS_UNITS_GEV[self.opts["mass_unit"]]
        if self.opts["cl"] is None:
            self.opts["cl"] = float(entry.get("cl", 0.90))
        if self.opts["power"] is None:
            self.opts["power"] = float(entry.get("power", 2.0))
        if not self.opts["citation"]:
            self.opts["citation"] = entry.get("citation", "")

    def limit(self, m_GeV):
        """g′ limit at m_Z′ [GeV] (array), NaN where the curve says nothing."""
        return curve_limit(m_GeV, self.mass_GeV, self.limits, self.covered)

    def loglike(self, point):
        g_lim = float(self.limit(point.m_Zp_GeV)[0])
        value = limit_curve_loglike(point.g_p, g_lim, self.opts["shape"], self.opts["cl"],
                                    self.opts["power"])
        if value == -math.inf:
            raise PointRejected(self.reason)
        return value
