// Where the removal experiment keeps the state of its stages (one per evaluated encoder): the encoder's
// result.json, which records the row and the probe settings it was evaluated with. An encoder is done when
// its result.json exists and was evaluated with the same probe settings; with other settings only the
// evaluation is redone (the retrained checkpoint is kept). The stage runner (runs/stage-runner.ts) drives it.
import { promises as fs } from 'node:fs';
import { writeJsonAtomic } from '../../util/atomic';
import type { StageStore } from '../../runs/stage-runner';
import type { RetrainRow } from './types';

interface StoredResult {
  row: RetrainRow;
  probeKey: string;
}

export class ResultStore implements StageStore {
  private readonly rows = new Map<string, RetrainRow>();

  constructor(
    private readonly fileOf: (encoder: string) => string,
    private readonly probeKey: string,
    private readonly log?: (m: string) => void,
  ) {}

  async isDone(encoder: string): Promise<boolean> {
    let stored: StoredResult;
    try {
      stored = JSON.parse(await fs.readFile(this.fileOf(encoder), 'utf8')) as StoredResult;
    } catch {
      return false; // not evaluated yet (or a damaged file: evaluate again)
    }
    if (stored.probeKey !== this.probeKey) {
      this.log?.(`${encoder}: probe settings changed, re-evaluating`);
      return false;
    }
    this.rows.set(encoder, stored.row);
    return true;
  }

  /** Records an evaluated encoder (the stage's work calls it; the runner then marks the stage done). */
  async save(encoder: string, row: RetrainRow): Promise<void> {
    await writeJsonAtomic(this.fileOf(encoder), { row, probeKey: this.probeKey } satisfies StoredResult);
    this.rows.set(encoder, row);
  }

  row(encoder: string): RetrainRow {
    const row = this.rows.get(encoder);
    if (!row) throw new Error(`${encoder} has no result`);
    return row;
  }

  // Nothing else to record: a retraining's checkpoint is its own resume point.
  async start(): Promise<void> {}
  async finish(): Promise<void> {}
  async interrupt(): Promise<void> {}
  async fail(): Promise<void> {}
}
