/**
 * The one way this repository launches a headless Chromium (the HTML report's browser test and
 * scripts/report-screenshot.mjs both use it), from the project's own install: the binary ships inside the
 * `@sparticuz/chromium` npm package (unpacked to /tmp on first use), driven by `playwright-core`; nothing is
 * downloaded. Its flags for running as root in a container are kept, except the two that would weaken the
 * page's security model (web security, insecure content): the page's CSP must hold as it would in a
 * reader's browser; and `--single-process` (meant for AWS Lambda), in which closing a page closes the whole
 * browser. Plain JavaScript so that a Node script can import it as it is; its types are in the `.d.mts`.
 */
import sparticuz from "@sparticuz/chromium"
import { chromium } from "playwright-core"

/** Flags of `@sparticuz/chromium` that are left out. */
export const leftOutFlags = new Set([
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--single-process"
])

/** A headless Chromium with `@sparticuz/chromium`'s flags but those in `leftOutFlags`. */
export const launchChromium = async () =>
  chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: sparticuz.args.filter((arg) => !leftOutFlags.has(arg)),
    headless: true
  })
