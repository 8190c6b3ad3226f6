/** What the alerts flow acts through: the Workflows port and the (lazily loaded) rules. */
import type { RulesFile } from '../../domain/remediation/rules.ts';
import type { Workflows } from '../../ports/workflows.ts';

export interface AlertsDeps {
  workflows: Workflows;
  /** The validated rules; throws RulesFileError when the file is bad. */
  rules(): RulesFile;
}
