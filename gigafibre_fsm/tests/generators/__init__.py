"""Generated data for tests and benchmarks: civic addresses and the queries people type for
them (civic_addresses.py), fibre drops as the legacy system holds them (fibre_drops.py), the
legacy system's MariaDB databases (legacy.py). No runtime module imports them."""
