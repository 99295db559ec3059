import type { IncomingHttpHeaders } from 'node:http';
import type { HandlerResult, VendorModule } from './types.ts';

/**
 * Stage: credentials, first of all (before a body is read), so a caller without them learns
 * nothing from body errors. A refusal is the vendor's own 401/403; a vendor may check
 * asynchronously (a JWT signature).
 */
export function authenticate(
  vendor: VendorModule,
  headers: IncomingHttpHeaders,
): HandlerResult | null | Promise<HandlerResult | null> {
  return vendor.authenticate(headers);
}
