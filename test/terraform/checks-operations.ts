/**
 * Operating checks: status events reach people (a retained cp-events subscription, attention
 * subscriptions filtered by event kind, each watched by an alert policy that notifies the
 * people's channels), the control plane watches itself (dead letters, failed workflow
 * executions, function errors), and the backups are watched (RPO, drills).
 */
import { dig, first, locals, rel, resources, type HclJson, type ResourceBlock, type TfModule, type TfTree } from './hcl.ts';

function policies(tree: TfTree): Array<{ p: ResourceBlock; mod: TfModule }> {
  return tree.modules.flatMap((mod) => resources(mod, 'google_monitoring_alert_policy').map((p) => ({ p, mod })));
}

function conditionFilters(p: ResourceBlock): string[] {
  const conditions = (p.body.conditions as HclJson[] | undefined) ?? [];
  return conditions.flatMap((c) => [dig(c, 'condition_threshold', 'filter'), dig(c, 'condition_absent', 'filter')]).filter((f): f is string => typeof f === 'string');
}

const notifiesPeople = (p: ResourceBlock): boolean => /people_channels|notification_channel\.(email|slack)/.test(JSON.stringify(p.body.notification_channels ?? ''));

/**
 * cp-events has a pull subscription that retains messages, and every category of event a
 * person must see has a filtered subscription on cp-events selecting its kinds, watched by a
 * backlog alert policy that notifies people.
 */
export function checkEventsRouting(tree: TfTree, eventsTopic: string, required: Record<string, string[]>): string[] {
  const problems: string[] = [];
  let retained = false;
  const routed = new Map<string, { kinds: string[]; watched: boolean }>();
  for (const mod of tree.modules) {
    const topicsLocal = locals(mod).topics as Record<string, string> | undefined;
    const eventsKey = Object.entries(topicsLocal ?? {}).find(([, v]) => v === eventsTopic)?.[0];
    if (!eventsKey) continue;
    const onEvents = resources(mod, 'google_pubsub_subscription').filter((s) => String(s.body.topic ?? '').includes(`google_pubsub_topic.flow["${eventsKey}"]`));
    for (const s of onEvents) {
      const where = `${rel(tree, s.file)}: google_pubsub_subscription.${s.name}`;
      const push = !!first(s.body.push_config);
      if (push) problems.push(`${where}: a subscription on ${eventsTopic} for people and the CLI must be pull, not push`);
      if (s.body.retain_acked_messages !== true) problems.push(`${where}: retain_acked_messages must be true (events stay readable for audit)`);
      else if (!push && !s.body.filter && s.body.for_each === undefined) retained = true;
    }
    const attention = locals(mod).attention as Record<string, { kinds?: string[] }> | undefined;
    const filtered = onEvents.find((s) => typeof s.body.filter === 'string' && s.body.for_each === '${local.attention}');
    if (!attention || !filtered) continue;
    if (!/attributes\.kind/.test(String(filtered.body.filter))) problems.push(`${rel(tree, filtered.file)}: google_pubsub_subscription.${filtered.name}: filter must select on attributes.kind`);
    const watchers = policies(tree).filter(({ p }) => p.body.for_each === '${local.attention}'
      && conditionFilters(p).some((f) => f.includes(`google_pubsub_subscription.${filtered.name}[each.key]`) && f.includes('num_undelivered_messages')));
    for (const [category, spec] of Object.entries(attention)) {
      routed.set(category, { kinds: spec.kinds ?? [], watched: watchers.some(({ p }) => notifiesPeople(p)) });
    }
  }
  if (!retained) problems.push(`no retained, unfiltered pull subscription on ${eventsTopic}: Pub/Sub drops every status event`);
  for (const [category, kinds] of Object.entries(required)) {
    const r = routed.get(category);
    if (!r) {
      problems.push(`events of category "${category}" (${kinds.join(', ')}) are not routed to people`);
      continue;
    }
    for (const k of kinds) if (!r.kinds.includes(k)) problems.push(`category "${category}" does not select event kind ${k}`);
    if (!r.watched) problems.push(`category "${category}": no alert policy on its subscription's backlog notifies people`);
  }
  return problems;
}

/**
 * An alert policy per dead-letter subscription (its undelivered messages), one on failed
 * workflow executions, one per function on its error rate; all notify people.
 */
export function checkSelfMonitoring(tree: TfTree): string[] {
  const problems: string[] = [];
  const all = policies(tree);
  const find = (pred: (p: ResourceBlock) => boolean) => all.filter(({ p }) => pred(p));
  const dlq = find((p) => conditionFilters(p).some((f) => /google_pubsub_subscription\.dead_letter\[each\.key\]/.test(f) && f.includes('num_undelivered_messages')));
  const dlqSubs = tree.modules.flatMap((m) => resources(m, 'google_pubsub_subscription').filter((s) => s.name === 'dead_letter'));
  if (dlqSubs.length === 0) problems.push('no dead-letter subscriptions found');
  for (const s of dlqSubs) {
    if (!dlq.some(({ p }) => p.body.for_each === s.body.for_each)) problems.push(`${rel(tree, s.file)}: google_pubsub_subscription.${s.name}: no alert policy watches the undelivered messages of every dead-letter subscription`);
  }
  const wf = find((p) => conditionFilters(p).some((f) => f.includes('workflows.googleapis.com/finished_execution_count') && f.includes('"FAILED"')));
  if (wf.length === 0) problems.push('no alert policy on failed workflow executions (workflows.googleapis.com/finished_execution_count, status FAILED)');
  const fn = find((p) => p.body.for_each === '${local.functions}' && conditionFilters(p).some((f) => f.includes('run.googleapis.com/request_count') && f.includes('5xx')));
  if (fn.length === 0) problems.push('no alert policy on each function\'s error rate (run.googleapis.com/request_count 5xx)');
  for (const { p } of [...dlq, ...wf, ...fn]) {
    if (!notifiesPeople(p)) problems.push(`${rel(tree, p.file)}: google_monitoring_alert_policy.${p.name}: does not notify the people's channels`);
  }
  return problems;
}

/**
 * The RPO policy watches backup_age_seconds against the objective and carries the labels of
 * the backup remediation; the drill policy watches the drill metric; both reach the control
 * plane's Pub/Sub channel and people.
 */
export function checkBackupAlerts(tree: TfTree, metrics: { age: string; drill: string }): string[] {
  const problems: string[] = [];
  const all = policies(tree);
  const rpo = all.filter(({ p }) => conditionFilters(p).some((f) => f.includes(metrics.age)));
  const drill = all.filter(({ p }) => conditionFilters(p).some((f) => f.includes(metrics.drill)));
  if (rpo.length === 0) problems.push(`no alert policy on ${metrics.age}`);
  if (drill.length === 0) problems.push(`no alert policy on ${metrics.drill}`);
  for (const { p } of rpo) {
    const where = `${rel(tree, p.file)}: google_monitoring_alert_policy.${p.name}`;
    const labels = (p.body.user_labels as HclJson | undefined) ?? {};
    if (labels.remediation !== 'backup' || !labels.instance) problems.push(`${where}: needs user_labels remediation = "backup" and instance for the on-demand backup rule`);
    const threshold = ((p.body.conditions as HclJson[]) ?? []).map((c) => dig(c, 'condition_threshold', 'threshold_value')).find((v) => v !== undefined);
    if (!/rpo_seconds|rpo_objective_hours/.test(String(threshold))) problems.push(`${where}: the threshold must be the RPO objective (is ${JSON.stringify(threshold)})`);
    if (!/instance/.test(conditionFilters(p).join(' '))) problems.push(`${where}: the filter must select the instance label`);
  }
  for (const { p } of [...rpo, ...drill]) {
    const channels = JSON.stringify(p.body.notification_channels ?? '');
    const where = `${rel(tree, p.file)}: google_monitoring_alert_policy.${p.name}`;
    if (!/backup_alert_channels|alerts_topic/.test(channels)) problems.push(`${where}: must notify the cp-monitoring-alerts Pub/Sub channel`);
  }
  return problems;
}

/**
 * The budget notifies the budgets flow's topic with schema 1.0, has actual-spend thresholds from
 * a variable and a forecast threshold, and the Billing service agent may publish there.
 */
export function checkBudget(tree: TfTree, budgetsTopic: string): string[] {
  const problems: string[] = [];
  const budgets = tree.modules.flatMap((mod) => resources(mod, 'google_billing_budget').map((b) => ({ b, mod })));
  if (budgets.length === 0) problems.push('no google_billing_budget');
  for (const { b, mod } of budgets) {
    const where = `${rel(tree, b.file)}: google_billing_budget.${b.name}`;
    const key = Object.entries((locals(mod).topics as Record<string, string> | undefined) ?? {}).find(([, v]) => v === budgetsTopic)?.[0];
    const topic = String(dig(b.body, 'all_updates_rule', 'pubsub_topic') ?? '');
    if (!key || !topic.includes(`google_pubsub_topic.flow["${key}"]`)) problems.push(`${where}: all_updates_rule.pubsub_topic must be ${budgetsTopic}`);
    if (dig(b.body, 'all_updates_rule', 'schema_version') !== '1.0') problems.push(`${where}: all_updates_rule.schema_version must be "1.0" (the schema the budgets flow decodes)`);
    const dynamicRules = JSON.stringify((b.body.dynamic as HclJson[] | undefined) ?? []);
    if (!/threshold_rules/.test(dynamicRules) || !/var\.budget_thresholds/.test(dynamicRules)) problems.push(`${where}: actual-spend threshold_rules must come from var.budget_thresholds`);
    const forecast = ((b.body.threshold_rules as HclJson[] | undefined) ?? []).some((r) => r.spend_basis === 'FORECASTED_SPEND');
    if (!forecast) problems.push(`${where}: no FORECASTED_SPEND threshold`);
    const publisher = resources(mod, 'google_pubsub_topic_iam_member').some((m) => String(m.body.member).includes('billing') && String(m.body.topic).includes(`["${key}"]`) && m.body.role === 'roles/pubsub.publisher');
    if (!publisher) problems.push(`${where}: the Billing service agent cannot publish to ${budgetsTopic}`);
  }
  return problems;
}

/**
 * Cloud Workflows (outside the VPC) reaches Argo CD's internal load balancer: a Service Directory
 * endpoint at the internal address on 443 in the VPC network, the Workflows service agent allowed
 * to resolve it and connect, the service handed to the workflows as ARGOCD_PRIVATE_SERVICE, and
 * every workflow that calls Argo CD passing it as private_service_name.
 */
export function checkPrivateArgoCd(tree: TfTree, workflowSources: Record<string, string>): string[] {
  const problems: string[] = [];
  const all = tree.modules.flatMap((mod) => resources(mod).map((r) => ({ r, mod })));
  const of = (type: string) => all.filter(({ r }) => r.type === type).map(({ r }) => r);
  const at = (r: ResourceBlock) => `${rel(tree, r.file)}: ${r.type}.${r.name}`;
  const endpoints = of('google_service_directory_endpoint');
  if (endpoints.length === 0) problems.push('no google_service_directory_endpoint: nothing registers Argo CD\'s internal address for Workflows');
  const services = new Set<string>();
  for (const e of endpoints) {
    if (!/argocd_internal_ip/.test(String(e.body.address))) problems.push(`${at(e)}: address must be the Argo CD internal address (var.argocd_internal_ip), is ${JSON.stringify(e.body.address)}`);
    if (e.body.port !== 443) problems.push(`${at(e)}: port must be 443 (Argo CD's API over TLS), is ${JSON.stringify(e.body.port)}`);
    if (!/networks\//.test(String(e.body.network ?? ''))) problems.push(`${at(e)}: network must name the VPC (projects/NUMBER/locations/global/networks/NAME), or Workflows cannot connect privately`);
    const service = /google_service_directory_service\.([A-Za-z0-9_-]+)/.exec(String(e.body.service))?.[1];
    if (service) services.add(service);
  }
  const agentRoles = new Set(of('google_project_iam_member')
    .filter((m) => /gcp-sa-workflows\.iam\.gserviceaccount\.com/.test(String(m.body.member)))
    .flatMap((m) => [String(m.body.role), ...(typeof m.body.for_each === 'string' ? [m.body.for_each] : [])]));
  for (const role of ['roles/servicedirectory.viewer', 'roles/servicedirectory.pscAuthorizedService']) {
    if (![...agentRoles].some((r) => r.includes(role))) problems.push(`the Workflows service agent lacks ${role} (it resolves the service and opens the private connection)`);
  }
  for (const w of of('google_workflows_workflow')) {
    const env = String(w.body.user_env_vars ?? '');
    const named = /ARGOCD_PRIVATE_SERVICE\s*=\s*google_service_directory_service\.([A-Za-z0-9_-]+)/.exec(env)?.[1];
    if (!named) problems.push(`${at(w)}: user_env_vars must set ARGOCD_PRIVATE_SERVICE to the Service Directory service of Argo CD`);
    else if (!services.has(named)) problems.push(`${at(w)}: ARGOCD_PRIVATE_SERVICE names google_service_directory_service.${named}, which has no endpoint`);
  }
  for (const [file, text] of Object.entries(workflowSources)) {
    if (!text.includes('sys.get_env("ARGOCD_URL")')) continue;
    if (!/sys\.get_env\("ARGOCD_PRIVATE_SERVICE"/.test(text) || !/private_service_name:/.test(text)) {
      problems.push(`${file}: calls Argo CD at ARGOCD_URL without passing ARGOCD_PRIVATE_SERVICE as private_service_name`);
    }
  }
  return problems;
}
