"""``python -m generator``: the same as the ``briefing`` command."""

import sys

try:
    from generator.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python was still starting up
    sys.exit(130)
except RuntimeError as exc:
    # Python 3.11 wraps what is raised while a class is made, Ctrl-C inside a dataclass's
    # __set_name__ among it, in a RuntimeError ("Error calling __set_name__").
    if isinstance(exc.__cause__, KeyboardInterrupt):
        sys.exit(130)
    raise

sys.exit(main())
