/** The use-case services of a workbench, created together so that they share state (the metric cache). */
import { DocumentService } from './documents';
import { ExperimentService } from './experiments';
import { ImportService } from './imports';
import { JudgingService } from './judging';
import { LeverService } from './levers';
import { NotebookService } from './notebook';
import { TranslationService } from './translation';
import type { Db } from '../store/db';
import type { Workbench } from './workbench';

export interface WorkbenchServices {
  readonly experiments: ExperimentService;
  readonly imports: ImportService;
  readonly judging: JudgingService;
  readonly documents: DocumentService;
  readonly notebook: NotebookService;
  readonly translation: TranslationService;
  readonly levers: LeverService;
}

/** `db` is the workbench's open store handle, given only to the services that call store functions with it. */
export function createServices(wb: Workbench, db: Db): WorkbenchServices {
  const imports: ImportService = new ImportService(wb, () => experiments);
  const experiments: ExperimentService = new ExperimentService(wb, (topics, source) => imports.storeTopics(topics, source));
  return {
    experiments,
    imports,
    judging: new JudgingService(wb, () => experiments),
    documents: new DocumentService(wb),
    notebook: new NotebookService(wb),
    translation: new TranslationService(db),
    levers: new LeverService(wb, db),
  };
}
