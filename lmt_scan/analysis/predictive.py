"""Posterior predictive of derived quantities, each panel with the data the run's
likelihoods compare it to (reads the run card's likelihood options; no physics)."""
import numpy as np

from .columns import column, edges, label, posterior_mask, pyplot, save, weighted_quantiles

# derived columns of the posterior-predictive panel, in this order (those present are drawn)
PREDICTIVE_COLUMNS = ("delta_a_mu", "Neff", "delta_Neff", "sigmaT_over_M.v30", "sigmaT_over_M.v200",
                      "sigmaT_over_M.v1000", "y", "delta_M")
# … and these only when a likelihood of the run compares them to data
CONSTRAINT_COLUMNS = ("ccfr_ratio", "charm2_ratio", "borexino_ratio", "wd_ratio")
SIGMAV_COLUMNS = {30.0: "sigmav_over_M.v30", 200.0: "sigmav_over_M.v200",
                  1000.0: "sigmav_over_M.v1000"}
# columns drawn in scaled units so the tick labels stay short: name → (factor, label)
DISPLAY_SCALE = {"delta_a_mu": (1e10, r"$\Delta a_\mu^{Z'}\ [10^{-10}]$")}


def reference_data(card):
    """{column: [reference, …]}: what each likelihood of the run card compares a derived
    column to.  A reference is a dict with ``kind`` gaussian (mean, sigma), window (low,
    high; low may be 0) or upper (limit), and a ``label``.  Plugins may add their own
    through a ``reference()`` method returning the same mapping."""
    from ..config import _likelihoods
    from ..errors import ConfigError
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


def _scaled(ref, f):
    """A reference with its numbers multiplied by the display factor ``f``."""
    return {k: (v * f if k in ("mean", "sigma", "low", "high", "limit") else v)
            for k, v in ref.items()}


def _draw_reference(ax, ref, colour):
    kind = ref["kind"]
    if kind == "gaussian":
        for n, alpha in ((2, 0.15), (1, 0.3)):
            ax.axvspan(ref["mean"] - n * ref["sigma"], ref["mean"] + n * ref["sigma"],
                       color=colour, alpha=alpha, lw=0)
        ax.axvline(ref["mean"], color=colour, lw=1, label=ref["label"] + " (1σ, 2σ)")
    elif kind == "window":
        low = ref["low"] if ref["low"] > 0 else ax.get_xlim()[0]
        ax.axvspan(low, ref["high"], color=colour, alpha=0.25, lw=0, label=ref["label"])
    elif kind == "upper":
        ax.axvline(ref["limit"], color=colour, lw=1.5, ls="--", label=ref["label"] + " (limit)")


def _short_ticks(ax, log, lo=None, hi=None):
    """Few, short x tick labels (long numbers of neighbouring ticks ran into each other)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
    if log:   # minor ticks labelled by default on short log ranges: they overlapped
        short = lo is not None and hi / lo < 10 ** 2.5
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if short else (1.0,),
                                              numticks=8))
        if short:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
    ax.tick_params(axis="x", labelsize=8)


def predictive_plot(chains, out_dir, nbins=40):
    """Posterior of the derived quantities of PREDICTIVE_COLUMNS present in the run (and
    ⟨σ_T v⟩/M1 vs ⟨v⟩ with the halo data), each with the data it is compared to.
    Returns the list of columns drawn."""
    plt = pyplot()
    mask = posterior_mask(chains)
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
    ncol = min(3, panels)
    nrow = -(-panels // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.3 * nrow), squeeze=False)
    flat = axes.ravel()
    for ax, name in zip(flat, drawn):
        factor, xlabel = DISPLAY_SCALE.get(name, (1.0, label(chains, name)))
        x = column(chains, name) * factor
        ok = mask & np.isfinite(x)
        xv, wv = x[ok], w[ok]
        lo, hi = weighted_quantiles(xv, wv, [0.001, 0.999])   # not the far tails
        log = bool(lo > 0 and hi / lo > 30)
        if hi <= lo:
            lo, hi = xv.min(), xv.max()
        bins = np.geomspace(lo, hi, nbins + 1) if log else edges(np.array([lo, hi]), nbins)
        ax.hist(xv, bins=bins, weights=wv, density=True, color="C0", alpha=0.6,
                label="posterior")
        if log:
            ax.set_xscale("log")
        for k, ref in enumerate(refs.get(name, ())):
            _draw_reference(ax, _scaled(ref, factor), f"C{k + 1}")
        _short_ticks(ax, log, lo, hi)
        ax.set_xlabel(xlabel)
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
    save(fig, out_dir, "predictive")
    return drawn + (["sigmav_over_M"] if sigmav else [])
