"""`python -m hmc_tui.service serve|users ...`: the service's subcommands on their own."""

from hmc_tui.service.entry import main

raise SystemExit(main())
