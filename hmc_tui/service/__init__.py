"""The engine service and its SSH front door (issue #7).

- server.EngineService: one Engine shared over a Unix socket (protocol.py: JSON lines).
- remote.RemoteConsole: the Console interface over that socket.
- sshd.HmcSshServer: asyncssh; a console process per PTY session, exec = one HMC command.
- users.UserStore: users, roles, passwords and keys (the user commands lshmcusr, mkhmcusr, ...
  are HMC commands like the others, in hmc_tui/hmccli/usercmds.py)
- entry.add_subcommands: `hmc-tui serve` and `hmc-tui users ...`.

Importing this package imports nothing heavy; import the modules you need.
"""
