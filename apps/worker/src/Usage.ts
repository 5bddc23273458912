/** What `seatsync-worker --help` prints: how to run the worker and where its settings are documented. */
export const usage = `seatsync-worker — syncs every connection registered with \`seatsync connect\` on its own schedule.

Usage:
  seatsync-worker            run until SIGTERM/SIGINT, then drain and exit 0
  seatsync-worker --once     run what is due now; exit 0 when all of it succeeded, 1 when a slot failed
  seatsync-worker --help     print this and exit

Configuration comes from the environment (DATABASE_URL, SEATSYNC_ENCRYPTION_KEY, SEATSYNC_WORKER_CONCURRENCY,
SEATSYNC_DB_POOL_SIZE, …): see the worker's README for every variable and the sizing guide.
Exit codes: 0 ok, 1 a slot failed (--once), 2 invalid configuration or start-up failure.
`

/** Whether the command line asks for help (`--help` or `-h`). */
export const asksForHelp = (argv: ReadonlyArray<string>): boolean =>
  argv.includes("--help") || argv.includes("-h")
