"""`python -m olivegen`."""

from olivegen.cli import main

raise SystemExit(main())
