/**
 * A headless Chromium for the HTML report's browser test, from the project's own install: the binary ships
 * inside the `@sparticuz/chromium` npm package (unpacked to /tmp on first use), driven by `playwright-core`;
 * nothing is downloaded. Its flags for running as root in a container are kept, except the two that would
 * weaken the page's security model (web security, insecure content): the page's CSP must hold as it would
 * in a reader's browser; and `--single-process` (meant for AWS Lambda), in which closing a page closes the
 * whole browser.
 */
import sparticuz from "@sparticuz/chromium"
import { type Browser, chromium } from "playwright-core"

const leftOut = new Set(["--disable-web-security", "--allow-running-insecure-content", "--single-process"])

export const launchChromium = async (): Promise<Browser> =>
  chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: sparticuz.args.filter((arg) => !leftOut.has(arg)),
    headless: true
  })
