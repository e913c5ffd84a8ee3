/**
 * The providers' notes in the presets are written for both the command line
 * and the app; on a page they say where to do it in the app instead of which
 * command to type. Data stays one text (main/core/presets/*.json); only the
 * command-line phrases are rewritten here.
 */
const RULES: [RegExp, string][] = [
  [/with `action set`/g, 'in Settings → Rate card'],
  [/with --hourly-limit/g, 'with an hourly limit'],
  [/with --amount \S+=N/g, 'when you add the account in Settings'],
  [/record with --byo-key/g, 'record it with “Ran on my own API key” ticked'],
  [/with `account set --low-balance`/g, 'in Settings → Limits and alerts'],
  // Whatever is left in code quotes reads as a plain word.
  [/`([^`]+)`/g, '“$1”'],
];

export function appWords(text: string): string {
  return RULES.reduce((t, [re, words]) => t.replace(re, words), text);
}
