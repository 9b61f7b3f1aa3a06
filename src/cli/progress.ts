// A text progress bar for stderr: redrawn in place on a terminal, one line per 10% step otherwise (so CI
// logs stay readable).

export function renderBar(done: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

export class ProgressLine {
  private lastDecile = -1;
  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
  ) {}

  update(done: number, total: number, message: string): void {
    const line = `${renderBar(done, total)} ${message}`;
    if (this.isTTY) {
      this.write(`\r\x1b[2K${line}`);
      return;
    }
    const decile = total > 0 ? Math.floor((10 * done) / total) : 0;
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so the next output starts on a fresh line. */
  finish(): void {
    if (this.isTTY) this.write('\n');
  }
}
