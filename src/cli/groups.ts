// The CLI's table of contents: one command group per area of the extension.
import type { CommandGroup } from './command';
import { hubCommands } from './hubCommands';
import { kernelCommands } from './kernelCommands';
import { presetCommands } from './presetCommands';
import { awsCommands } from './awsCommands';
import { costCommands } from './costCommands';
import { daskCommands } from './daskCommands';
import { filesCommands } from './filesCommands';
import { mcpCommands } from './mcpCommands';

export const commandGroups: CommandGroup[] = [
  hubCommands,
  kernelCommands,
  presetCommands,
  awsCommands,
  costCommands,
  daskCommands,
  filesCommands,
  mcpCommands,
];
