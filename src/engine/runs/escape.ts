// Escaping for text that comes from the dataset (file names, class folder names, decoder messages) on its way
// into files people open: report.md (rendered as Markdown + HTML by VS Code and GitHub) and CSV (opened in
// spreadsheets). A file name is attacker-chosen in a shared dataset: "x\n# Heading", "<img src=x onerror=…>",
// "=HYPERLINK(…)" must arrive as the literal text.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** One line of literal Markdown text: control characters shown as escapes, HTML and Markdown syntax neutralised. */
export function markdownText(s: string): string {
  return (
    s
      // Inline text only (always after "- " or "| "): . + - need no escape, they matter only at a line start.
      .replace(/[\\`*_{}[\]()#!|~]/g, (c) => `\\${c}`)
      // Line breaks and other controls would end the list item / table row; show them as \n, \r, \u0007.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
        c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
      .replace(/[&<>"']/g, (c) => HTML[c])
  );
}

/** First characters a spreadsheet reads as the start of a formula (and `'`, so that the guard is reversible). */
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * A text cell that a spreadsheet will not evaluate: a leading `'` before = + - @ tab CR (OWASP's advice) and
 * before a leading `'` itself, so `csvTextValue` recovers the exact name. Only for text columns: numbers
 * (a negative score starts with '-') are written as numbers.
 */
export function csvText(s: string): string {
  const guarded = FORMULA_START.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** The text a csvText cell (already unquoted by a CSV parser) stands for. */
export function csvTextValue(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}
