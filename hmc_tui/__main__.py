"""`python -m hmc_tui`: the same as the `hmc-tui` command."""

from hmc_tui.cli import main

raise SystemExit(main())
