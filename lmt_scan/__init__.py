"""lmt-scan: Bayesian scans of the gauged U(1)Lμ−Lτ model of self-interacting dark
matter and the muon g−2 (Kamada, Kaneta, Yanagi, Yu, JHEP 06 (2018) 117, arXiv:1805.00651)."""
__version__ = "0.1.0"
