"""The build recipe and what makes it incremental and safe: reading and parsing what
changed, assembling and planning the site, the cache and its store, worker processes,
rendering what a change reaches, and the output folder staged beside the published one
and swapped in whole.

May use: errors, machinekey, text, project, model, reading, pictures, render, search,
newsletter, plan.
"""
