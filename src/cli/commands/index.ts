import type { Command } from 'commander';

/** Every CLI command module exports `register(program)`; add new modules here. */
export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [];
