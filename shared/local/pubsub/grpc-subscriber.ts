/** The google.pubsub.v1.Subscriber service. */
import * as grpc from '@grpc/grpc-js';
import type { Broker, Logger } from './broker.ts';
import { page, toReceivedMessage, toServiceError, unary } from './grpc-util.ts';
import { renderSnapshot } from './snapshots.ts';
import { invalidArgument } from './status.ts';
import { handleStreamingPull } from './streaming-pull.ts';
import type { Consumer, Pending } from './subscription-state.ts';
import type { PushConfig, SubscriptionConfig } from './types.ts';

type Req = Record<string, any>;

/** How long a Pull without return_immediately waits for a message (real time). */
const PULL_WAIT_MS = 5_000;

export interface SubscriberHandles {
  streams: Set<grpc.ServerDuplexStream<Req, Req>>;
  /** Cancels every waiting Pull (answered empty) on shutdown. */
  pullWaiters: Set<() => void>;
}

export function subscriberImplementation(broker: Broker, logger: Logger, handles: SubscriberHandles): grpc.UntypedServiceImplementation {
  return {
    CreateSubscription: unary('CreateSubscription', logger, (req: Req) => broker.createSubscription(req as Partial<SubscriptionConfig>)),
    GetSubscription: unary('GetSubscription', logger, (req: Req) => broker.getSubscription(req.subscription)),
    UpdateSubscription: unary('UpdateSubscription', logger, (req: Req) => {
      if (!req.subscription) throw invalidArgument('subscription is required.');
      return broker.updateSubscription(req.subscription as Partial<SubscriptionConfig>, req.updateMask?.paths ?? []);
    }),
    ListSubscriptions: unary('ListSubscriptions', logger, (req: Req) => {
      const { items, nextPageToken } = page(broker.listSubscriptions(req.project), req.pageSize ?? 0, req.pageToken ?? '');
      return { subscriptions: items, nextPageToken };
    }),
    DeleteSubscription: unary('DeleteSubscription', logger, (req: Req) => {
      broker.deleteSubscription(req.subscription);
      return {};
    }),
    ModifyAckDeadline: unary('ModifyAckDeadline', logger, (req: Req) => {
      broker.modifyAckDeadline(req.subscription, req.ackIds, Number(req.ackDeadlineSeconds));
      return {};
    }),
    Acknowledge: unary('Acknowledge', logger, (req: Req) => {
      broker.acknowledge(req.subscription, req.ackIds);
      return {};
    }),
    ModifyPushConfig: unary('ModifyPushConfig', logger, (req: Req) => {
      broker.modifyPushConfig(req.subscription, (req.pushConfig ?? null) as PushConfig | null);
      return {};
    }),
    Pull: (call: grpc.ServerUnaryCall<Req, Req>, callback: grpc.sendUnaryData<Req>) => {
      try {
        pull(call, callback, broker, handles);
      } catch (err) {
        callback(toServiceError(err, 'Pull', logger), null);
      }
    },
    StreamingPull: (call: grpc.ServerDuplexStream<Req, Req>) => handleStreamingPull(call, broker, logger, handles.streams),
    GetSnapshot: unary('GetSnapshot', logger, (req: Req) => renderSnapshot(broker.getSnapshot(req.snapshot))),
    ListSnapshots: unary('ListSnapshots', logger, (req: Req) => {
      const { items, nextPageToken } = page(broker.listSnapshots(req.project), req.pageSize ?? 0, req.pageToken ?? '');
      return { snapshots: items.map(renderSnapshot), nextPageToken };
    }),
    CreateSnapshot: unary('CreateSnapshot', logger, (req: Req) => renderSnapshot(broker.createSnapshot(req))),
    UpdateSnapshot: unary('UpdateSnapshot', logger, (req: Req) => renderSnapshot(broker.updateSnapshot(req.snapshot, req.updateMask?.paths ?? []))),
    DeleteSnapshot: unary('DeleteSnapshot', logger, (req: Req) => {
      broker.deleteSnapshot(req.snapshot);
      return {};
    }),
    Seek: unary('Seek', logger, (req: Req) => {
      broker.seek(req.subscription, { time: req.target === 'time' ? req.time : null, snapshot: req.target === 'snapshot' ? req.snapshot : '' });
      return {};
    }),
  };
}

function pull(call: grpc.ServerUnaryCall<Req, Req>, callback: grpc.sendUnaryData<Req>, broker: Broker, handles: SubscriberHandles): void {
  const req = call.request;
  const max = Number(req.maxMessages ?? 0);
  if (!Number.isInteger(max) || max <= 0) throw invalidArgument(`max_messages must be a positive integer, got ${req.maxMessages}.`);
  const config = broker.getSubscription(req.subscription);
  const name = config.name;
  let answered = false;
  const waiting: { timer?: NodeJS.Timeout } = {};
  const received: Pending[] = [];
  const consumer: Consumer = {
    kind: 'pull',
    capacity: () => ({ messages: answered || call.cancelled ? 0 : max - received.length, bytes: Infinity }),
    ackDeadlineSeconds: () => broker.subscriptions.get(name)?.config.ackDeadlineSeconds ?? config.ackDeadlineSeconds,
    deliver: (batch) => {
      received.push(...batch);
      answer();
    },
    release: () => broker.scheduleDispatch(name),
  };
  const answer = () => {
    if (answered) return;
    answered = true;
    if (waiting.timer) clearTimeout(waiting.timer);
    handles.pullWaiters.delete(answer);
    broker.removeConsumer(name, consumer);
    callback(null, { receivedMessages: received.map((p) => toReceivedMessage(p, broker.deliveryAttemptOf(name, p))) });
  };
  broker.addConsumer(name, consumer);
  broker.dispatch(name);
  if (answered) return;
  if (req.returnImmediately) return answer();
  handles.pullWaiters.add(answer);
  waiting.timer = setTimeout(answer, PULL_WAIT_MS);
  call.on('cancelled', answer);
}
