"""Columns, labels and small helpers shared by the analysis modules (reads chain dicts only).

A *chain dict* is what ``lmt_scan.output.read_chains`` returns: ``columns``, ``labels``,
``n_params``, ``weights``, ``loglike``, ``table`` (N × columns), ``card``, ``run_info``.
"""
from pathlib import Path

import numpy as np

LEVELS = (0.68, 0.95)
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
# plain-text units of the model parameters (console and HTML tables)
PARAMETER_UNITS = {"m_Zp": "MeV", "g_p": "", "m_phi": "MeV", "M1": "GeV"}


def weighted_quantiles(values, weights, quantiles):
    """Quantiles of weighted samples (linear interpolation of the weighted CDF)."""
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cdf = np.cumsum(w) - 0.5 * w
    cdf /= np.sum(w)
    return np.interp(quantiles, cdf, v)


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
            from ..derived import DERIVED
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


def posterior_mask(chains):
    """Rows that carry posterior weight (weight > 0 and finite ln L)."""
    return (chains["weights"] > 0.0) & np.isfinite(chains["loglike"])


def edges(values, nbins):
    """``nbins`` equal bins spanning the finite values (a unit interval if they are constant)."""
    finite = values[np.isfinite(values)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, nbins + 1)


def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, out_dir, stem):
    """``stem``.png and .pdf in ``out_dir``; returns the PNG path."""
    import matplotlib.pyplot as plt
    for ext in PLOT_EXTENSIONS:
        fig.savefig(Path(out_dir) / f"{stem}.{ext}", bbox_inches="tight", dpi=110)
    plt.close(fig)
    return Path(out_dir) / f"{stem}.png"
