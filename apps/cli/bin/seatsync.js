#!/usr/bin/env node
// The `seatsync` command: a committed launcher, so that npm links it at install time (the compiled
// dist/bin.js does not exist until `npm run build`, and npm skips a bin whose target is missing).
import "../dist/bin.js"
