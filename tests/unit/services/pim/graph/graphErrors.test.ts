import assert from 'node:assert/strict';
import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';
import { mapArmError } from '../../../../../services/pim/azure/armErrors';
import { PimError, stepUpDemand, type PimErrorKind } from '../../../../../services/pim/errors';
import { claimsFromMessage, failedPolicyRules, mapGraphError, retryAfterSeconds } from '../../../../../services/pim/graph/graphErrors';

function graphError(status: number, code: string | null, message = '', headers?: Record<string, string>): GraphError {
  const e = new GraphError(status, message);
  e.code = code;
  if (headers) e.headers = new Headers(headers);
  return e;
}

const ACRS_MESSAGE = '&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D';

/** Every row of contracts/errors/CATALOG.md, plus the generic HTTP classes. */
const TABLE: Array<{ name: string; error: GraphError; kind: PimErrorKind; rules?: string[]; claims?: string }> = [
  {
    name: 'PolicyValidationFailed ExpirationRule',
    error: graphError(400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["ExpirationRule"]'),
    kind: 'policyViolation',
    rules: ['ExpirationRule'],
  },
  {
    name: 'PolicyValidationFailed MfaRule',
    error: graphError(400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["MfaRule"]'),
    kind: 'policyViolation',
    rules: ['MfaRule'],
  },
  {
    name: 'PolicyValidationFailed EligibilityRule + ExpirationRule',
    error: graphError(
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["EligibilityRule","ExpirationRule"]',
    ),
    kind: 'notEligible',
    rules: ['EligibilityRule', 'ExpirationRule'],
  },
  {
    name: 'PolicyValidationFailed (PIM v2 wording, no rule list)',
    error: graphError(
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The governanceRoleAssignmentRequest does not meet internal policies and cannot be created.',
    ),
    kind: 'policyViolation',
    rules: [],
  },
  {
    name: 'ActiveDurationTooShort',
    error: graphError(400, 'ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.'),
    kind: 'durationTooShort',
  },
  {
    name: 'RoleAssignmentExists',
    error: graphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.'),
    kind: 'alreadyActive',
  },
  {
    name: 'RoleAssignmentExists (PIM v2)',
    error: graphError(400, 'RoleAssignmentExists', 'The governanceRoleAssignment requested to be created already exists in the system.'),
    kind: 'alreadyActive',
  },
  {
    name: 'AcrsValidationFailed with claims in the message',
    error: graphError(400, 'RoleAssignmentRequestAcrsValidationFailed', ACRS_MESSAGE),
    kind: 'authenticationRequired',
    claims: '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}',
  },
  {
    name: 'AcrsValidationFailed, code only',
    error: graphError(400, 'RoleAssignmentRequestAcrsValidationFailed'),
    kind: 'authenticationRequired',
  },
  { name: 'InvalidPolicy', error: graphError(400, 'InvalidPolicy', 'The policy is invalid.'), kind: 'invalidInput' },
  { name: '500 An error has occurred.', error: graphError(500, null, 'An error has occurred.'), kind: 'unavailable' },
  {
    name: 'RoleAssignmentDoesNotExist',
    error: graphError(
      400,
      'RoleAssignmentDoesNotExist',
      'The governanceRoleAssignment requested to be updated/extended does not exist in the system.',
    ),
    kind: 'notFound',
  },
  {
    name: 'PendingRoleAssignmentRequest',
    error: graphError(400, 'PendingRoleAssignmentRequest', 'There already exists a pending governanceRoleAssignmentRequest in the system.'),
    kind: 'alreadyActive',
  },
  {
    name: 'ResourceIsLocked',
    error: graphError(
      400,
      'ResourceIsLocked',
      'The resource provided in the request body is in state of Locked and cannot create role assignment requests.',
    ),
    kind: 'forbidden',
  },
  {
    name: 'SubjectNotFound',
    error: graphError(400, 'SubjectNotFound', 'The subjectId provided in the request body cannot be found.'),
    kind: 'notFound',
  },
  { name: 'codes are matched case-insensitively', error: graphError(400, 'roleassignmentexists'), kind: 'alreadyActive' },
  { name: '400 with an unknown code', error: graphError(400, 'BadRequest', 'Invalid filter clause'), kind: 'invalidInput' },
  { name: '401', error: graphError(401, 'InvalidAuthenticationToken'), kind: 'authenticationRequired' },
  {
    name: '401 with a claims challenge',
    error: graphError(401, 'InvalidAuthenticationToken', '', {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${Buffer.from('{"access_token":{"acrs":{"essential":true,"value":"cp1"}}}').toString('base64')}"`,
    }),
    kind: 'authenticationRequired',
    claims: '{"access_token":{"acrs":{"essential":true,"value":"cp1"}}}',
  },
  { name: '403', error: graphError(403, 'Authorization_RequestDenied'), kind: 'forbidden' },
  { name: '404', error: graphError(404, 'ResourceNotFound'), kind: 'notFound' },
  { name: '409', error: graphError(409, 'Conflict'), kind: 'unknown' },
  { name: '429', error: graphError(429, 'TooManyRequests', '', { 'Retry-After': '7' }), kind: 'throttled' },
  { name: '502', error: graphError(502, null), kind: 'unavailable' },
  { name: '503', error: graphError(503, 'ServiceUnavailable'), kind: 'unavailable' },
  { name: '504', error: graphError(504, null), kind: 'unavailable' },
  { name: 'network failure (no status)', error: graphError(-1, 'TypeError', 'fetch failed'), kind: 'unavailable' },
];

describe('services/pim/graph error mapping', () => {
  for (const row of TABLE) {
    it(`${row.name} → ${row.kind}`, () => {
      const mapped = mapGraphError(row.error);
      assert.ok(mapped instanceof PimError);
      assert.equal(mapped.kind, row.kind);
      if (row.rules) assert.deepEqual(mapped.details.rules, row.rules);
      if (row.claims) assert.deepEqual(JSON.parse(mapped.details.claims ?? 'null'), JSON.parse(row.claims));
      if (row.error.code) assert.equal(mapped.details.upstreamCode, row.error.code);
    });
  }

  it('a step-up demand names the API that refused, Graph or ARM, so its sign-in gets a token for that API', () => {
    const fromGraph = mapGraphError(graphError(400, 'RoleAssignmentRequestAcrsValidationFailed', ACRS_MESSAGE));
    const armRefusal = Object.assign(new Error('acrs'), {
      name: 'RestError',
      statusCode: 400,
      code: 'RoleAssignmentRequestAcrsValidationFailed',
    });
    armRefusal.message = ACRS_MESSAGE;
    const fromArm = mapArmError(armRefusal);
    const claims = claimsFromMessage(ACRS_MESSAGE)!;
    assert.deepEqual(stepUpDemand(fromGraph), { claims, resource: 'graph' });
    assert.deepEqual(stepUpDemand(fromArm), { claims, resource: 'arm' });
    const challenge = { 'WWW-Authenticate': `Bearer error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"` };
    assert.equal(mapGraphError(graphError(401, null, '', challenge)).details.resource, 'graph');
  });

  it('asks for no step-up on other refusals or a sign-in without claims', () => {
    assert.equal(stepUpDemand(mapGraphError(graphError(403, null))), undefined);
    assert.equal(stepUpDemand(mapGraphError(graphError(401, null))), undefined);
    assert.equal(stepUpDemand(new PimError('authenticationRequired', 'x', { claims: '{}' })), undefined);
    assert.equal(stepUpDemand(new Error('x')), undefined);
  });

  it('carries Retry-After on throttling', () => {
    assert.equal(mapGraphError(graphError(429, 'TooManyRequests', '', { 'Retry-After': '7' })).details.retryAfterSeconds, 7);
    assert.equal(
      retryAfterSeconds(new Headers({ 'Retry-After': new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString() }), Date.UTC(2030, 0, 1)),
      30,
    );
    assert.equal(retryAfterSeconds(new Headers({ 'Retry-After': 'soon' })), undefined);
    // Graph's published throttling sample sends a fraction; it is rounded up, never read as "no time given".
    assert.equal(retryAfterSeconds(new Headers({ 'Retry-After': '2.128' })), 3);
    assert.equal(mapGraphError(graphError(429, 'TooManyRequests', '', { 'Retry-After': '0.5' })).details.retryAfterSeconds, 1);
    assert.equal(retryAfterSeconds(undefined), undefined);
  });

  it('passes PimErrors through unchanged and treats SDK misuse as unknown', () => {
    const original = new PimError('notEligible', 'x');
    assert.equal(mapGraphError(original), original);
    assert.equal(mapGraphError(new GraphClientError('bad config')).kind, 'unknown');
    assert.equal(mapGraphError(new TypeError('fetch failed')).kind, 'unavailable');
  });

  it('never copies the upstream message into the PimError', () => {
    const mapped = mapGraphError(graphError(400, 'RoleAssignmentExists', 'secret-ish upstream text'));
    assert.ok(!mapped.message.includes('secret-ish'));
  });

  it('parses rule lists leniently', () => {
    assert.deepEqual(failedPolicyRules('The following policy rules failed: ["JustificationRule", "TicketingRule"]'), [
      'JustificationRule',
      'TicketingRule',
    ]);
    assert.deepEqual(failedPolicyRules("The following policy rules failed: [JustificationRule, 'TicketingRule']"), [
      'JustificationRule',
      'TicketingRule',
    ]);
    assert.deepEqual(failedPolicyRules('no list'), []);
  });

  it('decodes claims from URL-encoded or bare JSON messages and refuses junk', () => {
    assert.equal(claimsFromMessage('x&claims=%7B%22access_token%22%3A%7B%7D%7D'), '{"access_token":{}}');
    assert.equal(claimsFromMessage('claims={"access_token":{}}'), '{"access_token":{}}');
    assert.equal(
      claimsFromMessage('Step-up needed: {"access_token":{"acrs":{"essential":true,"value":"c1"}}}'),
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
    );
    assert.equal(claimsFromMessage('&claims=%E0%A4%A'), undefined);
    assert.equal(claimsFromMessage('nothing here'), undefined);
  });
});
