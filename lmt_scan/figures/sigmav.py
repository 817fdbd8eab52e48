"""Fig. 3: ⟨σ_T v⟩/M1 vs ⟨v⟩ (Maxwell–Boltzmann average) for the three SIDM benchmarks with
the KTY16 halo data (``lmt-scan figure fig3``)."""
from pathlib import Path

import numpy as np

from .common import SIDM_BENCHMARKS, ZP_BENCHMARKS, _pyplot, _save, write_csv


def fig3_data(v_kms=None, m_Zp_MeV=ZP_BENCHMARKS[0][0], g_p=ZP_BENCHMARKS[0][1]):
    """⟨σ_T v⟩/M1 [cm²/g km/s] vs ⟨v⟩ for the three benchmarks (Maxwell–Boltzmann average)."""
    from ..derived.sidm import sigmav_over_M
    from ..point import ModelPoint
    v = np.geomspace(10.0, 3000.0, 60) if v_kms is None else np.asarray(v_kms, float)
    data = {"v_mean_kms": v}
    for M1, m_phi in SIDM_BENCHMARKS:
        point = ModelPoint(m_Zp_MeV, g_p, m_phi, M1)
        data[f"sigmav_over_M_M1_{M1:g}_mphi_{m_phi:g}"] = sigmav_over_M(point, v)
    return data


def fig3(out_dir):
    from likelihoods.sidm_halos import DATA_FILE, SidmHalos, load_halos
    data = fig3_data()
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    v = data["v_mean_kms"]
    for (M1, m_phi), ls in zip(SIDM_BENCHMARKS, ("-", "--", ":")):
        ax.plot(v, data[f"sigmav_over_M_M1_{M1:g}_mphi_{m_phi:g}"], color="k", ls=ls,
                label=rf"$M_1$ = {M1:g} GeV, $m_\phi$ = {m_phi:g} MeV")
    kind, cols = load_halos(SidmHalos().data_path(DATA_FILE))
    for cls, colour in (("dwarf", "C3"), ("LSB", "C0"), ("cluster", "C2")):
        sel = kind == cls
        lv, ls_ = cols["log10_v_mean_kms"][sel], cols["log10_sigmav_over_m"][sel]
        ax.errorbar(10 ** lv, 10 ** ls_,
                    xerr=[10 ** lv * (1 - 10 ** -cols["log10_v_err"][sel]),
                          10 ** lv * (10 ** cols["log10_v_err"][sel] - 1)],
                    yerr=[10 ** ls_ * (1 - 10 ** -cols["log10_sigmav_err"][sel]),
                          10 ** ls_ * (10 ** cols["log10_sigmav_err"][sel] - 1)],
                    fmt="o", ms=4, color=colour, label=f"{cls} (KTY16)")
    for sigma in (0.1, 1.0, 10.0):   # guide lines ⟨σv⟩/M = σ/M · ⟨v⟩
        ax.plot(v, sigma * v, color="0.7", lw=0.6)
        v_label = min(2500.0, 5e3 / sigma)
        ax.text(v_label, sigma * v_label, f"{sigma:g} cm²/g", fontsize=6, color="0.5",
                ha="right", va="bottom")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(10, 3000)
    ax.set_ylim(1, 1e4)
    ax.set_xlabel(r"$\langle v\rangle$ [km/s]")
    ax.set_ylabel(r"$\langle\sigma_T v\rangle/M_1$ [cm$^2$/g km/s]")
    ax.set_title(r"Fig. 3: $m_{Z'}$ = 10 MeV, $g'$ = 5e-4 (lmt-scan physics)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    files = _save(fig, out_dir, "fig3")
    path = Path(out_dir) / "fig3.csv"
    write_csv(path, data)
    return {"files": files + [path], "data": data, "missing": []}
