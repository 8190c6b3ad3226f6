import type { Command } from 'commander';

/** Every command module registers itself here; keep one line per module. */
export const commandModules: Array<(program: Command) => void> = [
];
