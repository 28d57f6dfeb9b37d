"""HMC-style usage texts (`COMMAND --help`, or the command without arguments) and `help`.

The layout copies the HMC's own (public transcript of `lssyscfg` on HMC V9): a `Usage:` synopsis
with continuation lines aligned under the first flag, a blank line, a description, and one
line per flag.
"""

from __future__ import annotations

SUMMARY: dict[str, str] = {
    "lssyscfg": "list managed systems, partitions and partition profiles",
    "chsysstate": "activate and shut down partitions, power the managed system on and off",
    "mksyscfg": "create partitions and partition profiles",
    "chsyscfg": "change partition profiles",
    "rmsyscfg": "remove partitions and partition profiles",
    "lshwres": "list processor, memory, virtual I/O and physical I/O resources",
    "chhwres": "change resources dynamically; shared processor pools; virtual adapters",
    "lslparutil": "list utilization data",
    "lsrefcode": "list reference codes of partitions and the managed system",
    "lshmc": "list the management console's version",
    "lssysconn": "list the management console's system connections",
    "viosvrcmd": "run a command on a Virtual I/O Server",
    "help": "list the commands",
}

USAGE: dict[str, str] = {
    "lssyscfg": """\
Usage: lssyscfg -r lpar | prof | sys | sysprof | cage | frame
                [-m <managed system>]
                [--filter "<filter data>"]
                [-F [<attribute names>]]
                [--header]
                [--help]

Lists partitions, partition profiles, system profiles, managed system
information, managed frame cages, or managed frame information.

    -r                       - the type of resources to be listed:
                                 lpar    - partitions
                                 prof    - partition profiles
                                 sys     - managed systems
                                 sysprof - system profiles
                                 cage    - managed frame cages
                                 frame   - managed frames
    -m <managed system>      - the managed system's name or its
                               type-model*serial (required unless -r sys)
    --filter "<filter data>" - filters the data to be listed:
                                 lpar_names, lpar_ids (-r lpar, prof)
                                 profile_names (-r prof)
    -F [<attribute names>]   - comma (or other delimiter) separated list of
                               the names of the attributes to be listed
    --header                 - prints a header of attribute names when -F
                               is also specified
    --help                   - prints this help""",
    "chsysstate": """\
Usage: chsysstate -m <managed system> -r lpar | sys
                  -o <operation>
                  [-n <object name> | --id <partition ID>]
                  [-f <profile name>]
                  [-b <boot mode>] [-k <keylock position>] [-i <IPL source>]
                  [--immed] [--restart]
                  [--help]

Changes the state of a partition or the managed system.

    -m <managed system>      - the managed system's name
    -r                       - the type of resource: lpar or sys
    -o                       - the operation:
                                 on          - activate a partition / power on
                                 onstandby   - power on to partition standby
                                 off         - power off the managed system
                                 shutdown    - shut down a partition
                                 osshutdown  - shut down the partition's OS
                                 dumprestart - dump and restart a partition
    -n <object name>         - the partition's name
    --id <partition ID>      - the partition's ID
    -f <profile name>        - the profile to activate with
    -b <boot mode>           - norm, sms, of, dd or ds
    -k <keylock position>    - norm or manual (IBM i)
    -i <IPL source>          - a, b, c or d (IBM i)
    --immed                  - immediate shut down / power off
    --restart                - restart the partition once it is down
    --help                   - prints this help""",
    "mksyscfg": """\
Usage: mksyscfg -r lpar | prof -m <managed system>
                -f <configuration file> | -i "<configuration data>"
                [--help]
       mksyscfg -r prof -m <managed system> -o save
                -p <partition name> | --id <partition ID>
                -n <profile name> [--force]

Creates partitions or partition profiles, or saves a partition's current
configuration to a profile.

    -r                       - lpar (a partition and its first profile) or prof
    -m <managed system>      - the managed system's name
    -f <configuration file>  - a file with one configuration record per line
    -i "<configuration data>" - attribute=value pairs separated by commas;
                               list values in quotes, e.g.
                               "virtual_scsi_adapters=2/client/1/vios1/11/1,..."
    -o save                  - save the current configuration
    -p, --id                 - the partition
    -n <profile name>        - the profile to save to
    --force                  - overwrite an existing profile
    --help                   - prints this help""",
    "chsyscfg": """\
Usage: chsyscfg -r prof -m <managed system>
                -f <configuration file> | -i "<configuration data>"
                [--help]

Changes partition profiles. Identify the profile with name= and lpar_name=
(or lpar_id=); += and -= add to or remove from a list or a number.

    -r prof                  - partition profiles
    -m <managed system>      - the managed system's name
    -f <configuration file>  - a file with one configuration record per line
    -i "<configuration data>" - attribute=value pairs separated by commas
    --help                   - prints this help""",
    "rmsyscfg": """\
Usage: rmsyscfg -r lpar | prof -m <managed system>
                -n <object name> | --id <partition ID>
                [-p <partition name>]
                [--help]

Removes a partition (which must be Not Activated) or a partition profile.

    -r                       - lpar or prof
    -m <managed system>      - the managed system's name
    -n <object name>         - the partition (-r lpar) or profile (-r prof)
    --id <partition ID>      - the partition's ID
    -p <partition name>      - the profile's partition (-r prof)
    --help                   - prints this help""",
    "lshwres": """\
Usage: lshwres -r proc | mem | virtualio | io | procpool
               -m <managed system>
               [--level sys | lpar | pool | sharedpool]
               [--rsubtype eth | scsi | fc | serial | slot | vswitch]
               [--filter "<filter data>"]
               [-F [<attribute names>]]
               [--header]
               [--help]

Lists the hardware resources of a managed system.

    -r                       - proc, mem, virtualio, io or procpool
    -m <managed system>      - the managed system's name
    --level                  - sys, lpar, pool (physical shared processor
                               pool) or sharedpool
    --rsubtype               - eth, scsi, fc, serial, slot (virtual I/O),
                               vswitch (--level sys), slot (-r io)
    --filter "<filter data>" - lpar_names, lpar_ids, slots, vlans,
                               pool_names, pool_ids
    -F [<attribute names>]   - the attributes to be listed
    --header                 - prints a header of attribute names
    --help                   - prints this help""",
    "chhwres": """\
Usage: chhwres -r proc | mem | virtualio | procpool -m <managed system>
               -o a | r | m | s
               [-p <partition name> | --id <partition ID>]
               [-t <target partition name> | --tid <target partition ID>]
               [--procs <quantity>] [--procunits <quantity>] [-q <quantity>]
               [--rsubtype eth | scsi | fc] [-s <virtual slot number>]
               [--poolname <pool name> | --poolid <pool ID>]
               [-a "<attributes>"]
               [--help]

Changes the resources of a running partition, a shared processor pool, or
the virtual adapters of a partition.

    -r                       - proc, mem, virtualio or procpool
    -o                       - a (add), r (remove), m (move), s (set)
    -p, --id                 - the partition
    -t, --tid                - the target partition of a move
    --procs <quantity>       - processors (virtual or dedicated)
    --procunits <quantity>   - processing units
    -q <quantity>            - memory in megabytes
    --rsubtype, -s           - the virtual adapter's type and slot
    --poolname, --poolid     - the shared processor pool
    -a "<attributes>"        - uncap_weight (-r proc -o s);
                               max_pool_proc_units, reserved_pool_proc_units,
                               new_name (-r procpool); port_vlan_id,
                               ieee_virtual_eth, addl_vlan_ids, is_trunk,
                               trunk_priority, vswitch, adapter_type,
                               remote_lpar_id, remote_lpar_name,
                               remote_slot_num, is_required (-r virtualio)
    --help                   - prints this help""",
    "lslparutil": """\
Usage: lslparutil -r lpar | pool | procpool | sys | all | config
                  -m <managed system>
                  [-d <days> | -h <hours> | --minutes <minutes>]
                  [--startyear <year> --startmonth <month> --startday <day>
                   --starthour <hour> --startminute <minute>]
                  [--endyear ... --endminute <minute>]
                  [-n <number of events>] [-s s | h | d | m]
                  [--filter "<filter data>"]
                  [-F [<attribute names>]] [--header]
                  [--help]

Lists utilization data collected for a managed system, newest first.

    -r                       - the type of utilization data
    -n <number of events>    - only the newest events
    -s                       - sample rate: s (samples), h (hourly),
                               d (daily), m (monthly)
    --filter "<filter data>" - event_types, lpar_names, lpar_ids,
                               pool_names, pool_ids
    --help                   - prints this help""",
    "lsrefcode": """\
Usage: lsrefcode -r lpar | sys -m <managed system>
                 [-n <number of reference codes>]
                 [--filter "<filter data>"]
                 [-F [<attribute names>]] [--header]
                 [--help]

Lists reference codes for partitions or the managed system.

    -r                       - lpar or sys
    -m <managed system>      - the managed system's name
    --filter "<filter data>" - lpar_names, lpar_ids
    --help                   - prints this help""",
    "lshmc": """\
Usage: lshmc -V
             [--help]

Lists the management console's version information.

    -V                       - version and release
    --help                   - prints this help""",
    "lssysconn": """\
Usage: lssysconn -r all | sys
                 [--filter "<filter data>"]
                 [-F [<attribute names>]] [--header]
                 [--help]

Lists the system connections of the management console.

    -r                       - all or sys
    --help                   - prints this help""",
    "viosvrcmd": """\
Usage: viosvrcmd -m <managed system>
                 -p <partition name> | --id <partition ID>
                 -c "<command>"
                 [--help]

Runs a command on a Virtual I/O Server partition through its RMC connection.

    -m <managed system>      - the managed system's name
    -p, --id                 - the Virtual I/O Server partition
    -c "<command>"           - the command and its parameters:
                                 lsmap -all [-npiv | -net] [-fmt delimiter]
                                 lsmap -vadapter <adapter> [-npiv]
                                 lsdev -virtual | -type adapter | disk
                                 lsdev -dev <device> [-attr [attribute]]
                                 lspv [-size], lsrep, lsnports, ioslevel
                                 mkvdev -vdev <device> -vadapter <vhost>
                                        [-dev <name>]
                                 mkvdev -sea <ent> -vadapter <ent>[,<ent>]
                                        -default <ent> -defaultid <PVID>
                                        [-attr ha_mode=<mode> ctl_chan=<ent>]
                                 rmvdev -vtd <name> | -vdev <device>
                                 rmdev -dev <SEA or virtual target device>
                                 vfcmap -vadapter <vfchost> -fcp [<fcs>]
    --help                   - prints this help""",
}


def help_text() -> str:
    width = max(len(name) for name in SUMMARY)
    lines = ["Commands (COMMAND --help for each one's usage):", ""]
    lines += [f"  {name:<{width}}  {text}" for name, text in SUMMARY.items()]
    return "\n".join(lines)
