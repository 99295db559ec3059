/** The Data API's credentials: headers `x-ck-api-key` and `x-ck-app` (Churnkey Data API docs, Authorization). */
export interface ChurnkeyCredentials {
  readonly apiKey: string;
  readonly appId: string;
}

export const DEFAULT_CK_CREDENTIALS: ChurnkeyCredentials = {
  apiKey: 'data_test_churnmock',
  appId: 'app_churnmock',
};
