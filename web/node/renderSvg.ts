/**
 * Graphviz at build time: DOT text to SVG markup with `dot -Tsvg` (Debian package graphviz).
 * The SVG keeps the ids the DOT gives states and edges, which the page lights.
 */
import { execFile } from 'node:child_process';

/** `dot` is not installed or failed; the message says what to do. */
export class GraphvizError extends Error {
  override name = 'GraphvizError';
}

/** Render DOT to SVG markup without the XML prolog and doctype (ready to inline in HTML). */
export function renderSvg(dot: string, command = 'dot'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, ['-Tsvg'], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new GraphvizError(missing
          ? `Graphviz "${command}" not found: install it (Debian: apt-get install graphviz) to draw the statecharts`
          : `Graphviz "${command}" failed: ${stderr.trim() || error.message}`));
        return;
      }
      resolve(stripProlog(stdout));
    });
    child.stdin?.on('error', () => undefined); // reported through the callback
    child.stdin?.end(dot);
  });
}

/** The SVG element alone: drops `<?xml …?>`, the doctype and comments before `<svg`. */
export function stripProlog(svg: string): string {
  const at = svg.indexOf('<svg');
  return at < 0 ? svg : svg.slice(at).trim();
}
