"""Flags several commands declare alike (`-m`, `--filter`, `-F`, `--header`, `--id`).

A command takes one of these as it is or adapts it with `dataclasses.replace` (its own help
line, required or not); the declaration is still the command's own grammar.
"""

from __future__ import annotations

from hmc_tui.hmccli.grammar import OPTIONAL, SWITCH, Flag

SYSTEM = Flag("-m", metavar="<managed system>", names="system", required=True,
              help="the managed system's name")
FILTER = Flag("--filter", metavar='"<filter data>"', names="filter")
FIELDS = Flag("-F", OPTIONAL, metavar="<attribute names>", names="attributes",
              help="the attributes to be listed")
HEADER = Flag("--header", SWITCH, help="prints a header of attribute names")
LPAR_ID = Flag("--id", metavar="<partition ID>", names="number", alt="lpar",
               help="the partition's ID")
FORCE = Flag("--force", SWITCH)  # accepted as on the HMC; nothing here asks to confirm
