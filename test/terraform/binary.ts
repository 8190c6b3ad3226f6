/**
 * The real terraform binary, where the machine has one. No provider can be downloaded here,
 * so the root module's inputs are evaluated with the modules stubbed: variables.tf and
 * inputs.tf (locals and checks that depend on variables only) in a scratch directory with a
 * main.tf that only outputs them. `terraform plan` then runs every type conversion, every
 * validation (cross-variable ones included) and every check block, exactly as a real plan
 * would before it reaches a provider.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Evaluation {
  ok: boolean;
  /** Variables whose value was refused, from "Invalid value for variable" diagnostics. */
  invalid: string[];
  /** Messages of failed check blocks (warnings). */
  warnings: string[];
  /** Output values of a successful plan (every variable, plus prefix and short_name). */
  outputs: Record<string, unknown>;
  log: string;
}

const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };

/** The binary's version, or undefined when there is no terraform on the PATH. */
export function terraformVersion(): string | undefined {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env });
  if (r.error || r.status !== 0) return undefined;
  return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
}

/** Files `terraform fmt -check -recursive` would rewrite. */
export function fmtCheck(dir: string): string[] {
  const r = spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', dir], { encoding: 'utf8', env });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.stdout.trim() === '') throw new Error(`terraform fmt failed: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** A scratch root with the real inputs and a stub main.tf; reused for every evaluation. */
export class InputsHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'tf-inputs-'));

  constructor(terraformDir: string) {
    copyFileSync(join(terraformDir, 'variables.tf'), join(this.dir, 'variables.tf'));
    copyFileSync(join(terraformDir, 'inputs.tf'), join(this.dir, 'inputs.tf'));
    const names = [...readFileSync(join(terraformDir, 'variables.tf'), 'utf8').matchAll(/^variable "([\w-]+)"/gm)].map((m) => m[1]);
    const outputs = [...names.map((n) => [n, `var.${n}`]), ['prefix', 'local.prefix'], ['short_name', 'local.short_name']]
      .map(([n, v]) => `output "${n}" {\n  value = ${v}\n}\n`).join('\n');
    writeFileSync(join(this.dir, 'main.tf'), `terraform {\n  required_version = ">= 1.11"\n}\n\n${outputs}`);
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color', '-backend=false'], { cwd: this.dir, encoding: 'utf8', env });
    if (init.status !== 0) throw new Error(`terraform init failed: ${init.stdout}${init.stderr}`);
  }

  evaluate(varFiles: string[]): Evaluation {
    const plan = join(this.dir, 'plan.out');
    const args = ['plan', '-input=false', '-no-color', '-lock=false', `-out=${plan}`, ...varFiles.map((f) => `-var-file=${f}`)];
    const r = spawnSync('terraform', args, { cwd: this.dir, encoding: 'utf8', env });
    const log = `${r.stdout}\n${r.stderr}`;
    const invalid = [...log.matchAll(/Error: Invalid value for variable\s+on [^\n]+\n\s+\d+: ([\w-]+)\s*=/g)].map((m) => m[1]);
    // Each failed check is "Warning: Check block assertion failed", its location, the
    // source line, then the message; keep the whole block, whitespace folded.
    const warnings = log.split(/(?=Warning: )/).filter((w) => w.startsWith('Warning: Check block assertion failed'))
      .map((w) => w.split(/\n(?=Changes to Outputs|Error: |Plan: |No changes)/)[0].replace(/[│╵╷]/g, ' ').replace(/\s+/g, ' ').trim());
    if (r.status !== 0) return { ok: false, invalid, warnings, outputs: {}, log };
    const show = spawnSync('terraform', ['show', '-json', plan], { cwd: this.dir, encoding: 'utf8', env });
    const outputs = Object.fromEntries(Object.entries((JSON.parse(show.stdout) as { planned_values: { outputs: Record<string, { value: unknown }> } }).planned_values.outputs)
      .map(([k, v]) => [k, v.value]));
    return { ok: true, invalid, warnings, outputs, log };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
