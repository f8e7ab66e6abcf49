// Derives src/params/param-schemas.json (the parameters each Stripe endpoint takes) from the pinned stripe SDK.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { EMULATED_PATH_PREFIXES } from '../src/params/emulated-paths.js';

/**
 * The SDK's resource classes name each endpoint's method and path (`esm/resources/*.js`) and its params type
 * (`*.d.ts`). For every endpoint under an emulated path prefix, the params type is walked into a key tree:
 * `true` for a value, `"*"` for a free-form hash (metadata), a nested tree for a hash (arrays take their element's
 * tree). Run `npx tsx emulator/scripts/derive-param-schemas.ts` after upgrading the SDK or adding a prefix; a
 * test fails while the checked-in file differs from what this derives.
 */
export type KeyTree = { [key: string]: true | '*' | KeyTree };

const MAX_DEPTH = 6;

export function deriveParamSchemas(): Record<string, KeyTree> {
  const require = createRequire(import.meta.url);
  // The package's main entry is cjs/stripe.cjs.node.js; esm/ sits beside cjs/.
  const resourcesDir = join(dirname(dirname(require.resolve('stripe'))), 'esm', 'resources');
  const files = listFiles(resourcesDir);
  const program = ts.createProgram(
    files.filter((file) => file.endsWith('.d.ts')),
    { noEmit: true, skipLibCheck: true },
  );
  const checker = program.getTypeChecker();
  const schemas: Record<string, KeyTree> = {};
  for (const jsFile of files.filter((file) => file.endsWith('.js'))) {
    const endpoints = endpointsOf(readFileSync(jsFile, 'utf8'));
    if (endpoints.length === 0) continue;
    const declarations = program.getSourceFile(jsFile.replace(/\.js$/, '.d.ts'));
    if (!declarations) continue;
    for (const endpoint of endpoints) {
      if (!EMULATED_PATH_PREFIXES.some((prefix) => endpoint.path.startsWith(prefix))) continue;
      const paramsType = paramsTypeOf(checker, declarations, endpoint.className, endpoint.methodName);
      schemas[`${endpoint.httpMethod} ${endpoint.path}`] = paramsType
        ? keyTree(checker, objectParts(checker, paramsType), 0, new Set())
        : {};
    }
  }
  return Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((key) => [key, schemas[key]!]),
  );
}

interface Endpoint {
  className: string;
  methodName: string;
  httpMethod: string;
  /** With `:` for each path parameter: `/v1/customers/:/sources`. */
  path: string;
}

function endpointsOf(source: string): Endpoint[] {
  const className = /export class (\w+) extends StripeResource/.exec(source)?.[1];
  if (!className) return [];
  const endpoints: Endpoint[] = [];
  const method = /\n {4}(\w+)\([^)]*\) \{\s*return this\._makeRequest\('(\w+)', [`']([^`']+)[`']/g;
  for (const match of source.matchAll(method)) {
    endpoints.push({
      className,
      methodName: match[1]!,
      httpMethod: match[2]!,
      path: match[3]!.replace(/\$\{encodeURIComponent\(\w+\)\}/g, ':'),
    });
  }
  return endpoints;
}

function paramsTypeOf(
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  className: string,
  methodName: string,
): ts.Type | undefined {
  for (const statement of file.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== className) continue;
    for (const member of statement.members) {
      if (!ts.isMethodDeclaration(member) || member.name.getText(file) !== methodName) continue;
      const params = member.parameters.find((parameter) => parameter.name.getText(file) === 'params');
      return params ? checker.getTypeAtLocation(params) : undefined;
    }
  }
  return undefined;
}

function keyTree(checker: ts.TypeChecker, parts: ts.Type[], depth: number, seen: Set<ts.Type>): KeyTree {
  const tree: KeyTree = {};
  for (const part of parts) {
    for (const property of checker.getPropertiesOfType(part)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      const propertyType = checker.getTypeOfSymbolAtLocation(property, declaration);
      tree[property.name] = valueTree(checker, propertyType, depth + 1, seen);
    }
  }
  return tree;
}

function valueTree(
  checker: ts.TypeChecker,
  type: ts.Type,
  depth: number,
  seen: Set<ts.Type>,
): true | '*' | KeyTree {
  const parts = objectParts(checker, type);
  if (parts.length === 0) return true;
  if (parts.some((part) => checker.getIndexInfosOfType(part).length > 0)) return '*';
  if (depth > MAX_DEPTH || parts.some((part) => seen.has(part))) return '*';
  const inner = new Set([...seen, ...parts]);
  return keyTree(checker, parts, depth, inner);
}

/** The object types a (union, array, Emptyable) type stands for: arrays give their elements; scalars nothing. */
function objectParts(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  const parts: ts.Type[] = [];
  for (const member of members) {
    if (checker.isArrayType(member)) {
      const [element] = checker.getTypeArguments(member as ts.TypeReference);
      if (element) parts.push(...objectParts(checker, element));
    } else if (member.flags & ts.TypeFlags.Object) {
      parts.push(member);
    }
  }
  return parts;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const target = new URL('../src/params/param-schemas.json', import.meta.url);
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const schemas = deriveParamSchemas();
  writeFileSync(target, `${JSON.stringify(schemas, null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(schemas).length} endpoints to ${target.pathname}\n`);
}
