/**
 * Text from an import report is the sender's text (a hospital's file names, cells, values):
 * it must not act where it is shown. These make it inert for the two places the CLI puts it.
 */

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"), tab and CR included. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell that Excel, LibreOffice and Sheets show as text: a leading ' disarms a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** C0 and C1 control characters (ESC starts terminal escape sequences), DEL. */
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

/** Text for a terminal: control characters shown as \xNN instead of being obeyed (colours, cursor moves, title changes). */
export function showControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
