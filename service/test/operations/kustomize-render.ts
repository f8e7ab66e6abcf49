// Renders a kustomization the way `kubectl kustomize` does for the features deploy/kubernetes uses: resources
// (files and folders), namespace, labels (metadata only), images and JSON 6902 patches with a kind/name target.
// No kustomize binary is needed (none is packaged for Debian); the Kubernetes schemas check the result.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ target: { kind: string; name: string }; patch: string }>;
}

interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

function applyOperation(document: unknown, operation: PatchOperation): void {
  const keys = operation.path
    .split('/')
    .slice(1)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop();
  let parent = document as Record<string, unknown>;
  for (const key of keys) {
    const next = parent[key];
    if (typeof next !== 'object' || next === null)
      throw new Error(`patch path ${operation.path} does not exist`);
    parent = next as Record<string, unknown>;
  }
  if (last === undefined) throw new Error('empty patch path');
  if (operation.op !== 'add' && !(last in parent))
    throw new Error(`patch path ${operation.path} does not exist`);
  if (operation.op === 'remove') delete parent[last];
  else if (Array.isArray(parent) && last === '-') parent.push(operation.value);
  else parent[last] = operation.value;
}

function containersOf(manifest: Manifest): Array<{ image: string }> {
  const spec = manifest.spec as
    { template?: { spec?: { containers?: Array<{ image: string }> } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

function renameImage(image: string, images: NonNullable<Kustomization['images']>): string {
  const [name] = image.split(':');
  const rule = images.find((candidate) => candidate.name === name);
  if (rule === undefined) return image;
  return `${rule.newName ?? name}:${rule.newTag ?? 'latest'}`;
}

export function renderKustomization(folder: string): Manifest[] {
  const kustomization = parse(readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const manifests: Manifest[] = [];
  for (const resource of kustomization.resources ?? []) {
    const location = path.join(folder, resource);
    if (statSync(location).isDirectory()) manifests.push(...renderKustomization(location));
    else {
      for (const document of parseAllDocuments(readFileSync(location, 'utf8'))) {
        manifests.push(document.toJS() as Manifest);
      }
    }
  }
  for (const manifest of manifests) {
    if (kustomization.namespace !== undefined && !CLUSTER_SCOPED.has(manifest.kind)) {
      manifest.metadata.namespace = kustomization.namespace;
    }
    for (const { pairs } of kustomization.labels ?? []) {
      manifest.metadata.labels = { ...manifest.metadata.labels, ...pairs };
    }
    for (const container of containersOf(manifest)) {
      container.image = renameImage(container.image, kustomization.images ?? []);
    }
  }
  for (const { target, patch } of kustomization.patches ?? []) {
    const matches = manifests.filter(
      (manifest) => manifest.kind === target.kind && manifest.metadata.name === target.name,
    );
    if (matches.length === 0) throw new Error(`patch target ${target.kind}/${target.name} not found`);
    for (const manifest of matches) {
      for (const operation of parse(patch) as PatchOperation[]) applyOperation(manifest, operation);
    }
  }
  return manifests;
}
