"""``python -m generator`` runs the briefing command."""

import sys

from generator.cli import main

sys.exit(main())
