"""Posterior summaries and plots from run directories (reads files only, never recomputes physics).

``analyze_run(RUN_DIR)`` writes into the run directory:

    summary.json                 ln Z, means, 68/95 % intervals, best fit, rejection counts
    corner.png/.pdf              free parameters, 68/95 % contours, log10 axes for log priors
    marginals.png/.pdf           1-D marginal posteriors with the 1-D profile likelihood
    profile.png/.pdf             2-D profile likelihood (Δχ² = 2.30, 6.18) over the marginal contours
    predictive.png/.pdf          posterior of derived quantities (Δa_μ, N_eff, σ_T/M1, y, ΔM …)
                                 with the data each likelihood compares them to
    getdist/lmt.txt, .paramnames, .ranges   the chain in getdist's layout (column 2 = −ln L)

``compare_runs`` overlays several runs and tabulates ln Z and Bayes factors.
Profiles are the maximum of ln L over the samples in each bin (samples of a nested run
cover the likelihood range; an MCMC run gives a rougher profile).
"""
import math
from pathlib import Path

import numpy as np

from . import output

GETDIST_DIR = "getdist"
GETDIST_ROOT = "lmt"
LEVELS = (0.68, 0.95)
PROFILE_DCHI2_2D = (2.30, 6.18)       # 68.3 / 95.4 % for two parameters
PROFILE_DCHI2_1D = (1.0, 4.0)
PLOT_EXTENSIONS = ("png", "pdf")

# LaTeX labels with units of the derived columns shown in plots (others: name [unit])
DERIVED_LABELS = {
    "delta_a_mu": r"$\Delta a_\mu^{Z'}$",
    "Neff": r"$N_{\rm eff}$",
    "delta_Neff": r"$\Delta N_{\rm eff}$",
    "y": r"$y$",
    "alpha_X": r"$\alpha_X$",
    "delta_M": r"$\Delta M$ [GeV]",
    "M2": r"$M_2$ [GeV]",
    "eps_AZp": r"$\epsilon_{AZ'}$",
    "tau_Zp_s": r"$\tau_{Z'}$ [s]",
    "tau_phi_s": r"$\tau_\phi$ [s]",
    "wd_ratio": r"$|G_{Z'}|/(C_V G_F)$",
    "borexino_ratio": r"$R/R_{\rm SM}$ (Borexino)",
    "ccfr_ratio": r"$\sigma/\sigma_{\rm SM}$ (CCFR)",
    "charm2_ratio": r"$\sigma/\sigma_{\rm SM}$ (CHARM-II)",
    "sigmaT_over_M.v30": r"$\sigma_T/M_1$ (30 km/s) [cm$^2$/g]",
    "sigmaT_over_M.v200": r"$\sigma_T/M_1$ (200 km/s) [cm$^2$/g]",
    "sigmaT_over_M.v1000": r"$\sigma_T/M_1$ (1000 km/s) [cm$^2$/g]",
}
# derived columns of the posterior-predictive panel, in this order (those present are drawn)
PREDICTIVE_COLUMNS = ("delta_a_mu", "Neff", "delta_Neff", "sigmaT_over_M.v30", "sigmaT_over_M.v200",
                      "sigmaT_over_M.v1000", "y", "delta_M")
# … and these only when a likelihood of the run compares them to data
CONSTRAINT_COLUMNS = ("ccfr_ratio", "charm2_ratio", "borexino_ratio", "wd_ratio")
SIGMAV_COLUMNS = {30.0: "sigmav_over_M.v30", 200.0: "sigmav_over_M.v200",
                  1000.0: "sigmav_over_M.v1000"}
# the paper's benchmarks (Fig. 1 stars, Fig. 3 crosses): m_Zp [MeV], g_p, m_phi [MeV], M1 [GeV]
PAPER_BENCHMARKS = (
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 10.0, "M1": 10.0},
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 20.0, "M1": 20.0},
    {"m_Zp": 10.0, "g_p": 5e-4, "m_phi": 80.0, "M1": 40.0},
    {"m_Zp": 50.0, "g_p": 7e-4},
)


def weighted_quantiles(values, weights, quantiles):
    """Quantiles of weighted samples (linear interpolation of the weighted CDF)."""
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cdf = np.cumsum(w) - 0.5 * w
    cdf /= np.sum(w)
    return np.interp(quantiles, cdf, v)


def summarize(chains):
    """Means, 68/95 % central intervals and best fit of every finite column."""
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    stats = {}
    for j, name in enumerate(chains["columns"]):
        col = chains["table"][:, j]
        ok = np.isfinite(col)
        if not ok.any() or w[ok].sum() <= 0.0:
            continue
        wj = w[ok] / w[ok].sum()
        q = weighted_quantiles(col[ok], wj, [0.025, 0.16, 0.5, 0.84, 0.975])
        mean = float(np.dot(wj, col[ok]))
        stats[name] = {"mean": mean, "std": float(math.sqrt(max(np.dot(wj, (col[ok] - mean) ** 2), 0))),
                       "median": float(q[2]), "interval68": [float(q[1]), float(q[3])],
                       "interval95": [float(q[0]), float(q[4])],
                       "best_fit": float(col[best])}
    return stats


# ---------------------------------------------------------------- columns and labels

def column(chains, name):
    """The values of column ``name`` (KeyError if the run has no such column)."""
    return chains["table"][:, chains["columns"].index(name)]


def free_parameters(chains):
    info = chains["run_info"]
    return list(info.get("free_parameters") or chains["columns"][:chains["n_params"]])


def is_log_axis(chains, name):
    return bool(chains["run_info"].get("log_axis", {}).get(name))


def label(chains, name, log=False):
    """Plot label of a column with its unit (``log10`` prefix on log axes)."""
    j = chains["columns"].index(name)
    text = chains["labels"][j] if j < chains["n_params"] else DERIVED_LABELS.get(name)
    if text is None:
        text = name
        try:   # the unit from the registry of derived quantities (no computation)
            from .derived import DERIVED
            unit = DERIVED[name.split(".")[0]].unit
            text += f" [{unit}]" if unit else ""
        except (ImportError, KeyError):
            pass
    return r"$\log_{10}$ " + text if log else text


def plot_values(chains, names):
    """N × len(names) array of the columns, log10 where the prior is log-uniform."""
    data = np.column_stack([column(chains, p) for p in names])
    for k, p in enumerate(names):
        if is_log_axis(chains, p):
            with np.errstate(divide="ignore", invalid="ignore"):
                data[:, k] = np.log10(data[:, k])
    return data


def _posterior_mask(chains):
    return (chains["weights"] > 0.0) & np.isfinite(chains["loglike"])


def _save(fig, out_dir, stem):
    import matplotlib.pyplot as plt
    for ext in PLOT_EXTENSIONS:
        fig.savefig(Path(out_dir) / f"{stem}.{ext}", bbox_inches="tight", dpi=110)
    plt.close(fig)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _mark_points(axes, names, points, log_flags, diagonal=True):
    """Draw benchmark points (dicts name → value) on a corner-layout axes grid."""
    n = len(names)
    for k, pt in enumerate(points or ()):
        vals = [pt.get(p) for p in names]
        vals = [None if v is None else (math.log10(v) if lg else v)
                for v, lg in zip(vals, log_flags)]
        style = dict(color=f"C{(k + 3) % 10}", zorder=5)
        for i in range(n):
            for j in range(i + 1):
                ax = axes[i, j]
                if i == j:
                    if diagonal and vals[i] is not None:
                        ax.axvline(vals[i], lw=1.2, ls="--", **style)
                elif vals[i] is not None and vals[j] is not None:
                    ax.plot(vals[j], vals[i], marker="*", ms=11, mec="k", mew=0.5, **style)


# ---------------------------------------------------------------- plots of one run

def corner_plot(chains, out_dir, truths=None, stem="corner"):
    """corner.png/.pdf of the free parameters: 68/95 % contours, log10 axes for log-uniform
    priors, units in labels, optional benchmark points (list of dicts) as stars."""
    _pyplot()
    import corner

    info = chains["run_info"]
    free = free_parameters(chains)
    mask = _posterior_mask(chains)
    data = plot_values(chains, free)[mask]
    labels = [label(chains, p, is_log_axis(chains, p)) for p in free]
    fig = corner.corner(data, weights=chains["weights"][mask], labels=labels, levels=LEVELS,
                        smooth=1.0, plot_datapoints=False, fill_contours=True,
                        show_titles=True, title_fmt=".3g", quantiles=(0.16, 0.5, 0.84))
    axes = np.array(fig.axes).reshape(len(free), len(free))
    _mark_points(axes, free, truths, [is_log_axis(chains, p) for p in free])
    fig.suptitle(f"{info.get('name', '')} — {info.get('sampler', '')} (68/95 % contours)",
                 y=1.02)
    _save(fig, out_dir, stem)


def profile_1d(x, loglike, edges):
    """Max ln L of the samples in each bin of ``edges`` (NaN for empty bins)."""
    idx = np.digitize(x, edges) - 1
    prof = np.full(len(edges) - 1, -np.inf)
    ok = (idx >= 0) & (idx < len(prof)) & np.isfinite(loglike)
    np.maximum.at(prof, idx[ok], loglike[ok])
    prof[~np.isfinite(prof)] = np.nan
    return prof


def profile_2d(x, y, loglike, x_edges, y_edges):
    """Max ln L of the samples in each (x, y) bin (NaN for empty bins), shape (ny, nx)."""
    ix, iy = np.digitize(x, x_edges) - 1, np.digitize(y, y_edges) - 1
    prof = np.full((len(y_edges) - 1, len(x_edges) - 1), -np.inf)
    ok = ((ix >= 0) & (ix < prof.shape[1]) & (iy >= 0) & (iy < prof.shape[0])
          & np.isfinite(loglike))
    np.maximum.at(prof, (iy[ok], ix[ok]), loglike[ok])
    prof[~np.isfinite(prof)] = np.nan
    return prof


def _edges(values, nbins):
    finite = values[np.isfinite(values)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, nbins + 1)


def marginals_plot(chains, out_dir, truths=None, nbins=40):
    """1-D marginal posteriors (68/95 % shaded) with the 1-D profile likelihood
    exp(ln L − ln L_max) of each free parameter."""
    plt = _pyplot()
    free = free_parameters(chains)
    data = plot_values(chains, free)
    mask = _posterior_mask(chains)
    w = chains["weights"]
    fig, axes = plt.subplots(1, len(free), figsize=(3.4 * len(free), 3.0), squeeze=False)
    lmax = np.nanmax(np.where(np.isfinite(chains["loglike"]), chains["loglike"], np.nan))
    for k, (p, ax) in enumerate(zip(free, axes[0])):
        x = data[:, k]
        edges = _edges(x[np.isfinite(chains["loglike"])], nbins)
        hist, _ = np.histogram(x[mask], bins=edges, weights=w[mask])
        centres = 0.5 * (edges[1:] + edges[:-1])
        if hist.max() > 0:
            ax.stairs(hist / hist.max(), edges, color="C0", label="marginal posterior")
            q = weighted_quantiles(x[mask], w[mask], [0.025, 0.16, 0.84, 0.975])
            ax.axvspan(q[0], q[3], color="C0", alpha=0.12)
            ax.axvspan(q[1], q[2], color="C0", alpha=0.2)
        prof = profile_1d(x, chains["loglike"], edges)
        ax.plot(centres, np.exp(prof - lmax), color="C3", lw=1.5, label="profile likelihood")
        for pt in truths or ():
            if p in pt:
                ax.axvline(math.log10(pt[p]) if is_log_axis(chains, p) else pt[p],
                           color="k", ls="--", lw=1)
        ax.set_xlabel(label(chains, p, is_log_axis(chains, p)))
        ax.set_ylim(0, 1.08)
    axes[0, 0].set_ylabel("relative density / likelihood")
    axes[0, 0].legend(fontsize=7, loc="best")
    fig.tight_layout()
    _save(fig, out_dir, "marginals")


def profile_plot(chains, out_dir, truths=None, nbins=30):
    """2-D profile likelihood of each pair of free parameters: filled Δχ² = 2.30 / 6.18
    regions (68 / 95 % for 2 parameters) beside the marginal-posterior 68/95 % contours."""
    plt = _pyplot()
    import corner
    free = free_parameters(chains)
    n = len(free)
    data = plot_values(chains, free)
    ll = chains["loglike"]
    finite = np.isfinite(ll)
    lmax = ll[finite].max()
    mask = _posterior_mask(chains)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 0.6, 2.6 * n + 0.6), squeeze=False)
    edges = [_edges(data[finite, k], nbins) for k in range(n)]
    for i in range(n):
        for j in range(n):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                centres = 0.5 * (edges[i][1:] + edges[i][:-1])
                dchi2 = -2.0 * (profile_1d(data[:, i], ll, edges[i]) - lmax)
                ax.plot(centres, dchi2, color="C3")
                for level in PROFILE_DCHI2_1D:
                    ax.axhline(level, color="grey", lw=0.6, ls=":")
                ax.set_ylim(0, 9)
                ax.set_ylabel(r"$\Delta\chi^2$" if i == 0 else "")
            else:
                prof = profile_2d(data[:, j], data[:, i], ll, edges[j], edges[i])
                dchi2 = np.where(np.isfinite(prof), -2.0 * (prof - lmax), 1e3)
                ax.contourf(0.5 * (edges[j][1:] + edges[j][:-1]),
                            0.5 * (edges[i][1:] + edges[i][:-1]), dchi2,
                            levels=[0.0, PROFILE_DCHI2_2D[0], PROFILE_DCHI2_2D[1]],
                            colors=["#d62728", "#f4a6a6"], alpha=0.8)
                if mask.sum() > 10:
                    corner.hist2d(data[mask, j], data[mask, i], ax=ax, weights=chains["weights"][mask],
                                  levels=LEVELS, plot_datapoints=False, plot_density=False,
                                  no_fill_contours=True, smooth=1.0,
                                  range=[(edges[j][0], edges[j][-1]), (edges[i][0], edges[i][-1])],
                                  contour_kwargs={"colors": "k", "linewidths": 0.8})
            if i == n - 1:
                ax.set_xlabel(label(chains, free[j], is_log_axis(chains, free[j])))
            if j == 0 and i > 0:
                ax.set_ylabel(label(chains, free[i], is_log_axis(chains, free[i])))
            ax.set_xlim(edges[j][0], edges[j][-1])
            if i != j:
                ax.set_ylim(edges[i][0], edges[i][-1])
    _mark_points(axes, free, truths, [is_log_axis(chains, p) for p in free], diagonal=False)
    fig.suptitle("profile likelihood (red: Δχ² < 2.30 / 6.18) and marginal posterior "
                 "(black: 68/95 %)", fontsize=9)
    fig.tight_layout()
    _save(fig, out_dir, "profile")


# ---------------------------------------------------------------- posterior predictive

def reference_data(card):
    """{column: [reference, …]}: what each likelihood of the run card compares a derived
    column to.  A reference is a dict with ``kind`` gaussian (mean, sigma), window (low,
    high; low may be 0) or upper (limit), and a ``label``.  Plugins may add their own
    through a ``reference()`` method returning the same mapping."""
    from .config import _likelihoods
    from .errors import ConfigError
    refs = {}
    try:
        plugins = _likelihoods(card.get("likelihoods") or {})
    except ConfigError:   # a plugin of the run is not installed here: no references
        return refs

    def add(col, **ref):
        refs.setdefault(col, []).append(ref)

    for lab, plugin in plugins.items():
        name, opts = plugin.name, plugin.opts
        if hasattr(plugin, "reference"):
            for col, ref_list in plugin.reference().items():
                for ref in ref_list:
                    add(col, **ref)
        elif name == "muon_g2":
            add("delta_a_mu", kind="gaussian", mean=plugin.delta, sigma=plugin.sigma,
                label=f"{lab}: {opts['dataset']}")
        elif hasattr(plugin, "ratio_name") and hasattr(plugin, "value"):   # trident
            add(plugin.ratio_name, kind="gaussian", mean=plugin.value, sigma=plugin.sigma,
                label=lab)
        elif name == "borexino":
            add("borexino_ratio", kind="window", low=1 - opts["tolerance"],
                high=1 + opts["tolerance"], label=f"{lab}: ±{opts['tolerance']:.0%}")
        elif name == "white_dwarf":
            add("wd_ratio", kind="upper", limit=opts["limit"], label=lab)
        elif name == "neff":
            shift = opts["sm_value"] if opts["sm_shift"] else 0.0   # compares sm_value + ΔN_eff
            col = "delta_Neff" if opts["sm_shift"] else "Neff"
            if opts["shape"] == "hard":
                add(col, kind="upper", limit=plugin.upper_limit - shift,
                    label=f"{lab}: {opts['dataset']}")
            else:
                add(col, kind="gaussian", mean=plugin.mean - shift, sigma=plugin.sigma,
                    label=f"{lab}: {opts['dataset']}" + (f" − {shift:g}" if shift else ""))
        elif name == "sidm_targets":
            from likelihoods.sidm_targets import WINDOWS
            for window in opts["use"]:
                add(f"sigmaT_over_M.{WINDOWS[window][0]}", kind="window",
                    low=opts[f"{window}_min"], high=opts[f"{window}_max"],
                    label=f"{lab}: {window}")
    return refs


def halo_points(card):
    """(class, ⟨v⟩ [km/s], ⟨σv⟩/M [cm²/g km/s], 1σ in dex) of the halo data if the run
    uses ``sidm_halos``, else None."""
    for lab, opts in (card.get("likelihoods") or {}).items():
        if (opts or {}).get("plugin", lab) == "sidm_halos":
            from likelihoods.sidm_halos import DATA_FILE, SidmHalos, load_halos
            kind, cols = load_halos(SidmHalos(**{k: v for k, v in (opts or {}).items()
                                                 if k != "plugin"}).data_path(DATA_FILE))
            return (kind, 10 ** cols["log10_v_mean_kms"], 10 ** cols["log10_sigmav_over_m"],
                    cols["log10_sigmav_err"])
    return None


def _draw_reference(ax, ref, colour):
    kind = ref["kind"]
    if kind == "gaussian":
        for n, alpha in ((2, 0.15), (1, 0.3)):
            ax.axvspan(ref["mean"] - n * ref["sigma"], ref["mean"] + n * ref["sigma"],
                       color=colour, alpha=alpha, lw=0)
        ax.axvline(ref["mean"], color=colour, lw=1, label=ref["label"])
    elif kind == "window":
        low = ref["low"] if ref["low"] > 0 else ax.get_xlim()[0]
        ax.axvspan(low, ref["high"], color=colour, alpha=0.25, lw=0, label=ref["label"])
    elif kind == "upper":
        ax.axvline(ref["limit"], color=colour, lw=1.5, ls="--", label=ref["label"] + " (limit)")


def predictive_plot(chains, out_dir, nbins=40):
    """Posterior of the derived quantities of PREDICTIVE_COLUMNS present in the run (and
    ⟨σ_T v⟩/M1 vs ⟨v⟩ with the halo data), each with the data it is compared to.
    Returns the list of columns drawn."""
    plt = _pyplot()
    mask = _posterior_mask(chains)
    w = chains["weights"]
    refs = reference_data(chains["card"])
    drawn = []
    for name in PREDICTIVE_COLUMNS + tuple(c for c in CONSTRAINT_COLUMNS if c in refs):
        if name in chains["columns"]:
            x = column(chains, name)
            ok = mask & np.isfinite(x)
            if ok.any() and np.ptp(x[ok]) > 0:
                drawn.append(name)
    sigmav = all(c in chains["columns"] for c in SIGMAV_COLUMNS.values()) and \
        (mask & np.isfinite(column(chains, SIGMAV_COLUMNS[30.0]))).any()
    panels = len(drawn) + int(sigmav)
    if panels == 0:
        return []
    ncol = min(4, panels)
    nrow = -(-panels // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 2.9 * nrow), squeeze=False)
    flat = axes.ravel()
    for ax, name in zip(flat, drawn):
        x = column(chains, name)
        ok = mask & np.isfinite(x)
        xv, wv = x[ok], w[ok]
        lo, hi = weighted_quantiles(xv, wv, [0.001, 0.999])   # not the far tails
        log = bool(lo > 0 and hi / lo > 30)
        if hi <= lo:
            lo, hi = xv.min(), xv.max()
        edges = np.geomspace(lo, hi, nbins + 1) if log else _edges(np.array([lo, hi]), nbins)
        ax.hist(xv, bins=edges, weights=wv, density=True, color="C0", alpha=0.6,
                label="posterior")
        if log:
            ax.set_xscale("log")
        for k, ref in enumerate(refs.get(name, ())):
            _draw_reference(ax, ref, f"C{k + 1}")
        ax.set_xlabel(label(chains, name))
        ax.set_yticks([])
        ax.legend(fontsize=6, loc="best")
    if sigmav:
        ax = flat[len(drawn)]
        v = np.array(sorted(SIGMAV_COLUMNS))
        values = np.column_stack([column(chains, SIGMAV_COLUMNS[vi]) for vi in v])
        ok = mask & np.all(np.isfinite(values), axis=1)
        bands = np.array([weighted_quantiles(values[ok, k], w[ok], [0.025, 0.16, 0.5, 0.84, 0.975])
                          for k in range(len(v))])
        ax.fill_between(v, bands[:, 0], bands[:, 4], color="C0", alpha=0.15, label="95 %")
        ax.fill_between(v, bands[:, 1], bands[:, 3], color="C0", alpha=0.3, label="68 %")
        ax.plot(v, bands[:, 2], color="C0", marker="o", label="median")
        halos = halo_points(chains["card"])
        if halos is not None:
            kind, hv, hs, herr = halos
            for k, cls in enumerate(("dwarf", "LSB", "cluster")):
                sel = kind == cls
                ax.errorbar(hv[sel], hs[sel], yerr=[hs[sel] * (1 - 10 ** -herr[sel]),
                                                   hs[sel] * (10 ** herr[sel] - 1)],
                            fmt="o", ms=3, color=("C3", "C9", "C2")[k], label=cls)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$\langle v\rangle$ [km/s]")
        ax.set_ylabel(r"$\langle\sigma_T v\rangle/M_1$ [cm$^2$/g km/s]")
        ax.legend(fontsize=6)
    for ax in flat[panels:]:
        ax.set_visible(False)
    fig.suptitle(f"{chains['run_info'].get('name', '')}: posterior predictive of derived "
                 "quantities with the data they are compared to", fontsize=9)
    fig.tight_layout()
    _save(fig, out_dir, "predictive")
    return drawn + (["sigmav_over_M"] if sigmav else [])


# ---------------------------------------------------------------- getdist layout

def _getdist_label(text):
    return text.replace("$", "").replace("[", r"\,[").strip()


def write_getdist(chains, out_dir):
    """The chain in getdist's layout under ``RUN_DIR/getdist/``: ``lmt.txt`` (weight, −ln L,
    columns), ``lmt.paramnames`` (derived marked ``*``), ``lmt.ranges`` (prior ranges).
    Points with zero weight or −∞ ln L are left out, and so are derived columns that are
    not finite at every remaining point (getdist cannot bin NaN/inf, e.g. τ_ϕ = ∞)."""
    gd = Path(out_dir) / GETDIST_DIR
    gd.mkdir(exist_ok=True)
    keep = _posterior_mask(chains)
    table = chains["table"][keep]
    cols = [j for j in range(table.shape[1])
            if j < chains["n_params"] or np.all(np.isfinite(table[:, j]))]
    rows = np.column_stack([chains["weights"][keep], -chains["loglike"][keep], table[:, cols]])
    output.atomic_write(gd / f"{GETDIST_ROOT}.txt", output._format_rows(rows))
    names = []
    for j in cols:
        name = chains["columns"][j]
        star = "*" if j >= chains["n_params"] else ""
        names.append(f"{name}{star}\t{_getdist_label(label(chains, name))}\n")
    output.atomic_write(gd / f"{GETDIST_ROOT}.paramnames", "".join(names))
    ranges = []
    for p, spec in (chains["card"].get("parameters") or {}).items():
        if isinstance(spec, dict) and "min" in spec and "max" in spec:
            ranges.append(f"{p} {spec['min']} {spec['max']}\n")
    output.atomic_write(gd / f"{GETDIST_ROOT}.ranges", "".join(ranges))
    return gd / GETDIST_ROOT


# ---------------------------------------------------------------- one run, several runs

def analyze_run(out_dir, truths=None, full=False):
    """(Re)compute ``summary.json``, the getdist copy and the corner plot of a run directory
    (with ``full`` also the marginal, profile and predictive plots); returns the summary.
    ``truths``: benchmark points (dicts of parameter values) marked in the plots."""
    chains = output.read_chains(out_dir)
    info = chains["run_info"]
    w = chains["weights"] / chains["weights"].sum()
    best = int(np.argmax(chains["loglike"]))
    summary = {
        "name": info.get("name"), "sampler": info.get("sampler"), "seed": info.get("seed"),
        "logz": info.get("logz"), "logz_err": info.get("logz_err"),
        "n_samples": int(len(w)), "effective_sample_size": float(1.0 / np.sum(w ** 2)),
        "ncall": info.get("ncall"), "wall_time_s": info.get("wall_time_s"),
        "calls_per_s": info.get("calls_per_s"),
        "best_fit": {"loglike": float(chains["loglike"][best]),
                     "params": {c: float(chains["table"][best, j])
                                for j, c in enumerate(chains["columns"][:chains["n_params"]])}},
        "rejections": info.get("rejections", {}),
        "parameters": summarize(chains),
    }
    output.write_json(Path(out_dir) / output.SUMMARY, summary)
    write_getdist(chains, out_dir)
    corner_plot(chains, out_dir, truths)
    if full:
        marginals_plot(chains, out_dir, truths)
        if len(free_parameters(chains)) >= 2:
            profile_plot(chains, out_dir, truths)
        summary["predictive_columns"] = predictive_plot(chains, out_dir)
    return summary


def evidence_table(runs):
    """[{name, logz, logz_err, ln_B, ln_B_err}] with ln B relative to the first run that
    has an evidence (None where a sampler gives no ln Z, e.g. emcee)."""
    rows = [{"run": str(d), "name": c["run_info"].get("name"),
             "logz": c["run_info"].get("logz"), "logz_err": c["run_info"].get("logz_err")}
            for d, c in runs]
    ref = next((r for r in rows if r["logz"] is not None), None)
    for r in rows:
        if ref is None or r["logz"] is None:
            r["ln_B"] = r["ln_B_err"] = None
        else:
            r["ln_B"] = r["logz"] - ref["logz"]
            r["ln_B_err"] = math.hypot(r["logz_err"] or 0.0, ref["logz_err"] or 0.0)
    return rows


def compare_runs(run_dirs, out_dir, labels=None, truths=None):
    """Overlaid corner plot of the free parameters common to all runs (``compare.png/.pdf``)
    and the ln Z / Bayes-factor table (``compare.json``, ``compare.md``) in ``out_dir``.
    Returns the table rows."""
    _pyplot()
    import corner
    import matplotlib.lines as mlines

    runs = [(d, output.read_chains(d)) for d in run_dirs]
    labels = list(labels or []) + [c["run_info"].get("name") or Path(d).name
                                   for d, c in runs][len(labels or []):]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    common = [p for p in free_parameters(runs[0][1])
              if all(p in free_parameters(c) for _, c in runs[1:])]
    rows = evidence_table(runs)
    for r, lab in zip(rows, labels):
        r["label"] = lab
    if common:
        log_flags = [any(is_log_axis(c, p) for _, c in runs) for p in common]
        datasets = []
        for _, c in runs:
            data = np.column_stack([column(c, p) for p in common])
            for k, lg in enumerate(log_flags):
                if lg:
                    data[:, k] = np.log10(data[:, k])
            m = _posterior_mask(c)
            datasets.append((data[m], c["weights"][m]))
        ranges = [(min(d[:, k].min() for d, _ in datasets), max(d[:, k].max() for d, _ in datasets))
                  for k in range(len(common))]
        fig = None
        handles = []
        for k, (data, weights) in enumerate(datasets):
            colour = f"C{k}"
            fig = corner.corner(data, weights=weights, fig=fig, range=ranges, color=colour,
                                levels=LEVELS, smooth=1.0, plot_datapoints=False,
                                plot_density=False, fill_contours=False, hist_kwargs={"density": True},
                                labels=[label(runs[0][1], p, lg) for p, lg in zip(common, log_flags)])
            handles.append(mlines.Line2D([], [], color=colour, label=labels[k]))
        axes = np.array(fig.axes).reshape(len(common), len(common))
        _mark_points(axes, common, truths, log_flags)
        fig.legend(handles=handles, loc="upper right", fontsize=9)
        _save(fig, out_dir, "compare")
    output.write_json(out_dir / "compare.json", {"parameters": common, "runs": rows})
    output.atomic_write(out_dir / "compare.md", format_evidence_table(rows))
    return rows


def format_evidence_table(rows):
    """Markdown table of ln Z and ln B (relative to the first run with ln Z)."""
    def fmt(value, err):
        return "—" if value is None else f"{value:.2f} ± {err or 0.0:.2f}"
    lines = ["| run | ln Z | ln B vs first |", "|---|---|---|"]
    lines += [f"| {r['label']} | {fmt(r['logz'], r['logz_err'])} | {fmt(r['ln_B'], r['ln_B_err'])} |"
              for r in rows]
    lines += ["", "ln B is a Bayes factor between runs on the same data (models or priors "
              "differ); between data sets it only says how well each set is predicted."]
    return "\n".join(lines) + "\n"
