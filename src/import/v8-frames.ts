import type { Frame } from "../model/builder.js";
import { type JsonFields, type JsonObject, type JsonPath, subPath } from "./json.js";

/** V8's Runtime.CallFrame as CPU and heap profiles carry it (lineNumber is 0-based). */
export interface V8CallFrame {
  functionName: string;
  url: string;
  /** 0-based as V8 writes it; -1 for native and special frames. */
  lineNumber: number;
  scriptId: string;
}

/** Reads a callFrame-shaped object; `path` names it in errors. */
export function readCallFrame(f: JsonFields, raw: JsonObject, path: JsonPath): V8CallFrame {
  const scriptId = raw.scriptId;
  return {
    functionName: f.optionalString(raw.functionName, subPath(path, ".functionName")),
    url: f.optionalString(raw.url, subPath(path, ".url")),
    lineNumber: f.optionalNumber(raw.lineNumber, subPath(path, ".lineNumber"), -1),
    // A string in the current protocol, a number in Node 10's old format.
    scriptId: typeof scriptId === "number" || typeof scriptId === "string" ? String(scriptId) : "",
  };
}

/** The last path segment of a script URL, for readable anonymous-function names. */
function shortFile(url: string): string {
  const path = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  return path.slice(path.lastIndexOf("/") + 1) || url;
}

/**
 * The frame flamegate compares. Named functions keep their name. Anonymous
 * ones are named after where they are defined, "(anonymous) file.js:12", so
 * two closures in one file stay two functions (pprof groups by name + file).
 * Special frames ((program), (garbage collector), (idle)) keep their names
 * and have no file. Lines become 1-based as pprof's are.
 */
export function v8Frame(cf: V8CallFrame): Frame {
  const line = cf.lineNumber >= 0 ? Math.floor(cf.lineNumber) + 1 : 0;
  if (cf.functionName !== "") return { name: cf.functionName, file: cf.url, line };
  const where =
    cf.url !== ""
      ? shortFile(cf.url)
      : cf.scriptId && cf.scriptId !== "0"
        ? `script ${cf.scriptId}`
        : "";
  const at = where !== "" && line > 0 ? `${where}:${line}` : where;
  const name = at === "" ? "(anonymous)" : `(anonymous) ${at}`;
  return { name, file: cf.url, line };
}
