/**
 * What the fake GitHub remembers between requests. Tests seed it (runs,
 * pulls, merge bases, stored artifacts) and read it back (comments, refs,
 * the request log).
 */

export interface FakeRun {
  /** The REST id of the workflow run (GITHUB_RUN_ID). */
  id: number;
  headBranch: string;
  headSha: string;
  /** The ids the runtime token carries in its `scp` claim (Actions.Results:<run>:<job>). */
  backendId: string;
  jobBackendId: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  run: FakeRun;
  /** The zip exactly as uploaded (the blob), served back by the download redirect. */
  data: Buffer;
  digest: string | null;
  /** Serve the blob chunked, without Content-Length: the client has only the bytes to count. */
  chunked?: boolean;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  finalized: boolean;
  /**
   * workflow_run.repository_id / head_repository_id as listed (default 1 and 1,
   * a run of this repository); undefined leaves the field out of the answer.
   */
  repositoryIds?: { repository?: number; head?: number };
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  /** The author; `id` defaults to the account id of `login` (fakeAccountId). */
  user: { login: string; type: string; id?: number };
  createdAt: string;
  updatedAt: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  headRef: string;
  /** owner/name of the head repository: different from the base one for a fork. */
  headRepo: string;
  baseRef: string;
  baseSha: string;
  /** What GET /pulls/{n}/files lists, in order; none when unset. */
  files?: FakePullFile[];
}

/** One entry of GET /pulls/{n}/files; the counts default to 1 line added. */
export interface FakePullFile {
  filename: string;
  status?: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions?: number;
  deletions?: number;
  /** The old path of a renamed (or copied) file. */
  previous_filename?: string;
}

export interface GitObject {
  type: "blob" | "tree" | "commit";
  /** blob: raw bytes; tree: entries; commit: tree + parents + message. */
  content?: Buffer;
  entries?: Array<{ path: string; mode: string; type: string; sha: string }>;
  tree?: string;
  parents?: string[];
  message?: string;
}

export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. /repos/o/r/issues/7/comments?per_page=100 */
  path: string;
  status: number;
}

export interface Injected {
  method?: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** How many matching requests get this answer before it stops (default 1). */
  times: number;
}

/** An account a token writes as (REST `user`, GraphQL `viewer`). */
export interface FakeAccount {
  login: string;
  id: number;
  type: "Bot" | "User";
}

/** What the job's GITHUB_TOKEN writes as on github.com. */
export const ACTIONS_BOT_ACCOUNT: FakeAccount = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

export class FakeState {
  readonly runs = new Map<string, FakeRun>();
  readonly artifacts: FakeArtifact[] = [];
  readonly comments: FakeComment[] = [];
  readonly pulls = new Map<number, FakePull>();
  /** `${base}...${head}` -> merge-base sha, for GET /compare. */
  readonly mergeBases = new Map<string, string>();
  /** `${commit}:${path}` -> file text, for GET /contents/{path}?ref={commit}. */
  readonly contents = new Map<string, string>();
  readonly objects = new Map<string, GitObject>();
  readonly refs = new Map<string, string>();
  readonly requests: LoggedRequest[] = [];
  readonly injected: Injected[] = [];
  /** Token -> what it may do. "read" is what a fork's pull_request run gets. */
  readonly tokens = new Map<string, "read" | "write">();
  /** Token -> the account it writes as; a token not listed is the job's GITHUB_TOKEN (github-actions[bot]). */
  readonly accounts = new Map<string, FakeAccount>();
  /** Blocks uploaded per artifact id (Put Block), committed by Put Block List. */
  readonly blocks = new Map<number, Map<string, Buffer>>();
  /** Most files GET /pulls/{n}/files lists, over all pages (GitHub: 3000); a test may raise it. */
  pullFilesCap = 3000;
  private nextId = 1000;
  /** Gates a list request until `count` of them are waiting: makes a race deterministic. */
  barrier: { path: RegExp; count: number; waiting: Array<() => void> } | null = null;

  id(): number {
    return this.nextId++;
  }

  addRun(run: Omit<FakeRun, "backendId" | "jobBackendId">): FakeRun {
    const full: FakeRun = {
      ...run,
      backendId: `run-backend-${run.id}`,
      jobBackendId: `job-backend-${run.id}`,
    };
    this.runs.set(full.backendId, full);
    return full;
  }

  runById(id: number): FakeRun | undefined {
    return [...this.runs.values()].find((r) => r.id === id);
  }

  accountOf(token: string): FakeAccount {
    return this.accounts.get(token) ?? ACTIONS_BOT_ACCOUNT;
  }

  /** The account id of `login`: the bot's, or one of the accounts tokens write as, else 1. */
  accountId(login: string): number {
    if (login === ACTIONS_BOT_ACCOUNT.login) return ACTIONS_BOT_ACCOUNT.id;
    return [...this.accounts.values()].find((a) => a.login === login)?.id ?? 1;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id);
  }
}
