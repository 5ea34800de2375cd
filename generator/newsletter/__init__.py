"""Each edition as an email: HTML with its styles inlined, plain text, the MIME message,
and what `briefing email` hands over.

May use: errors, text, project, model, render.
"""
