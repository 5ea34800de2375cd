"""`briefing serve`: the preview's HTTP server, the watcher of the site folder, the reload
channel to open pages, and the session of builds it keeps.

May use: errors, text, project, model, reading, render, search, plan, engine.
"""
