"""Adapters exposing lmt-scan's likelihoods to other frameworks.

Each adapter is a separate module that imports its framework itself (``lmt_scan.interop.cobaya``
needs ``pip install "lmt-scan[cobaya]"``); importing lmt-scan never imports them.
"""
