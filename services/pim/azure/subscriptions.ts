// The subscriptions the caller can read: ARM's Subscriptions - List (Microsoft.Resources,
// GET /subscriptions?api-version=2022-12-01). @azure/arm-authorization has no operation for it, so it
// goes through that client's own pipeline (sendOperationRequest with an OperationSpec), like the approvals:
// same endpoint, bearer policy, retries and error mapping as every other ARM call. With an app-only token
// it lists the subscriptions where the app was granted a role (e.g. Reader).
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import {
  createSerializer,
  type OperationSpec,
  type OperationURLParameter,
  type OperationQueryParameter,
  type OperationParameter,
} from '@azure/core-client';
import { asArray, asRecord, readString } from '../json';

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

const serializer = createSerializer({}, false);
const $host: OperationURLParameter = {
  parameterPath: '$host',
  mapper: { serializedName: '$host', required: true, type: { name: 'String' } },
  skipEncoding: true,
};
const nextLink: OperationURLParameter = {
  parameterPath: 'nextLink',
  mapper: { serializedName: 'nextLink', required: true, type: { name: 'String' } },
  skipEncoding: true,
};
const apiVersion: OperationQueryParameter = {
  parameterPath: 'apiVersion',
  mapper: { defaultValue: SUBSCRIPTIONS_API_VERSION, isConstant: true, serializedName: 'api-version', type: { name: 'String' } },
};
const accept: OperationParameter = {
  parameterPath: 'accept',
  mapper: { defaultValue: 'application/json', isConstant: true, serializedName: 'Accept', type: { name: 'String' } },
};

// No body mapper: the plain JSON comes back as { body } and is read here.
const listSpec: OperationSpec = {
  path: '/subscriptions',
  httpMethod: 'GET',
  responses: { 200: {}, default: {} },
  queryParameters: [apiVersion],
  urlParameters: [$host],
  headerParameters: [accept],
  serializer,
};
const listNextSpec: OperationSpec = {
  path: '{nextLink}',
  httpMethod: 'GET',
  responses: { 200: {}, default: {} },
  urlParameters: [$host, nextLink],
  headerParameters: [accept],
  serializer,
};

const SUBSCRIPTION_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** '/subscriptions/{id}' of every subscription the caller can read, following nextLink. */
export async function listSubscriptionScopes(client: AuthorizationManagementClient): Promise<string[]> {
  const out: string[] = [];
  let page = asRecord((await client.sendOperationRequest<{ body?: unknown }>({}, listSpec)).body);
  for (let pages = 0; pages < 100; pages++) {
    for (const s of asArray(page?.['value'])) {
      const id = readString(asRecord(s), 'id');
      if (id && SUBSCRIPTION_ID.test(id)) out.push(id.toLowerCase());
    }
    const next = readString(page, 'nextLink');
    if (!next) break;
    page = asRecord((await client.sendOperationRequest<{ body?: unknown }>({ nextLink: next }, listNextSpec)).body);
  }
  return out;
}
