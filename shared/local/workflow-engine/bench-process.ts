// Entry point of the engine benches' own process (see bench.ts runEngineBenchProcess): prints the entries as JSON.
import { benchEngineEntries } from './bench.ts';

const entries = await benchEngineEntries({ quick: process.argv.includes('--quick') });
process.stdout.write(`${JSON.stringify(entries)}\n`);
