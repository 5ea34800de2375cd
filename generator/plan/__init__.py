"""Every output file of the site and what each is made from: the HTML pages and where
they go, feeds, static files and the files items link to (copied or resized), the
emails and the search bundle, each with the inputs it depends on, and which files a
change reaches.

May use: errors, text, project, model, pictures, render, search, newsletter.
"""
