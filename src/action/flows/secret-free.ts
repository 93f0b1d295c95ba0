/**
 * The environment the profiled service must not inherit: the action's inputs
 * (the GitHub token among them) and the runner's own tokens for the artifact,
 * cache and OIDC services.
 */
export const SECRET_ENV =
  /^(INPUT_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_RESULTS_URL$|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$)/;

/** Runs `fn` (which starts the user's service) with the secrets taken out of the environment it inherits. */
export async function withoutSecrets<T>(fn: () => Promise<T>): Promise<T> {
  const saved = Object.entries(process.env).filter(([k]) => SECRET_ENV.test(k));
  for (const [k] of saved) delete process.env[k];
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}
