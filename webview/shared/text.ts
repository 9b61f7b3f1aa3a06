// Words that follow a count, for the webview pages (and the host: no DOM here).
/** "1 seed", "3 seeds"; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
