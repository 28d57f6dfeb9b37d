"""The HMC REST API over HTTPS (issue 18): Logon, uom reads, jobs, updates; docs/rest-api.md."""
