"""`python -m hmc_tui.rbash SOCKET`: the interactive HMC prompt the SSH server starts."""

import sys

from hmc_tui.rbash.session import main

sys.exit(main())
