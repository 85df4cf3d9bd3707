/**
 * Size rules of the house, measured on the source: no function over 60 lines in the use cases,
 * the feeds and the repositories (nested functions count inside their parent too), no file over
 * 500 lines and no line over 160 characters anywhere in `src/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');
const MAX_FUNCTION_LINES = 60;
const MAX_FILE_LINES = 500;
const MAX_LINE_CHARS = 160;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line name (n lines)` for every function-like node longer than the limit. */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = (node as ts.FunctionDeclaration).name?.getText(source) ?? nameOfParent(node, source);
        out.push(`${path.relative(SRC, file)}:${start + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function nameOfParent(node: ts.Node, source: ts.SourceFile): string {
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) return p.name.getText(source);
  return '(anonymous)';
}

describe('house rules', () => {
  const all = files(SRC);

  it(`no function over ${MAX_FUNCTION_LINES} lines in src/app, src/feeds, src/db`, () => {
    const scoped = all.filter((f) => ['app', 'feeds', 'db'].includes(path.relative(SRC, f).split(path.sep)[0]));
    expect(scoped.length).toBeGreaterThan(30);
    expect(scoped.flatMap(longFunctions)).toEqual([]);
  });

  it(`no file over ${MAX_FILE_LINES} lines in src/`, () => {
    const long = all.map((f) => ({ f, n: readFileSync(f, 'utf8').split('\n').length })).filter((x) => x.n > MAX_FILE_LINES);
    expect(long.map((x) => `${path.relative(SRC, x.f)} (${x.n} lines)`)).toEqual([]);
  });

  it(`no line over ${MAX_LINE_CHARS} characters in src/`, () => {
    const long = all.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((l, i) => (l.length > MAX_LINE_CHARS ? [`${path.relative(SRC, f)}:${i + 1} (${l.length})`] : [])));
    expect(long).toEqual([]);
  });
});
