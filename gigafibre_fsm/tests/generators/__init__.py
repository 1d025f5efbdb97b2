"""Generated data for tests and benchmarks: civic addresses and the queries people type for
them (civic_addresses.py), fibre drops as the legacy system holds them (fibre_drops.py).
Pure Python; no runtime module imports them."""
