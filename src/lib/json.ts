/** JSON text as a value, or undefined where the text is empty or not JSON (an HTML error page, a cut-off body). */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
