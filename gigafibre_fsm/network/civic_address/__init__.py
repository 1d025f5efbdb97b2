"""The Adresses Québec (RQA) civic-address reference: normalisation, generator, loader, search.

``normalize``, ``records``, ``ranking`` and ``generator`` are pure Python; ``schema``,
``loader``, ``search`` and ``commands`` talk to the site's database.
"""
