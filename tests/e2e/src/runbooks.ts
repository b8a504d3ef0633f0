/**
 * A node runbook that counts with a checkpoint per step (every 50 ms). Run again from a
 * checkpoint it says so, then finishes `stepsAfterResume` steps later (default 3).
 * Parameters: `until` (steps when not resumed), `stepsAfterResume`, `reportDone`.
 */
export const COUNTER = `export default async (params, ctx) => {
  let i = ctx.resumeState?.i ?? 0;
  if (ctx.resumeState) ctx.output('resumed at ' + i + ' on attempt ' + ctx.job.attempt);
  const until = ctx.resumeState ? i + (params.stepsAfterResume ?? 3) : params.until;
  while (i < until) {
    i++;
    await ctx.checkpoint({ i });
    await new Promise((r) => setTimeout(r, 50));
  }
  if (params.reportDone) ctx.output('done at ' + i);
  return i;
};`;
