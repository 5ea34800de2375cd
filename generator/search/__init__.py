"""The search index: one small document per searchable page, made into Pagefind's bundle
with the same bytes for the same pages, in a build and beside serve's builds.

May use: errors, machinekey, text, project, model, render.
"""
