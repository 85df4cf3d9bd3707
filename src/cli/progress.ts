/** The demo seed's progress on a terminal: one bar per part (facilities, products, stock, orders), only when stdout is a TTY. */
import type { DemoProgress } from '../app/demo';

export interface TerminalProgress {
  update(p: DemoProgress): void;
  stop(): void;
}

/** A progress bar on stdout when it is a terminal; undefined otherwise (the server then logs a line per part). */
export async function terminalProgress(stream: NodeJS.WriteStream = process.stdout): Promise<TerminalProgress | undefined> {
  if (!stream.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ stream, format: 'demo data: {stage} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  // A part's bar stops once it is full, so the server's log lines never land in the middle of one.
  let stage: string | undefined;
  return {
    update(p) {
      if (p.stage !== stage) {
        if (stage) bar.stop();
        stage = p.stage;
        bar.start(p.total, p.done, { stage: p.stage });
      } else bar.update(p.done, { stage: p.stage });
      if (p.done >= p.total) { bar.stop(); stage = undefined; }
    },
    stop() { if (stage) bar.stop(); stage = undefined; },
  };
}
