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

/**
 * Progress of a run's stages, some of which may run at the same time (`--concurrent`): on a terminal one
 * line redrawn in place with every running stage (the bar is their combined progress); otherwise one line
 * per 10% step of each stage.
 */
export class StageProgress {
  private readonly running = new Map<string, { done: number; total: number; message: string }>();
  private readonly deciles = new Map<string, number>();
  private lineOpen = false;
  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
  ) {}

  update(stage: string, done: number, total: number, message: string): void {
    if (!this.isTTY) {
      const decile = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (decile === this.deciles.get(stage)) return;
      this.deciles.set(stage, decile);
      this.write(`${renderBar(done, total)} ${message}\n`);
      return;
    }
    this.running.set(stage, { done, total, message });
    const all = [...this.running.values()];
    const sum = (f: (p: { done: number; total: number }) => number) => all.reduce((a, p) => a + f(p), 0);
    this.write(
      `\r\x1b[2K${renderBar(
        sum((p) => p.done),
        sum((p) => p.total),
      )} ${all.map((p) => p.message).join('  |  ')}`,
    );
    this.lineOpen = true;
  }

  /** The stage is over: it leaves the combined line. */
  end(stage: string): void {
    this.running.delete(stage);
    this.deciles.delete(stage);
  }

  /** Ends the in-place line so that other output starts on a fresh line (the next update redraws it). */
  finish(): void {
    if (this.isTTY && this.lineOpen) this.write('\n');
    this.lineOpen = false;
  }
}
