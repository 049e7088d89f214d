"""Peeking: null experiments looked at every 100 visitors per arm, 20 times, stopped at the
first verdict (bench/peeking.py), through the service's own analysis. With the default
sequential test at most 5.5% are declared winners or losers; reading the fixed-horizon test at
every look declares far more, and read once it keeps to about 5%."""

from bench.peeking import false_winners


def test_the_sequential_default_survives_daily_peeking_and_fixed_horizon_reading_does_not():
    shares = false_winners(experiments=4000, seed=17)

    assert shares["sequential, every look"] <= 0.055
    assert shares["fixed, every look"] > 0.12  # peeking at a fixed-horizon test
    assert 0.03 <= shares["fixed, read once at the end"] <= 0.07  # its promise, read once
