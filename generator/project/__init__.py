"""The site folder: site.yaml and its typed SiteConfig, the theme's folders (the site's
own first, then the built-in default), and walking and reading files without ever
leaving the folder.

May use: errors, text.
"""
