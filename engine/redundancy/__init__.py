"""What failures do to the frame: disk paths, SEA roles, RMC reachability, lost boot disks.

Everything here is derived from the frame (its partitions' states, VIOS mappings, SEAs and
`frame.faults`), in this one package (docs/powervm-rules.md section 13), in three modules:

- `paths`: `client_disks` / `client_paths` / `boot_disk`, the disks a client sees through
  its virtual SCSI and virtual Fibre Channel (NPIV) adapters and the state of each path, as
  AIX's `lspath` shows them (Enabled, Failed, Missing); `serving`, whether a VIOS serves;
  `PathIndex`, the lookups over one frame they share (engine/io_load.py routes with it);
- `sea`: `sea_roles`, the role of every Shared Ethernet Adapter in its failover group per
  `ha_mode` and trunk priority (PRIMARY, BACKUP, PRIMARY_SH, BACKUP_SH, ...), an SEA
  taking over from another bridging only after SEA_TAKEOVER_SECONDS; `bridged_vlans`;
  `has_network`, whether a partition still reaches the network (so RMC reaches it);
- `outages`: `reconcile`, the frame after applying what the above imply to stored state
  (RMC lost and regained, a boot disk lost and the OS's hang and crash, paths left Missing,
  SEA takeovers), called after every operation and every batch of lifecycle steps;
  `effects`, what changed, for the journal; `configure_devices` (cfgmgr), `crash_steps`,
  `boot_reachable`; `vios_impact`, the clients that would lose a disk or their network if
  a VIOS stopped.

The public names are re-exported here, so importers say `engine.redundancy.X` whichever
module holds X.
"""

from engine.redundancy.outages import (
    CRASH_CODES,
    CRASH_SECONDS,
    CRASHED,
    DUMP_SECONDS,
    HANG_SECONDS,
    LOST_DISK_CODES,
    OUTAGE_TEXT,
    TAKEOVER_TIMER,
    Impact,
    OutageKey,
    OutageKind,
    boot_reachable,
    configure_devices,
    crash_steps,
    effects,
    reconcile,
    vios_impact,
)
from engine.redundancy.paths import (
    ClientDisk,
    DiskPath,
    PathIndex,
    PathStatus,
    ViosService,
    boot_disk,
    client_disks,
    client_paths,
    served_by,
    serving,
)
from engine.redundancy.sea import (
    SEA_TAKEOVER_SECONDS,
    SeaRole,
    SeaState,
    bridged_vlans,
    has_network,
    sea_roles,
)

__all__ = [
    "CRASHED",
    "CRASH_CODES",
    "CRASH_SECONDS",
    "DUMP_SECONDS",
    "HANG_SECONDS",
    "LOST_DISK_CODES",
    "OUTAGE_TEXT",
    "SEA_TAKEOVER_SECONDS",
    "TAKEOVER_TIMER",
    "ClientDisk",
    "DiskPath",
    "Impact",
    "OutageKey",
    "OutageKind",
    "PathIndex",
    "PathStatus",
    "SeaRole",
    "SeaState",
    "ViosService",
    "boot_disk",
    "boot_reachable",
    "bridged_vlans",
    "client_disks",
    "client_paths",
    "configure_devices",
    "crash_steps",
    "effects",
    "has_network",
    "reconcile",
    "sea_roles",
    "served_by",
    "serving",
    "vios_impact",
]
