/**
 * Loads the Pub/Sub service definitions from the .proto files that ship with
 * @google-cloud/pubsub, so the emulator speaks exactly the wire format the real client expects.
 * Include paths are resolved through the package graph (not hard-coded node_modules paths) because
 * google-gax, which carries google/api/*.proto, may be hoisted or nested.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface PubsubServiceDefinitions {
  publisher: grpc.ServiceDefinition;
  subscriber: grpc.ServiceDefinition;
}

let cached: PubsubServiceDefinitions | undefined;

function includeDirs(): { pubsubProtos: string; dirs: string[] } {
  const require = createRequire(import.meta.url);
  const pubsubRoot = dirname(require.resolve('@google-cloud/pubsub/package.json'));
  const pubsubProtos = join(pubsubRoot, 'build', 'protos');
  const fromPubsub = createRequire(join(pubsubRoot, 'package.json'));
  // google-gax does not export its package.json, so walk up from its entry point.
  const gaxRoot = packageRoot(fromPubsub.resolve('google-gax'), 'google-gax');
  const gaxProtos = join(gaxRoot, 'build', 'protos');
  const dirs = [pubsubProtos, gaxProtos];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new Error(`Pub/Sub emulator: proto include directory ${dir} does not exist (is @google-cloud/pubsub installed?)`);
  }
  return { pubsubProtos, dirs };
}

/** The directory of the package.json named `name` above `entry` (nested package.json files are skipped). */
function packageRoot(entry: string, name: string): string {
  let dir = dirname(entry);
  for (let depth = 0; depth < 12; depth++, dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`Pub/Sub emulator: cannot find the ${name} package root above ${entry}`);
}

export function loadPubsubServices(): PubsubServiceDefinitions {
  if (cached) return cached;
  const { dirs } = includeDirs();
  const definition = protoLoader.loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs: dirs,
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    google: { pubsub: { v1: { Publisher: grpc.ServiceClientConstructor; Subscriber: grpc.ServiceClientConstructor } } };
  };
  cached = { publisher: pkg.google.pubsub.v1.Publisher.service, subscriber: pkg.google.pubsub.v1.Subscriber.service };
  return cached;
}
