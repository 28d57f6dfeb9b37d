"""Build a frame from captures of a real (or simulated) HMC: `hmc-tui import`.

Real captures are messy. The import takes them as they are, keeps what they say, and warns
(never refuses) about what it cannot place: one warning per thing left out or defaulted.
It refuses (`FILE:LINE: reason`, nothing written) only input that is no capture at all:
a required capture missing or without a record, a file that is not text.

Required: lssyscfg -r sys|lpar|prof and lshwres -r proc|mem --level sys. Everything else is
optional; a missing capture is a warning and a documented default:

* lshwres -r proc|mem|virtualio --rsubtype slot --level lpar missing: a running partition's
  current configuration is its current (else default) profile;
* lshwres -r virtualio --rsubtype scsi|fc|eth missing: adapters from the default profile;
* lshwres -r procpool missing (or without a pool a profile uses): pools named in profiles,
  sized to fit their partitions;
* lslparutil -r config missing (or a rate the HMC does not offer): utilisation sampled
  every 30 s (`ManagedSystem.sample_rate`'s default);
* lshwres -r io --rsubtype slot missing: no physical adapters; a port an NPIV mapping uses
  is kept as `lsmap -npiv` names it (FC name, location) on an adapter with an unknown DRC
  index, its NPIV capacity and WWPN marked unknown (`PhysicalPort.unknown`);
* VIOS captures missing: no mappings or SEAs on that VIOS; disks seen only as backing devices
  are created with default sizes;
* hmc-tui_extras.txt missing: workloads `steady` (`vios` on a VIOS), partitions bootable, the
  engine clock at zero with the epoch at sys_time, firmware the model's level, profiles with
  keylock `norm` and IPL source `a` (IBM i), a VIOS's boot mode `norm`, no disk identifiers,
  physical adapter kinds guessed from their descriptions, physical ports named from the
  VIOS's `lsdev -type adapter` without WWPNs or MACs.

Attributes an HMC omits take defaults, each missing attribute one warning per capture:
lssyscfg -r sys `sys_time` (the model's epoch), `state` (Operating), `type_model` and
`serial_num` (from the name, else 0000-000 / 0000000); lssyscfg -r lpar `lpar_env` (aixlinux),
`state` (Not Activated), `default_profile` (curr_profile, else the first profile); profile
figures (the model's `Resources` defaults). A partition without a profile gets one made from
its current resources; a curr_profile no profile backs is dropped; a lshwres --level lpar
record that cannot be read leaves the partition its profile's resources. Attributes of
lssyscfg the simulator does not model are ignored, counted in one warning per capture.

Figures the captures state win over the hardware catalog (`ManagedSystem` limits): max_lpars,
lpar_proc_compat_modes, max_procs_per_lpar, max_virtual_procs_per_lpar,
min_proc_units_per_virtual_proc, sys_firmware_mem (the hypervisor's base memory is set so the
frame's firmware memory equals it), and per partition curr_/desired_lpar_proc_compat_mode,
lpar_avail_priority, curr_profile. A machine type-model the catalog does not know imports
with these figures and generic limits (warning). A Not Activated partition whose lshwres
--level lpar figures are not zero (HMC V8R8.4+, resource_config=1) keeps them
(`Partition.configured`).

A VIOS server adapter whose client partition is not in the captures is kept as it is
(warning). `lsmap -all` / `lsmap -all -npiv` blocks are given to the VIOS their location
code names (`-V<id>-`), whatever file or section holds them. What the frame rules still
refuse (a client adapter naming a partition that is no VIOS, a mapping on a missing slot) is
left out with a warning naming it and the rule. A capture the import does not read is named
in a warning.

Virtual adapters come back in slot order (the order the HMC lists them in).
"""

from hmc_tui.hmccli.importer.build import Imported, import_frame

__all__ = ["Imported", "import_frame"]
