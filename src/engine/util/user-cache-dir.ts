// The user's own cache folder for SSLMem Studio: outside every workspace and run store, so what is kept there
// (the measured provider choice, the paths the user chose for runs made on this machine) cannot arrive with a
// cloned repository. No imports from the engine: any layer may use it.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $SSLMEM_CACHE_DIR, else $XDG_CACHE_HOME/sslmem-studio, else ~/.cache/sslmem-studio (%LOCALAPPDATA% on Windows). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SSLMEM_CACHE_DIR) return env.SSLMEM_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'sslmem-studio');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'sslmem-studio');
  return join(homedir(), '.cache', 'sslmem-studio');
}
