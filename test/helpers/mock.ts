import request from 'supertest';
import { type CreateMockOptions, createMock, type Mock } from '../../mock/create.ts';
import { DEFAULT_CK_CREDENTIALS } from '../../mock/vendors/churnkey-data/options.ts';
import { expectContract } from './contract.ts';

/** Demo credentials for the Churnkey Data API. */
export const CK_HEADERS = {
  'x-ck-api-key': DEFAULT_CK_CREDENTIALS.apiKey,
  'x-ck-app': DEFAULT_CK_CREDENTIALS.appId,
} as const;

let shared: Promise<Mock> | null = null;

/**
 * The default-data mock, built once per test worker and shared by its files (the workers are
 * not isolated: see vitest.config.ts); each file starts it from the seed (`resetShared`).
 */
export function defaultMock(): Promise<Mock> {
  shared ??= createMock();
  return shared;
}

/** Restores the shared mock's seeded state, if a file before built it (test/helpers/setup.ts). */
export async function resetShared(): Promise<void> {
  if (shared) (await shared).reset();
}

/** A mock with options of its own (not shared). */
export function customMock(options: CreateMockOptions): Promise<Mock> {
  return createMock(options);
}

type HeaderSet = Readonly<Record<string, string>>;

/** GET an operation with these credentials and check the body against the contract. */
export async function getChecked(
  mock: Mock,
  headers: HeaderSet,
  operationId: string,
  path: string,
  query: Record<string, string | number | boolean> = {},
) {
  const res = await request(mock.app).get(path).query(query).set(headers);
  await expectContract(operationId, res);
  return res;
}

/** POST JSON to an operation with these credentials and check the body against the contract. */
export async function postChecked(
  mock: Mock,
  headers: HeaderSet,
  operationId: string,
  path: string,
  body: unknown,
) {
  const res = await request(mock.app)
    .post(path)
    .set(headers)
    .send(body as object);
  await expectContract(operationId, res);
  return res;
}

/** POST a body sent as it is (malformed JSON, another media type) with these headers. */
export const postRaw = (mock: Mock, path: string, headers: HeaderSet, type: string, body: string) =>
  request(mock.app).post(path).set(headers).set('content-type', type).send(body);

/** GET a Churnkey operation with demo credentials and check the body against the contract. */
export const ckGet = (
  mock: Mock,
  operationId: string,
  path: string,
  query: Record<string, string | number | boolean> = {},
) => getChecked(mock, CK_HEADERS, operationId, path, query);

/** POST JSON to a Churnkey operation with demo credentials and check the body. */
export const ckPost = (mock: Mock, operationId: string, path: string, body: unknown) =>
  postChecked(mock, CK_HEADERS, operationId, path, body);

export const SESSIONS = '/v1/data/sessions';
export const AGGREGATION = '/v1/data/session-aggregation';
export const DSR_ACCESS = '/v1/data/dsr/access';
export const DSR_DELETE = '/v1/data/dsr/delete';
