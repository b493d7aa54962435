// The CLI's table of contents: one command group per area of the extension.
import type { CommandGroup } from './command';
import { hubCommands } from './hubCommands';
import { kernelCommands } from './kernelCommands';

export const commandGroups: CommandGroup[] = [
  hubCommands,
  kernelCommands,
];
