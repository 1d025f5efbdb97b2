"""The Adresses Québec (RQA) civic-address reference: normalisation, loader, search.

``normalize``, ``records``, ``ranking`` and ``matching_rules`` are pure Python; ``schema``,
``loader``, ``search`` and ``commands`` talk to the site's database. Generated addresses,
queries and drops for tests and benchmarks are in ``gigafibre_fsm/tests/generators``.
"""
