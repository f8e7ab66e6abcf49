// The /v1/ routes of billing state (issue 5): entitlements, and the admin routes over the inbox. Authentication
// and rate limits come from selling's hooks on every /v1/ route. Called by app.ts.
import { registerAdminEventRoutes } from './admin/admin-events.routes.js';
import type { Dependencies } from './deps.js';
import { registerEntitlementRoutes } from './entitlements/entitlements.routes.js';
import type { AppInstance } from './http/app-instance.js';

export function registerBillingStateApi(app: AppInstance, dependencies: Dependencies): void {
  void app.register(async (api: AppInstance) => {
    registerEntitlementRoutes(api, dependencies);
    registerAdminEventRoutes(api, dependencies);
  });
}
