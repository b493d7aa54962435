// `npm run bench`: every benchmark, each reported against a baseline measured in the same process.
import { runHubBench } from './hub';
import { runDashboardBench } from './dashboard';
import { runFilesBench } from './files';

async function main(): Promise<void> {
  console.log('## hubs and kernels');
  await runHubBench();
  console.log('\n## dashboard');
  const dashboard = await runDashboardBench();
  console.log(`dashboard targets: ${JSON.stringify(dashboard.targets)}`);
  console.log('\n## server files');
  await runFilesBench();
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
