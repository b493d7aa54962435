// `npm run bench`: every benchmark, each reported against a baseline measured in the same process.
import { runHubBench } from './hub';
import { runDashboardBenches } from './dashboard';
import { runFilesBench } from './files';
import { runCompletionsBench } from './completions';
import { runWidgetsBench } from './widgets';

async function main(): Promise<void> {
  console.log('## hubs and kernels');
  await runHubBench();
  console.log('\n## dashboard (1,000 and 5,000 workers)');
  const dashboard = await runDashboardBenches();
  for (const r of dashboard) console.log(`dashboard targets at ${r.workers} workers: ${JSON.stringify(r.targets)}`);
  console.log('\n## server files');
  await runFilesBench();
  console.log('\n## kernel completions');
  await runCompletionsBench();
  console.log('\n## ipywidgets');
  await runWidgetsBench();
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
