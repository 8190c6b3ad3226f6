/** The google.pubsub.v1.Publisher service. */
import type * as grpc from '@grpc/grpc-js';
import type { Broker, Logger } from './broker.ts';
import { page, unary } from './grpc-util.ts';
import { validatePublish } from './publish-validation.ts';
import { invalidArgument, unimplemented } from './status.ts';
import type { TopicConfig } from './types.ts';

type Req = Record<string, any>;

export function publisherImplementation(broker: Broker, logger: Logger): grpc.UntypedServiceImplementation {
  return {
    CreateTopic: unary('CreateTopic', logger, (req: Req) => broker.createTopic(req as Partial<TopicConfig>)),
    UpdateTopic: unary('UpdateTopic', logger, (req: Req) => {
      if (!req.topic) throw invalidArgument('topic is required.');
      return broker.updateTopic(req.topic as Partial<TopicConfig>, req.updateMask?.paths ?? []);
    }),
    GetTopic: unary('GetTopic', logger, (req: Req) => broker.getTopic(req.topic)),
    ListTopics: unary('ListTopics', logger, (req: Req) => {
      const { items, nextPageToken } = page(broker.listTopics(req.project), req.pageSize ?? 0, req.pageToken ?? '');
      return { topics: items, nextPageToken };
    }),
    ListTopicSubscriptions: unary('ListTopicSubscriptions', logger, (req: Req) => {
      const { items, nextPageToken } = page(broker.listTopicSubscriptions(req.topic), req.pageSize ?? 0, req.pageToken ?? '');
      return { subscriptions: items, nextPageToken };
    }),
    ListTopicSnapshots: unary('ListTopicSnapshots', logger, (req: Req) => {
      const { items, nextPageToken } = page(broker.listTopicSnapshots(req.topic), req.pageSize ?? 0, req.pageToken ?? '');
      return { snapshots: items, nextPageToken };
    }),
    DeleteTopic: unary('DeleteTopic', logger, (req: Req) => {
      broker.deleteTopic(req.topic);
      return {};
    }),
    DetachSubscription: unary('DetachSubscription', logger, () => {
      throw unimplemented('DetachSubscription is not supported by this emulator.');
    }),
    Publish: unary('Publish', logger, (req: Req) => {
      broker.getTopic(req.topic);
      const messages = validatePublish(req.messages);
      return { messageIds: broker.publish(req.topic, messages) };
    }),
  };
}
