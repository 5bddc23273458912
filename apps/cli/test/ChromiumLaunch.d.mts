/** Types of ChromiumLaunch.mjs: the headless Chromium launcher shared by the browser test and the screenshot script. */
import type { Browser } from "playwright-core"

/** Flags of `@sparticuz/chromium` that are left out. */
export declare const leftOutFlags: ReadonlySet<string>

/** A headless Chromium with `@sparticuz/chromium`'s flags but those in `leftOutFlags`. */
export declare const launchChromium: () => Promise<Browser>
