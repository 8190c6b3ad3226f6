/** `stackctl build`: the functions' deployable archive that Terraform uploads (npm run build). */
import type { Command } from 'commander';
import { buildFunctionsArchive } from '../../build/functions-archive.ts';
import { globalOptions, printResult } from '../output.ts';

export function register(program: Command): void {
  program
    .command('build')
    .description('bundle functions/index.ts with esbuild and write the deployable archive (<out>.zip) for Terraform')
    .option('--out <dir>', 'directory of the unpacked build; the archive is <dir>.zip', 'dist/functions')
    .option('--entry <file>', 'entry file that registers every function target', 'functions/index.ts')
    .action(async (opts: { out: string; entry: string }, cmd: Command) => {
      const result = await buildFunctionsArchive({ outDir: opts.out, entry: opts.entry });
      printResult(globalOptions(cmd), result, () =>
        [
          `archive  ${result.archivePath}`,
          `sha256   ${result.sha256}`,
          `size     ${result.archiveBytes} bytes (bundle ${result.bundleBytes} bytes)`,
          `deps     ${Object.entries(result.dependencies).map(([n, v]) => `${n}@${v}`).join(', ') || 'none'}`,
          'Terraform uploads it as functions-<sha256>.zip: terraform -chdir=terraform apply -var-file=environments/<env>.tfvars',
        ].join('\n'),
      );
    });
}
