/**
 * Data made safe to print on a terminal (pure): what an organisation controls — display names, emails,
 * group and organisation names — can neither move the cursor, retitle the window, hide text, plant a
 * hyperlink nor reverse the line. Escape sequences (CSI, OSC, DCS, SOS/PM/APC and the two-character ESC
 * ones) go whole, then every remaining C0/C1 control character, DEL, bidirectional override or isolate
 * and zero-width character; tab and newline become a space. Visible text is never altered otherwise.
 */

// biome-ignore-start lint/suspicious/noControlCharactersInRegex: matching control characters is the point
/** ESC [ … final byte, and the 8-bit CSI (U+009B). */
const csi = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g
/**
 * OSC, DCS, SOS, PM and APC strings (7-bit `ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` or 8-bit), ended by
 * BEL or ST — or, unterminated, by the end of the text (a terminal would swallow everything after it).
 */
const stringSequence =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g
/** Any other escape: ESC, optional intermediates, one final character. */
const otherEscape = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g
/** Tab, newline and the other line breaks: whitespace that would break a table line. */
const breaks = /[\t\n\v\f\r\u0085\u2028\u2029]/g
/** C0, DEL, C1 controls. */
const controls = /[\u0000-\u001f\u007f-\u009f]/g
// biome-ignore-end lint/suspicious/noControlCharactersInRegex: matching control characters is the point
/**
 * Bidirectional embeddings, overrides, isolates and marks (U+061C, U+200E/F, U+202A–E, U+2066–9), zero-width
 * characters (U+200B–D, U+2060–4, U+FEFF), soft hyphen and the interlinear annotation controls.
 */
const invisible =
  /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g

/** `text` with every escape sequence, control, bidi and zero-width character removed (line breaks: a space). */
export const terminalText = (text: string): string =>
  text
    .replace(stringSequence, "")
    .replace(csi, "")
    .replace(otherEscape, "")
    .replace(breaks, " ")
    .replace(controls, "")
    .replace(invisible, "")
