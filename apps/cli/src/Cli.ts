/** The `seatsync` command tree. */
import { Command } from "@effect/cli"
import { backfillCommand } from "./commands/BackfillCommand.js"
import { connectCommand } from "./commands/ConnectCommand.js"
import { connectionsCommand } from "./commands/ConnectionsCommand.js"
import { dbCommand, migrateCommand } from "./commands/DbCommand.js"
import { doctorCommand } from "./commands/DoctorCommand.js"
import { pricesCommand } from "./commands/PricesCommand.js"
import { protectCommand } from "./commands/ProtectCommand.js"
import { reportCommand } from "./commands/ReportCommand.js"
import { simulatorCommand } from "./commands/SimulatorCommand.js"
import { syncCommand } from "./commands/SyncCommand.js"

export const seatsync = Command.make("seatsync").pipe(
  Command.withDescription("Keeps a PostgreSQL copy of an Atlassian Cloud organisation's users and seats."),
  Command.withSubcommands([
    connectCommand,
    connectionsCommand,
    doctorCommand,
    syncCommand,
    backfillCommand,
    reportCommand,
    pricesCommand,
    protectCommand,
    dbCommand,
    migrateCommand,
    simulatorCommand
  ])
)

export const cli = Command.run(seatsync, { name: "seatsync", version: "0.1.0" })
