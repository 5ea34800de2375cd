"""The build recipe and what makes it incremental and safe: every output file planned with
its inputs, the dependency graph, the cache and its store, worker processes, the
output folder staged beside the published one and swapped in whole.

May use: errors, machinekey, text, project, model, reading, pictures, render, search, newsletter.
"""
