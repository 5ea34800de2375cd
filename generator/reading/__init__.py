"""Content files to the site model: finding and reading them, front matter and Markdown
to typed documents, the files items link to, and collecting documents into the Site.

May use: errors, text, project, model.
"""
