// All benchmarks: `npm run bench`. Each file also runs on its own, e.g. `bun bench/page.ts`.
import { coldStart, printColdStart } from "./cold-start.ts";
import { pageBench, printPageBench } from "./page.ts";

printColdStart(await coldStart());
printPageBench(await pageBench());
