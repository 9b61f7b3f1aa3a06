// Every CLI subcommand, in the order `sslmem help` lists them. Add a command: one file here, one line below.
import type { CliCommand } from '../command';
import { helpCommand } from './help';
import { selfCheckCommand } from './selfCheck';
import { versionCommand } from './version';
import { runCommand } from './run';
import { resumeCommand } from './resume';
import { demoCommand } from './demo';
import { scoreCommand } from './score';
import { reportCommand } from './report';
import { exportCommand } from './export';
import { retrainCommand } from './retrain';
import { historyCommand, layersCommand, unitsCommand } from './layers';

export const commands: readonly CliCommand[] = [
  runCommand,
  resumeCommand,
  scoreCommand,
  reportCommand,
  exportCommand,
  retrainCommand,
  layersCommand,
  unitsCommand,
  historyCommand,
  demoCommand,
  versionCommand,
  selfCheckCommand,
  helpCommand(() => commands),
];
