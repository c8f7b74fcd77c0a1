"""``python -m kimtrain`` is the ``kimtrain`` command."""

from kimtrain.cli import main

raise SystemExit(main())
