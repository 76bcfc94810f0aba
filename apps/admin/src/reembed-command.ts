import { Command } from 'commander';
import { REEMBED_BATCH, ReembedService } from '@app/memories';
import { positive, progress } from './portability-commands';

/** `reembed`: after a change of embedder, give stored memories the configured one's vectors; re-run to resume. */
export function registerReembedCommand(program: Command, reembed: ReembedService): void {
  program
    .command('reembed')
    .description("re-embed every memory whose vector is not the configured embedder's (resumable)")
    .option('--project <projectId>', 'only this project')
    .option('--batch-size <rows>', 'memories per transaction', positive, REEMBED_BATCH)
    .option('--progress-every <rows>', 'progress line on stderr every this many rows', positive, 5000)
    .action(async (options: { project?: string; batchSize: number; progressEvery: number }) => {
      const summary = await reembed.reembed({
        projectId: options.project,
        batchSize: options.batchSize,
        onProgress: progress('re-embedded', options.progressEvery),
      });
      console.log(
        `re-embedded ${summary.embedded} memories with ${summary.embedder}` +
          (summary.skipped ? `; ${summary.skipped} changed meanwhile (run again to cover them)` : ''),
      );
    });
}
