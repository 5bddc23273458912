/**
 * Every report `seatsync report` offers, in the order `--help` lists them and the HTML page shows them.
 *
 * Adding a report touches two files: write its module in `reports/` (its document schema, how it loads through
 * `@seatsync/store`, its table, CSV and HTML section, and `Report.make` of them all), then list it below. The
 * command, `--help`, the HTML page and the JSON Schema test take it from here; commit the schema the test
 * writes with `UPDATE_SCHEMAS=1 npx vitest run test/ReportCommand.test.ts`.
 */
import { changes } from "./reports/ChangesReport.js"
import { reclaim } from "./reports/ReclaimReport.js"
import { runs } from "./reports/RunsReport.js"
import { seats } from "./reports/SeatsReport.js"

export const reports = [seats, reclaim, changes, runs] as const
