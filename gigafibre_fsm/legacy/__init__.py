"""Import of the legacy PHP/MariaDB system: ``bench --site SITE import-legacy`` and the patch
``import_legacy_data``.

    run.py              the run: its lock, its Legacy Import Run, the two lanes, the batches and
                        their counts, resuming a killed run, the dry run (import_legacy)
    preconditions.py    what the site must hold before the run's first write, checked first
    worker.py           the second lane, in a process of its own
    step.py             what every table's step does with a row: skip, convert, compare with the
                        ledger, create or update, log what was left out
    tables/             one module per legacy table or family: its conversion (pure) beside its
                        step; tables/__init__.py lists them in order, with the decisions taken
    convert.py          what the conversions share: the plan of a row, the reasons of the log,
                        dates, money, cities, coordinates, phones (pure)
    clean.py            cleaning rules for legacy column values: timestamps, DOUBLE money,
                        mixed-encoding text, PHP-serialized quote lines, codes (pure)
    bulk.py             validated documents written in batches, through the doctypes' own checks
    source.py           where the legacy databases are and how they are read, a page at a time
    reconciliation.py   the arithmetic of the Legacy Reconciliation report (pure)
    commands.py         the bench command
    schema.sql          the columns the import reads: the contract with the legacy system

Legacy Import Run, Legacy Import Log and Legacy Record are the run, its log and its ledger;
the generator of realistic, dirty legacy databases made from ``schema.sql`` lives with the
tests (``tests/generators/legacy.py``).
"""
