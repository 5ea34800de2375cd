"""Text as editors type it and readers get it: decoding files, invisible characters, front
matter, YAML with the position of every key and value, declarative schemas, slugs and
URLs, lines of a given width. Pure functions of strings.

May use: errors.
"""
