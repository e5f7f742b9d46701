// The routes an Express app has mounted, read from its router stack (the app's own and every router
// mounted in it), as "METHOD /path/{param}" in OpenAPI's spelling.
import type { Express } from 'express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export interface MountedRoute {
  method: string;
  path: string;
}

function walk(stack: Layer[]): MountedRoute[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => ({ method: m.toUpperCase(), path }));
    }
    return layer.handle?.stack ? walk(layer.handle.stack) : [];
  });
}

export function mountedRoutes(app: Express): MountedRoute[] {
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}
