import type { Command } from 'commander';
import { register as registerCore } from './core';
import { register as registerEval } from './eval';
import { register as registerExperiments } from './experiments';
import { register as registerAnalyze } from './analyze';
import { register as registerLevers } from './levers';
import { register as registerTranslate } from './translate';

/** Every CLI command module exports `register(program)`; add new modules here. */
export type RegisterCommands = (program: Command) => void;

export const commandModules: RegisterCommands[] = [registerCore, registerExperiments, registerEval, registerAnalyze, registerTranslate, registerLevers];
