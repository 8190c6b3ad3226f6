import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { systemClock } from '../../../../../shared/runtime/system-clock.ts';
import { RecordingClock, failure, json, result, serve, type TestServer } from '../helpers.ts';

let notifier: TestServer;
const deliveries: Promise<Response>[] = [];

beforeAll(async () => {
  // Stands in for the external system a workflow tells about its callback URL: it calls back a moment later.
  notifier = await serve((req, res) => {
    const { url } = JSON.parse(req.body) as { url: string };
    json(res, 200, { accepted: true });
    setTimeout(() => {
      deliveries.push(fetch(`${url}?source=notifier`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved: true }) }));
    }, 20);
  });
});
afterAll(async () => {
  await Promise.allSettled(deliveries);
  await notifier.close();
});

describe('events.* callbacks', () => {
  it('a real loopback POST from another client reaches events.await_callback', async () => {
    const r = await result(`
main:
  params: [notifyUrl]
  steps:
    - create:
        call: events.create_callback_endpoint
        args:
          http_callback_method: POST
        result: cb
    - tell:
        call: http.post
        args:
          url: \${notifyUrl}
          body:
            url: \${cb.url}
    - wait:
        call: events.await_callback
        args:
          callback: \${cb}
          timeout: 30
        result: event
    - r:
        return: \${[cb.url, event.type, event.http_request.method, event.http_request.body, event.http_request.query]}
`, notifier.url, { clock: systemClock, identity: { projectId: 'p', location: 'l', workflowId: 'w', executionId: 'e1' } }) as unknown[];
    expect(r[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/projects\/p\/locations\/l\/workflows\/w\/executions\/e1\/callbacks\/[0-9a-f-]+$/);
    expect(r.slice(1)).toEqual(['HTTP', 'POST', { approved: true }, { source: 'notifier' }]);
    const delivered = await Promise.all(deliveries);
    expect(delivered.map((d) => d.status)).toEqual([200]);
  });

  it('a callback received before the wait is queued, not lost; a wrong method gets 405', async () => {
    expect(await result(`
- create:
    call: events.create_callback_endpoint
    result: cb
- wrongMethod:
    try:
      call: http.get
      args:
        url: \${cb.url}
    except:
      as: e
      steps:
        - keep:
            assign:
              - wrongCode: \${e.code}
- early:
    call: http.post
    args:
      url: \${cb.url}
      body: {n: 1}
- wait:
    call: events.await_callback
    args:
      callback: \${cb}
      timeout: 10
    result: event
- r:
    return: \${[wrongCode, event.http_request.body.n]}
`)).toEqual([405, 1]);
  });

  it('an expired wait raises TimeoutError after the timeout in virtual time', async () => {
    const clock = new RecordingClock();
    const start = clock.now().getTime();
    const f = await failure(`
- create:
    call: events.create_callback_endpoint
    result: cb
- wait:
    call: events.await_callback
    args:
      callback: \${cb}
      timeout: 3600
`, null, { clock });
    expect(f.tags).toEqual(['TimeoutError']);
    expect(clock.now().getTime() - start).toBe(3_600_000);
    expect(clock.sleeps.every((ms) => ms <= 1000)).toBe(true);
  });

  it('after a callback that was already queued, no leftover timeout moves the virtual clock later', async () => {
    const clock = new VirtualClock('2026-01-01T00:00:00Z');
    expect(await result(`
- create:
    call: events.create_callback_endpoint
    result: cb
- early:
    call: http.post
    args: {url: "\${cb.url}", body: {n: 1}}
- wait:
    call: events.await_callback
    args: {callback: "\${cb}", timeout: 3600}
    result: event
- t0:
    assign:
      - t0: \${sys.now()}
- more:
    call: http.post
    args: {url: "\${cb.url}", body: {n: 2}}
- r:
    return: \${[sys.now() - t0, event.http_request.body.n]}
`, null, { clock })).toEqual([0, 1]);
    expect(clock.pending).toBe(0);
  });

  it('after a callback that arrives during the wait, the wait ends within a slice and leaves nothing pending', async () => {
    const clock = new VirtualClock('2026-01-01T00:00:00Z');
    const [waited, after] = await result(`
- create:
    call: events.create_callback_endpoint
    result: cb
- start:
    assign:
      - start: \${sys.now()}
      - t1: null
- both:
    parallel:
      shared: [t1]
      branches:
        - waiter:
            steps:
              - wait:
                  call: events.await_callback
                  args: {callback: "\${cb}", timeout: 3600}
              - mark:
                  assign:
                    - t1: \${sys.now()}
        - sender:
            steps:
              - later:
                  call: sys.sleep
                  args: {seconds: 10}
              - send:
                  call: http.post
                  args: {url: "\${cb.url}", body: {}}
- more:
    call: http.post
    args: {url: "\${cb.url}", body: {}}
- r:
    return: \${[t1 - start, sys.now() - t1]}
`, null, { clock }) as number[];
    // Virtual time runs on while the sender's request is on the wire, but never towards the 3600 s timeout's end.
    expect(waited).toBeGreaterThanOrEqual(10);
    expect(waited).toBeLessThan(3600);
    expect(after).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('awaiting something that is not a callback raises TypeError', async () => {
    expect((await failure(`
- wait:
    call: events.await_callback
    args:
      callback: "nope"
`)).tags).toContain('TypeError');
  });
});
