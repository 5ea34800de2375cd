"""The site model: typed, frozen records (items, editions, tags, pages, documents), and
which edition an item belongs to. No I/O and no rendering.

May use: errors, text, project.
"""
