/**
 * Where the packaged rules file is. Resolved relative to this module so it also works from the
 * deployable bundle: the build must copy default-rules.yaml next to the bundled module.
 */
export const DEFAULT_RULES_URL = new URL('./default-rules.yaml', import.meta.url);
