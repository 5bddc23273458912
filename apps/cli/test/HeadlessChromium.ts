/**
 * A headless Chromium for the HTML report's browser test: the launcher in ChromiumLaunch.mjs, shared with
 * scripts/report-screenshot.mjs so that the picture in the README is taken with the flags the test checks
 * (no `--disable-web-security`, no `--allow-running-insecure-content`: the page's CSP holds).
 */
export { launchChromium } from "./ChromiumLaunch.mjs"
