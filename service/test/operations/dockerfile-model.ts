// The repository's Dockerfile parsed by dockerfile-ast into stages and instructions, for the checks and for the
// test that performs its steps outside Docker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export const repositoryRoot = path.resolve(import.meta.dirname, '..', '..', '..');

export interface DockerfileStep {
  keyword: string;
  /** Arguments as written, flags (`--from=build`) excluded. */
  args: string[];
  /** RUN's shell command as written. */
  shell?: string;
  /** COPY --from's stage; RUN/CMD/HEALTHCHECK's command in exec (JSON) form. */
  fromStage?: string;
  execForm?: string[];
  /** ENV's assignments. */
  env?: Record<string, string>;
}

export interface DockerfileStage {
  name: string;
  image: string;
  tag: string | null;
  steps: DockerfileStep[];
}

function execFormOf(instruction: Instruction): string[] | undefined {
  const withJson = instruction as Instruction & { getJSONStrings?: () => Array<{ getJSONValue(): string }> };
  const strings = withJson.getJSONStrings?.() ?? [];
  return strings.length === 0 ? undefined : strings.map((string) => string.getJSONValue());
}

function stepOf(instruction: Instruction): DockerfileStep {
  const keyword = instruction.getKeyword();
  const flagged = instruction as Instruction & {
    getFlags?: () => Array<{ getName(): string; getValue(): string | null }>;
  };
  const flags = flagged.getFlags?.() ?? [];
  const step: DockerfileStep = {
    keyword,
    args: instruction
      .getArguments()
      .map((argument) => argument.getValue())
      .filter((value) => !value.startsWith('--')),
  };
  if (keyword === 'RUN') step.shell = (instruction.getArgumentsContent() ?? '').replace(/\\\n/g, ' ');
  const fromFlag = flags.find((flag) => flag.getName() === 'from');
  if (fromFlag !== undefined) step.fromStage = fromFlag.getValue() ?? undefined;
  const execForm = keyword === 'HEALTHCHECK' ? healthcheckCommand(instruction) : execFormOf(instruction);
  if (execForm !== undefined) step.execForm = execForm;
  if (keyword === 'ENV') {
    const properties = (
      instruction as Instruction & {
        getProperties(): Array<{ getName(): string; getValue(): string | null }>;
      }
    ).getProperties();
    step.env = Object.fromEntries(
      properties.map((property) => [property.getName(), property.getValue() ?? '']),
    );
  }
  return step;
}

// HEALTHCHECK [options] CMD ["…"]: dockerfile-ast gives its arguments; the JSON array follows "CMD".
function healthcheckCommand(instruction: Instruction): string[] | undefined {
  const content = instruction.getArgumentsContent() ?? '';
  const json = content.slice(content.indexOf('CMD') + 'CMD'.length).trim();
  return json.startsWith('[') ? (JSON.parse(json.replace(/\\\n/g, '')) as string[]) : undefined;
}

export function readDockerfile(file = path.join(repositoryRoot, 'Dockerfile')): DockerfileStage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: DockerfileStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((candidate) => candidate.getRange().start.line === instruction.getRange().start.line);
      if (from === undefined) throw new Error('FROM without an image');
      stages.push({
        name: from.getBuildStage() ?? `stage-${stages.length}`,
        image: from.getImageName() ?? '',
        tag: from.getImageTag(),
        steps: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`${instruction.getKeyword()} before the first FROM`);
    stage.steps.push(stepOf(instruction));
  }
  return stages;
}

/** The stage the image is built from: the last one. */
export function finalStage(stages: DockerfileStage[]): DockerfileStage {
  const stage = stages.at(-1);
  if (stage === undefined) throw new Error('the Dockerfile has no stage');
  return stage;
}

export function stepsOf(stage: DockerfileStage, keyword: string): DockerfileStep[] {
  return stage.steps.filter((step) => step.keyword === keyword);
}
