import type { Command } from 'commander';
import { register as registerCore } from './core';

/** Every CLI command module exports `register(program)`; add new modules here. */
export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [registerCore];
import { register as registerEval } from './eval'; commandModules.push(registerEval); // clir eval, clir compare
