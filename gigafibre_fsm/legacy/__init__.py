"""Import of the legacy PHP/MariaDB system: pure cleaning rules and a test-data generator.

``clean`` turns legacy column values (unix timestamps, DOUBLE money, mixed-encoding text,
PHP-serialized quote lines, numeric codes, one-line addresses) into the values the doctypes
store; it never imports frappe. ``generator`` builds a realistic, dirty legacy database from
``schema.sql``, the contract the import reads.
"""
