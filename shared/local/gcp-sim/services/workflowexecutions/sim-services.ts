/**
 * The gcp-sim services written alongside this file's owner (Monitoring, Billing Catalog, Argo CD,
 * Workflow Executions), built in one call for whoever assembles the full simulator.
 */
import type { SimService } from '../../service.ts';
import { ArgoCdSim } from '../argocd.ts';
import { CloudBillingSim } from '../cloudbilling.ts';
import { MonitoringSim } from '../monitoring.ts';
import { WorkflowExecutionsSim } from '../workflowexecutions.ts';
import type { ExecutionBackend } from './backend.ts';
import { EngineExecutionBackend, type EngineBackendOptions } from './engine-backend.ts';

export interface OwnSimServicesOptions {
  /** Billing catalog seed file (default: seed/billing-catalog.json). */
  billingSeedFile?: string;
  /**
   * How Workflow Executions run: an explicit backend, `false` for none (every call answers 501),
   * or options for the local engine (default: the engine with `workflows/` as its directory).
   */
  workflows?: ExecutionBackend | false | EngineBackendOptions;
}

export interface OwnSimServices {
  services: SimService[];
  /** The engine backend when one was created here; close it on shutdown. */
  engine?: EngineExecutionBackend;
}

function isBackend(value: unknown): value is ExecutionBackend {
  return typeof (value as ExecutionBackend)?.create === 'function' && typeof (value as ExecutionBackend)?.list === 'function';
}

export function createSimServicesYouOwn(options: OwnSimServicesOptions = {}): OwnSimServices {
  let backend: ExecutionBackend | undefined;
  let engine: EngineExecutionBackend | undefined;
  if (isBackend(options.workflows)) backend = options.workflows;
  else if (options.workflows !== false) backend = engine = new EngineExecutionBackend(options.workflows ?? {});
  return {
    services: [
      new MonitoringSim(),
      new CloudBillingSim({ seedFile: options.billingSeedFile }),
      new ArgoCdSim(),
      new WorkflowExecutionsSim(backend),
    ],
    engine,
  };
}
