"""Profile likelihoods from the samples of a run: the maximum of ln L over the samples in
each bin (samples of a nested run cover the likelihood range; an MCMC run gives a rougher
profile).  Empty bins are NaN — nothing is drawn there, never a fake ln L."""
import numpy as np

from .columns import LEVELS, edges, free_parameters, is_log_axis, label, plot_values, \
    posterior_mask, pyplot, save

PROFILE_DCHI2_2D = (2.30, 6.18)       # 68.3 / 95.4 % for two parameters
PROFILE_DCHI2_1D = (1.0, 4.0)


def profile_1d(x, loglike, bin_edges):
    """Max ln L of the samples in each bin of ``bin_edges`` (NaN for empty bins)."""
    idx = np.digitize(x, bin_edges) - 1
    prof = np.full(len(bin_edges) - 1, -np.inf)
    ok = (idx >= 0) & (idx < len(prof)) & np.isfinite(loglike) & np.isfinite(x)
    np.maximum.at(prof, idx[ok], loglike[ok])
    prof[~np.isfinite(prof)] = np.nan
    return prof


def profile_2d(x, y, loglike, x_edges, y_edges):
    """Max ln L of the samples in each (x, y) bin (NaN for empty bins), shape (ny, nx)."""
    ix, iy = np.digitize(x, x_edges) - 1, np.digitize(y, y_edges) - 1
    prof = np.full((len(y_edges) - 1, len(x_edges) - 1), -np.inf)
    ok = ((ix >= 0) & (ix < prof.shape[1]) & (iy >= 0) & (iy < prof.shape[0])
          & np.isfinite(loglike) & np.isfinite(x) & np.isfinite(y))
    np.maximum.at(prof, (iy[ok], ix[ok]), loglike[ok])
    prof[~np.isfinite(prof)] = np.nan
    return prof


def profile_plot(chains, out_dir, truths=None, nbins=30):
    """2-D profile likelihood of each pair of free parameters: filled Δχ² = 2.30 / 6.18
    regions (68 / 95 % for 2 parameters) beside the marginal-posterior 68/95 % contours;
    1-D Δχ² on the diagonal.  Bins without samples stay blank.  Returns the PNG path."""
    plt = pyplot()
    import corner
    import matplotlib.patches as mpatches
    import matplotlib.lines as mlines
    from .plots import corner_legend, mark_points, point_handles, projected_points

    free = free_parameters(chains)
    truths = projected_points(truths, free)
    n = len(free)
    data = plot_values(chains, free)
    ll = chains["loglike"]
    finite = np.isfinite(ll)
    lmax = ll[finite].max()
    mask = posterior_mask(chains)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 0.6, 2.6 * n + 0.6), squeeze=False)
    bins = [edges(data[finite, k], nbins) for k in range(n)]
    for i in range(n):
        for j in range(n):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                centres = 0.5 * (bins[i][1:] + bins[i][:-1])
                dchi2 = -2.0 * (profile_1d(data[:, i], ll, bins[i]) - lmax)
                ax.plot(centres, dchi2, color="C3", marker=".", ms=3)
                for level in PROFILE_DCHI2_1D:
                    ax.axhline(level, color="grey", lw=0.6, ls=":")
                ax.set_ylim(0, 9)
                ax.set_ylabel(r"$\Delta\chi^2$" if i == 0 else "")
            else:
                prof = profile_2d(data[:, j], data[:, i], ll, bins[j], bins[i])
                # empty bins are masked: contourf leaves them blank
                dchi2 = np.ma.masked_invalid(-2.0 * (prof - lmax))
                ax.contourf(0.5 * (bins[j][1:] + bins[j][:-1]),
                            0.5 * (bins[i][1:] + bins[i][:-1]), dchi2,
                            levels=[0.0, PROFILE_DCHI2_2D[0], PROFILE_DCHI2_2D[1]],
                            colors=["#d62728", "#f4a6a6"], alpha=0.8)
                if mask.sum() > 10:
                    corner.hist2d(data[mask, j], data[mask, i], ax=ax, weights=chains["weights"][mask],
                                  levels=LEVELS, plot_datapoints=False, plot_density=False,
                                  no_fill_contours=True, smooth=1.0,
                                  range=[(bins[j][0], bins[j][-1]), (bins[i][0], bins[i][-1])],
                                  contour_kwargs={"colors": "k", "linewidths": 0.8})
            if i == n - 1:
                ax.set_xlabel(label(chains, free[j], is_log_axis(chains, free[j])))
            if j == 0 and i > 0:
                ax.set_ylabel(label(chains, free[i], is_log_axis(chains, free[i])))
            ax.set_xlim(bins[j][0], bins[j][-1])
            if i != j:
                ax.set_ylim(bins[i][0], bins[i][-1])
    mark_points(axes, free, truths, [is_log_axis(chains, p) for p in free], diagonal=False)
    handles = [mpatches.Patch(color="#d62728", label=r"profile $\Delta\chi^2 < 2.30$"),
               mpatches.Patch(color="#f4a6a6", label=r"profile $\Delta\chi^2 < 6.18$"),
               mlines.Line2D([], [], color="k", lw=0.8, label="marginal posterior 68/95 %"),
               mlines.Line2D([], [], color="C3", marker=".", label=r"1-D profile $\Delta\chi^2$")]
    corner_legend(fig, axes, handles + point_handles(truths), fontsize=7)
    fig.suptitle("profile likelihood and marginal posterior (blank: no samples)", fontsize=9)
    fig.tight_layout()
    return save(fig, out_dir, "profile")
