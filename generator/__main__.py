"""``python -m generator``: the same as the ``briefing`` command."""

import sys

try:
    from generator.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python was still starting up
    sys.exit(130)

sys.exit(main())
