"""Pooling an experiment across clinic sites without letting one bend the answer:
Mantel-Haenszel estimates stratified by site (as statsmodels' StratifiedTable computes them).

When a site that converts better also got more of one variant, pooling its visitors with the
others' credits the variant with the site's rate. Comparing within each site and weighting
the comparisons does not. Each site is a 2x2 table [[variant converted, not], [control
converted, not]]; a site where either arm has no visitor says nothing and is left out.

Vectorised over leading axes (sites on the last), for the simulation in bench/strata.py."""

from typing import Any

import numpy as np
from scipy import stats

from service.content.analysis import enough_data
from service.content.effects import ALPHA


def mantel_haenszel(control: tuple, variant: tuple, alpha: float = ALPHA) -> dict[str, np.ndarray]:
    """`control` and `variant` are (exposed, converted) arrays over sites. The pooled risk
    ratio with its Greenland-Robins interval, the pooled odds ratio with its Robins-Breslow-
    Greenland interval, and the Cochran-Mantel-Haenszel p-value (no continuity correction)."""
    n0, c = (np.asarray(value, dtype=float) for value in control)
    n1, a = (np.asarray(value, dtype=float) for value in variant)
    present = (n0 > 0) & (n1 > 0)
    n0, c, n1, a = (np.where(present, value, 0.0) for value in (n0, c, n1, a))
    b, d = n1 - a, n0 - c
    total = np.where(present, n0 + n1, 1.0)  # a left-out site adds 0 to every sum
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        r, s = (a * n0 / total).sum(-1), (c * n1 / total).sum(-1)
        risk_ratio = r / s
        log_rr_var = ((n1 * n0 * (a + c) - a * c * total) / total**2).sum(-1) / (r * s)
        ad, bc = a * d / total, b * c / total
        odds_ratio = ad.sum(-1) / bc.sum(-1)
        p, q = (a + d) / total, (b + c) / total
        log_or_var = (
            (p * ad).sum(-1) / (2 * ad.sum(-1) ** 2)
            + (p * bc + q * ad).sum(-1) / (2 * ad.sum(-1) * bc.sum(-1))
            + (q * bc).sum(-1) / (2 * bc.sum(-1) ** 2)
        )
        converted, visitors = a + c, n0 + n1
        expected = n1 * converted / total
        variance = n1 * n0 * converted * (visitors - converted) / (total**2 * (total - 1))
        statistic = (a - expected).sum(-1) ** 2 / np.where(visitors > 1, variance, 0).sum(-1)
        rr_half, or_half = z * np.sqrt(log_rr_var), z * np.sqrt(log_or_var)
        rr_interval = (risk_ratio * np.exp(-rr_half), risk_ratio * np.exp(rr_half))
        or_interval = (odds_ratio * np.exp(-or_half), odds_ratio * np.exp(or_half))
    return {
        "risk_ratio": risk_ratio,
        "risk_ratio_interval": rr_interval,
        "odds_ratio": odds_ratio,
        "odds_ratio_interval": or_interval,
        "p_value": stats.chi2.sf(statistic, 1),
        "sites": present.sum(-1),
    }


def stratified(
    counts: dict[tuple[str, str | None, str], tuple[int, int]], keys: list[str], alpha: float = ALPHA
) -> list[dict[str, Any]]:
    """Per variant after control: the relative uplift stratified by site (the Mantel-Haenszel
    risk ratio less 1) with its interval, the odds ratio, and the CMH p-value."""
    sites = sorted({site or "" for _, site, _ in counts})
    per_site = np.zeros((len(keys), len(sites), 2))
    for (variant, site, _), (n, x) in counts.items():
        if variant in keys:
            per_site[keys.index(variant), sites.index(site or "")] += (n, x)
    rows = []
    for index, key in enumerate(keys[1:], start=1):
        pooled = mantel_haenszel(per_site[0].T, per_site[index].T, alpha)
        # Below the minimums (over all sites) no estimate is claimed, as for the others.
        enough = all(enough_data(*per_site[arm].sum(axis=0)) for arm in (0, index))
        known = enough and bool(
            np.isfinite(pooled["risk_ratio"]) and np.isfinite(pooled["risk_ratio_interval"][1])
        )
        rows.append(
            {
                "variant": key,
                "sites": int(pooled["sites"]),
                "relative_uplift": float(pooled["risk_ratio"] - 1) if known else None,
                "relative_uplift_interval": [float(v - 1) for v in pooled["risk_ratio_interval"]]
                if known
                else None,
                "odds_ratio": _finite(pooled["odds_ratio"]) if known else None,
                "odds_ratio_interval": [_finite(v) for v in pooled["odds_ratio_interval"]]
                if known and np.isfinite(pooled["odds_ratio_interval"][1])
                else None,
                "p_value": _finite(pooled["p_value"]) if known else None,
            }
        )
    return rows


def _finite(value: np.ndarray) -> float | None:
    return float(value) if np.isfinite(value) else None
