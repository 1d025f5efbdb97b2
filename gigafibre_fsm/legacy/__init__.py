"""Import of the legacy PHP/MariaDB system.

``clean`` turns legacy column values (unix timestamps, DOUBLE money, mixed-encoding text,
PHP-serialized quote lines, numeric codes, one-line addresses) into the values the doctypes
store; it never imports frappe. ``schema.sql`` is the contract the import reads; the
generator of realistic, dirty legacy databases made from it lives with the tests
(``tests/generators/legacy.py``).
"""
