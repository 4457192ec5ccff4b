/**
 * Watches hostsdir directories (inotify through fs.watch) and reports a change once the writes
 * settle. dnsmasq 2.90 reacts to a file closed after writing, moved in, or deleted, and ignores
 * dotfiles and editor leftovers; so does this (a rename out of the folder counts too).
 */
import { watch, type FSWatcher } from 'node:fs';
import { hostsDirSkips } from './hosts-loader.js';

/** How long after the last event the change is reported: one editor save is several events. */
export const SETTLE_MS = 150;

/**
 * Calls `changed` with the directories that changed, SETTLE_MS after their last event. A
 * directory that cannot be watched goes to `warn` (it is watched again after a reload). Returns
 * a function that stops every watch.
 */
export function watchHostsDirs(dirs: readonly string[], changed: (dirs: string[]) => void, warn: (dir: string, err: Error) => void): () => void {
  const watchers: FSWatcher[] = [];
  const due = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const settle = () => {
    timer = null;
    const list = [...due];
    due.clear();
    changed(list);
  };
  for (const dir of dirs) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && hostsDirSkips(name.toString())) return;
        due.add(dir);
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(settle, SETTLE_MS);
      });
      w.on('error', (err) => warn(dir, err));
      watchers.push(w);
    } catch (err) {
      warn(dir, err as Error);
    }
  }
  return () => {
    if (timer !== null) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
