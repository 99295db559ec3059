/**
 * One vendor API a running mock serves (its own file: the public API's declarations reach it
 * without reaching the engine's, which name Express's types).
 */
export interface ServedApi {
  /** Its vendor id, the base name of its contract. */
  readonly id: string;
  readonly title: string;
  /** Its base URL: the mock's, and the path its operations share (`/v1`). */
  readonly url: string;
}
