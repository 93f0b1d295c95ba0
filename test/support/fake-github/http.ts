import type { IncomingMessage, ServerResponse } from "node:http";

/** Small helpers shared by the fake REST API and the fake artifact service. */

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** GitHub's error body shape: `{ message, documentation_url }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { message, documentation_url: "https://docs.github.com/rest", status: String(status) },
    headers,
  );
}

/**
 * One page of a list, with GitHub's `Link` header (rel="next"/"last"/"prev"/"first")
 * built from the request URL, so octokit's paginate() follows it.
 */
export function page<T>(
  url: URL,
  items: T[],
  defaultPerPage = 30,
): { slice: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? defaultPerPage), 100);
  const pageNo = Math.max(Number(url.searchParams.get("page") ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const link = (n: number, rel: string) => {
    const u = new URL(url.href);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(n));
    return `<${u.href}>; rel="${rel}"`;
  };
  const rels: string[] = [];
  if (pageNo < last) rels.push(link(pageNo + 1, "next"), link(last, "last"));
  if (pageNo > 1) rels.push(link(1, "first"), link(pageNo - 1, "prev"));
  return { slice, headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}
