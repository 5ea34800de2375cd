"""Pages, feeds and discovery files from the model: plain views of it for templates, the
theme's Jinja2 templates with located errors, RSS/Atom/JSON feeds, sitemap and robots.

May use: errors, text, project, model, pictures.
"""
