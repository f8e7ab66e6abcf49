// docs/architecture.md: the Mermaid diagrams each section promises, checked structurally (diagram type, balanced
// brackets and quotes, every edge between declared nodes, sequence blocks closed, data-model entities that are
// real tables of our migrations).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './dockerfile-model.js';

interface Diagram {
  section: string;
  kind: string;
  lines: string[];
}

const markdown = readFileSync(path.join(repositoryRoot, 'docs/architecture.md'), 'utf8');

function diagrams(): Diagram[] {
  const found: Diagram[] = [];
  let section = '';
  let current: Diagram | undefined;
  for (const line of markdown.split('\n')) {
    if (current === undefined && line.startsWith('## ')) section = line.slice(3).trim();
    if (line.trim() === '```mermaid') current = { section, kind: '', lines: [] };
    else if (current !== undefined && line.trim() === '```') {
      found.push(current);
      current = undefined;
    } else if (current !== undefined) {
      if (current.kind === '') current.kind = line.trim().split(/\s+/)[0] ?? '';
      else if (line.trim() !== '') current.lines.push(line.trim());
    }
  }
  return found;
}

function balanced(line: string): boolean {
  const withoutStrings = line.replace(/"[^"]*"/g, '""');
  if ((line.match(/"/g) ?? []).length % 2 !== 0) return false;
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const character of withoutStrings.replace(/\|\|--o\{|\}o--\|\||--o\{|\|\|--\|\|/g, '')) {
    if ('([{'.includes(character)) stack.push(character);
    if (character in pairs && stack.pop() !== pairs[character]) return false;
  }
  return stack.length === 0;
}

function flowchartProblems(diagram: Diagram): string[] {
  const declared = new Set<string>();
  const used: string[] = [];
  for (const line of diagram.lines) {
    if (line.startsWith('%%')) continue;
    // Edges: node (--> | -- "label" --> | -.-> | -. "label" .->) node
    const parts = line.split(
      /\s*(?:-->|-\.->|--\s*"[^"]*"\s*-->|-\.\s*"[^"]*"\s*\.->|--\s*yes\s*-->|--\s*no\s*-->)\s*/,
    );
    for (const part of parts) {
      const id = /^[A-Za-z_]\w*/.exec(part)?.[0];
      if (id === undefined) return [`cannot read node in "${line}"`];
      // A node is declared where a label follows its id: id[…], id{…} or id(…).
      if ('[{('.includes(part.slice(id.length).trimStart().charAt(0) || ' ')) declared.add(id);
      used.push(id);
    }
  }
  return used.filter((id) => !declared.has(id)).map((id) => `node ${id} is used without a label anywhere`);
}

function sequenceProblems(diagram: Diagram): string[] {
  const participants = new Set(
    diagram.lines.filter((line) => line.startsWith('participant ')).map((line) => line.split(/\s+/)[1]),
  );
  const problems: string[] = [];
  let depth = 0;
  for (const line of diagram.lines) {
    if (/^(alt|loop|opt|par)\b/.test(line)) depth += 1;
    if (line === 'end') depth -= 1;
    const message = /^(\w+)\s*-{1,2}>>\s*(\w+)\s*:/.exec(line);
    if (message !== null) {
      for (const name of [message[1], message[2]]) {
        if (!participants.has(name)) problems.push(`participant ${name} is not declared`);
      }
    } else if (!/^(participant|alt|else|loop|opt|par|end|Note)\b/.test(line)) {
      problems.push(`cannot read "${line}"`);
    }
  }
  if (depth !== 0) problems.push('an alt/loop block is not closed');
  return problems;
}

const migrationTables = new Set(
  readdirSync(path.join(repositoryRoot, 'service/migrations')).flatMap((file) =>
    [
      ...readFileSync(path.join(repositoryRoot, 'service/migrations', file), 'utf8').matchAll(
        /CREATE TABLE (\w+)/g,
      ),
    ].map((match) => match[1]),
  ),
);

function entityProblems(diagram: Diagram): string[] {
  const problems: string[] = [];
  for (const line of diagram.lines) {
    const relationship =
      /^(\w+)\s+(\|\||\}o|\|o|\}\|)--(o\{|\|\||o\||\|\{)\s+(\w+)\s*:\s*("[^"]+"|\w+)$/.exec(line);
    const entity = /^(\w+)\s*\{$/.exec(line);
    const names =
      relationship !== null ? [relationship[1], relationship[4]] : entity !== null ? [entity[1]] : [];
    for (const name of names)
      if (!migrationTables.has(name ?? '')) problems.push(`${name} is not a table of ours`);
    const words = line.split(/\s+/);
    const attribute =
      words.length === 2 || (words.length === 3 && ['PK', 'FK', 'UK'].includes(words[2] ?? ''));
    if (relationship === null && entity === null && !attribute && line !== '}')
      problems.push(`cannot read "${line}"`);
  }
  return problems;
}

describe('architecture diagrams', () => {
  const found = diagrams();

  it('draw the system, the data model, checkout, the webhook flow and the failure paths', () => {
    const kindOf = (section: string) => found.find((diagram) => diagram.section === section)?.kind;
    expect(kindOf('System')).toBe('flowchart');
    expect(kindOf('Data model')).toBe('erDiagram');
    expect(kindOf('Checkout')).toBe('sequenceDiagram');
    expect(kindOf('Webhook flow')).toBe('sequenceDiagram');
    expect(kindOf('Failure paths')).toBe('flowchart');
  });

  it('are well formed', () => {
    for (const diagram of found) {
      // Entity blocks open and close on different lines: the whole diagram must balance.
      expect(balanced(diagram.lines.join(' ')), diagram.section).toBe(true);
      const problems =
        diagram.kind === 'flowchart'
          ? flowchartProblems(diagram)
          : diagram.kind === 'sequenceDiagram'
            ? sequenceProblems(diagram)
            : diagram.kind === 'erDiagram'
              ? entityProblems(diagram)
              : [`unknown diagram type ${diagram.kind}`];
      expect(problems, diagram.section).toEqual([]);
    }
  });

  it('would notice a broken diagram', () => {
    const broken: Diagram = { section: 'x', kind: 'flowchart', lines: ['a[A] --> b', 'c --> a'] };
    expect(flowchartProblems(broken)).toEqual([
      'node b is used without a label anywhere',
      'node c is used without a label anywhere',
    ]);
    expect(
      sequenceProblems({
        section: 'x',
        kind: 'sequenceDiagram',
        lines: ['participant A as a', 'loop x', 'A->>B: hi'],
      }),
    ).toEqual(['participant B is not declared', 'an alt/loop block is not closed']);
    expect(
      entityProblems({ section: 'x', kind: 'erDiagram', lines: ['customers ||--o{ wallets : has'] }),
    ).toEqual(['wallets is not a table of ours']);
    expect(balanced('a[open --> b')).toBe(false);
  });
});
