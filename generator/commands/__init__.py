"""The smaller commands: `check` (what a build would reject, and link hygiene), `new` (an
item file), `init` (a new site and its Pages workflow) and where this briefing came
from, for that workflow.

May use: errors, text, project, model, reading, engine.
"""
