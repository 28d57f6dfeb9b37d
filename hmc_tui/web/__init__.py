"""The console in a browser (`hmc-tui serve --web HOST:PORT`): textual-serve on aiohttp in the
engine service's event loop, behind a login page; see docs/browser-console.md."""
