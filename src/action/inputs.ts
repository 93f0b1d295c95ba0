import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import {
  type Config,
  ConfigReader,
  type GateConfig,
  loadConfig,
  parseConfig,
  RUNTIMES,
  SERVICE_NAME,
} from "../config.js";
import { FlamegateError } from "../errors.js";
import { isKind } from "../model/kinds.js";

/**
 * Every action input, parsed once into ActionInputs. Each error names the
 * input, quotes the value and says what would be valid:
 * `'fail-on-regression' input must be 'true' or 'false' but got 'yes'`.
 * Pure apart from reading the config file: `get` is core.getInput in the
 * action (tests set INPUT_* so the real one runs).
 */

export type Mode = "gate" | "measure" | "report";
export type BaselineMode = "artifact" | "rerun" | "auto";
export type CommentMode = "always" | "on-regression" | "never";
export type ImageMode = "none" | "branch";

export interface ActionInputs {
  /** The config, its gate with the threshold inputs laid over it. */
  config: Config;
  /** Absolute path of the config file; null for one service given inline. */
  configPath: string | null;
  /** The threshold inputs, to lay over another gate (gate mode takes the merge-base's). */
  thresholds: ThresholdInputs;
  mode: Mode;
  baseline: BaselineMode;
  comment: CommentMode;
  /** Goes into the hidden marker `<!-- flamegate:<key> -->` that finds the sticky comment. */
  commentKey: string;
  failOnRegression: boolean;
  /** Days artifacts are kept; undefined = the repository's setting (90 by default). */
  retentionDays: number | undefined;
  /** Empty only in `mode: measure`, which makes no API calls with it. */
  token: string;
  image: ImageMode;
  imageBranch: string;
  /** A profile set already written by `flamegate run --out DIR` (absolute DIR): publish it instead of measuring. */
  profileSet: string | undefined;
  /** Absolute; relative config paths and service cwds resolve against it. */
  workingDirectory: string;
}

/** The config Reader with the action's wording: errors name the input, not a YAML key. */
class InputReader extends ConfigReader {
  constructor() {
    super("action inputs");
  }

  override fail(key: string, value: unknown, want: string): never {
    const shown = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
    throw new FlamegateError(`'${key}' input must be ${want} but got ${shown}`);
  }
}

type Get = (name: string) => string;

function choice<T extends string>(
  r: InputReader,
  get: Get,
  name: string,
  allowed: readonly T[],
  dflt: T,
): T {
  const v = get(name);
  if (v === "") return dflt;
  if (!(allowed as readonly string[]).includes(v))
    r.fail(
      name,
      v,
      allowed
        .map((a) => `'${a}'`)
        .join(", ")
        .replace(/, ([^,]*)$/, " or $1"),
    );
  return v as T;
}

/** YAML 1.2 core schema booleans, as the runner's own getBooleanInput accepts them. */
function bool(r: InputReader, get: Get, name: string, dflt: boolean): boolean {
  const v = get(name);
  if (v === "") return dflt;
  if (["true", "True", "TRUE"].includes(v)) return true;
  if (["false", "False", "FALSE"].includes(v)) return false;
  return r.fail(name, v, "'true' or 'false'");
}

/** Splits "cpu, alloc" / "cpu alloc" / a YAML-ish "[cpu, alloc]". */
function list(v: string): string[] {
  return v
    .replace(/^\s*\[|\]\s*$/g, "")
    .split(/[\s,]+/)
    .filter((s) => s !== "");
}

const INLINE_INPUTS = ["runtime", "start", "ready", "load-url", "load-command", "build"] as const;

function inlineConfig(r: InputReader, get: Get, baseDir: string): Config {
  // The name becomes a folder under the artifact and the comment's key, as in flamegate.yml.
  const name = get("service") === "" ? "app" : get("service");
  if (!SERVICE_NAME.test(name))
    r.fail(
      "service",
      name,
      "a service name [A-Za-z0-9][A-Za-z0-9._-]{0,63} (a letter or digit, then at most 63 letters, digits, '.', '_' or '-')",
    );
  const runtime = get("runtime");
  if (!(RUNTIMES as readonly string[]).includes(runtime))
    r.fail("runtime", runtime, "'go', 'python' or 'node' (with 'start')");
  const ready = get("ready");
  if (ready === "")
    r.fail("ready", ready, "a URL such as http://127.0.0.1:8080/healthz (with 'start')");
  r.url("ready", ready, ["http", "https", "tcp"]);
  const loadUrl = get("load-url");
  const loadCommand = get("load-command");
  if ((loadUrl === "") === (loadCommand === ""))
    r.fail("load-url", loadUrl, "set, or 'load-command' set, but not both (with 'start')");
  const profilesRaw = get("profiles");
  const profiles = profilesRaw === "" ? ["cpu", "alloc"] : list(profilesRaw);
  for (const p of profiles) {
    if (!isKind(p))
      r.fail("profiles", profilesRaw, "a list of cpu, alloc, heap, wall, mutex, block, goroutine");
  }
  const rounds = get("rounds") === "" ? undefined : r.int("rounds", get("rounds"), 1, 100);
  const duration = get("duration") === "" ? undefined : r.seconds("duration", get("duration"), 600);
  const load =
    loadUrl !== ""
      ? {
          url: r.url("load-url", loadUrl, ["http", "https"]),
          ...(duration === undefined ? {} : { duration }),
        }
      : { command: loadCommand };
  if (loadCommand !== "" && duration !== undefined)
    r.fail(
      "duration",
      get("duration"),
      "empty with 'load-command' (the command decides how long it runs)",
    );
  const service = {
    runtime,
    start: get("start"),
    ready,
    profiles,
    load,
    ...(get("build") === "" ? {} : { build: get("build") }),
    ...(rounds === undefined ? {} : { rounds }),
  };
  return parseConfig({ version: 1, services: { [name]: service } }, "action inputs", baseDir);
}

/** The threshold-cpu / threshold-alloc inputs: a frame's growth that is a regression, as a fraction. */
export interface ThresholdInputs {
  cpu?: number;
  alloc?: number;
}

function thresholdInputs(r: InputReader, get: Get): ThresholdInputs {
  const cpu = get("threshold-cpu");
  const alloc = get("threshold-alloc");
  return {
    ...(cpu === "" ? {} : { cpu: r.fraction("threshold-cpu", cpu) }),
    ...(alloc === "" ? {} : { alloc: r.fraction("threshold-alloc", alloc) }),
  };
}

/** `gate` with the threshold inputs laid over it: the workflow's word beats the config file's. */
export function withThresholds(gate: GateConfig, t: ThresholdInputs): GateConfig {
  return {
    ...gate,
    cpu: t.cpu === undefined ? gate.cpu : { ...gate.cpu, frame: t.cpu },
    alloc: t.alloc === undefined ? gate.alloc : { ...gate.alloc, frame: t.alloc },
  };
}

/**
 * @param get        reads one input ("" when unset), as core.getInput does
 * @param workspace  GITHUB_WORKSPACE (where actions/checkout put the repository)
 */
export function parseInputs(get: Get, workspace: string): ActionInputs {
  const r = new InputReader();
  const wdRaw = get("working-directory");
  const workingDirectory = resolve(workspace, wdRaw === "" ? "." : wdRaw);
  if (!existsSync(workingDirectory))
    r.fail("working-directory", wdRaw, "an existing directory inside the workspace");

  const mode = choice(r, get, "mode", ["gate", "measure", "report"], "gate");
  const inline = get("start") !== "";
  let config: Config;
  let configPath: string | null = null;
  if (inline) {
    config = inlineConfig(r, get, workingDirectory);
  } else {
    for (const name of INLINE_INPUTS) {
      if (get(name) !== "") r.fail(name, get(name), "empty unless 'start' is set (inline service)");
    }
    const file = get("config") === "" ? "flamegate.yml" : get("config");
    const path = isAbsolute(file) ? file : resolve(workingDirectory, file);
    if (!existsSync(path))
      r.fail(
        "config",
        file,
        `the path of your flamegate.yml (nothing at ${path}), or set 'start', 'runtime', 'ready' and 'load-url' for one service inline`,
      );
    config = loadConfig(path);
    configPath = path;
    const only = get("service");
    if (only !== "") {
      const picked = config.services.filter((s) => s.name === only);
      if (picked.length === 0)
        r.fail(
          "service",
          only,
          `one of the services in ${file}: ${config.services.map((s) => s.name).join(", ")}`,
        );
      config = { ...config, services: picked };
    }
  }
  if (config.services.length === 0)
    r.fail("config", get("config"), "a flamegate.yml with at least one service under 'services:'");
  const thresholds = thresholdInputs(r, get);
  config = { ...config, gate: withThresholds(config.gate, thresholds) };

  const baseline = choice(r, get, "baseline", ["artifact", "rerun", "auto"], "artifact");
  const profileSetRaw = get("profile-set");
  const profileSet = profileSetRaw === "" ? undefined : resolve(workingDirectory, profileSetRaw);
  if (profileSet !== undefined && !existsSync(profileSet))
    r.fail("profile-set", profileSetRaw, "a directory written by 'flamegate run --out DIR'");
  if (profileSet !== undefined && baseline !== "artifact")
    r.fail(
      "baseline",
      baseline,
      "'artifact' with 'profile-set' (rerun measures both sides itself)",
    );
  if (profileSet !== undefined && mode === "report")
    r.fail(
      "profile-set",
      profileSetRaw,
      "empty in mode 'report' (it reads the measuring run's artifact)",
    );

  const token = get("github-token");
  if (token === "" && mode !== "measure")
    r.fail(
      "github-token",
      token,
      "a token with actions: read and pull-requests: write (the default is github.token)",
    );
  const retention = get("retention-days");
  const imageBranch = get("image-branch") === "" ? "flamegate-images" : get("image-branch");
  if (!/^[A-Za-z0-9._/-]+$/.test(imageBranch) || imageBranch.includes(".."))
    r.fail("image-branch", imageBranch, "a branch name such as flamegate-images");

  return {
    config,
    configPath,
    thresholds,
    mode,
    baseline,
    comment: choice(r, get, "comment", ["always", "on-regression", "never"], "always"),
    commentKey:
      get("comment-key") === "" ? config.services.map((s) => s.name).join("+") : get("comment-key"),
    failOnRegression: bool(r, get, "fail-on-regression", true),
    retentionDays: retention === "" ? undefined : r.int("retention-days", retention, 1, 90),
    token,
    image: choice(r, get, "image", ["none", "branch"], "none"),
    imageBranch,
    profileSet,
    workingDirectory,
  };
}
