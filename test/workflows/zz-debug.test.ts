import { it } from 'vitest';
import { startWorkflowStack, PROJECT, INSTANCE } from '/work/main/test/workflows/harness.ts';
it('x', async () => {
  const s = await startWorkflowStack();
  const now = s.clock.now().getTime();
  for (const m of [60, 30, 10, 6, 4, 1]) s.sql.recordWrite(PROJECT, INSTANCE, { m }, new Date(now - m * 60000));
  s.onEvent = async (e) => {
    if (e.kind === 'ApprovalRequested') await fetch(String(e.data.callbackUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved: true, approver: 'test@example.com' }) });
  };
  const r = await s.run('pitr-restore', { instance: INSTANCE, incidentStartedAt: new Date(now - 120000).toISOString(), reason: 'x', requireApproval: true });
  console.log(JSON.stringify(r.state === 'FAILED' ? r.error : r.result, null, 1));
  console.log(JSON.stringify(s.events.map(e => e.data), null, 1).slice(0, 3000));
  await s.close();
});
