/**
 * Resource-name rules of Pub/Sub: `projects/{project}/topics/{topic}` and
 * `projects/{project}/subscriptions/{subscription}` and `projects/{project}/snapshots/{snapshot}`. An id starts with a letter, is 3–255
 * characters of letters, digits and `-_.~+%`, and must not start with `goog`.
 */
import { invalidArgument } from './status.ts';

const ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9\-.:]{0,127}$/;

export interface ResourceName {
  project: string;
  id: string;
  name: string;
}

function parse(kind: 'topics' | 'subscriptions' | 'snapshots', name: unknown, field: string): ResourceName {
  if (typeof name !== 'string' || name === '') {
    throw invalidArgument(`${field} is required: expected projects/{project}/${kind}/{id}.`);
  }
  const parts = name.split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== kind) {
    throw invalidArgument(`Invalid [${kind}] name: (name=${name}) in ${field}: expected projects/{project}/${kind}/{id}.`);
  }
  const [, project, , id] = parts as [string, string, string, string];
  if (!PROJECT.test(project)) {
    throw invalidArgument(`Invalid [${kind}] name: (name=${name}) in ${field}: project "${project}" is not a valid project id.`);
  }
  if (!ID.test(id)) {
    throw invalidArgument(
      `Invalid [${kind}] name: (name=${name}) in ${field}: the id must start with a letter and be 3-255 characters of letters, digits, '-', '_', '.', '~', '+' or '%'.`,
    );
  }
  if (id.toLowerCase().startsWith('goog')) {
    throw invalidArgument(`Invalid [${kind}] name: (name=${name}) in ${field}: ids must not start with "goog".`);
  }
  return { project, id, name };
}

export const parseTopicName = (name: unknown, field = 'topic') => parse('topics', name, field);
export const parseSubscriptionName = (name: unknown, field = 'subscription') => parse('subscriptions', name, field);
export const parseSnapshotName = (name: unknown, field = 'snapshot') => parse('snapshots', name, field);

export function parseProject(value: unknown, field = 'project'): string {
  if (typeof value !== 'string' || !/^projects\/[A-Za-z0-9][A-Za-z0-9\-.:]{0,127}$/.test(value)) {
    throw invalidArgument(`Invalid ${field}: (${String(value)}): expected projects/{project}.`);
  }
  return value.slice('projects/'.length);
}
