// Assignment by GrowthBook's own JavaScript SDK, for tests/test_assignment.py to compare with
// the service: reads {"seed", "weights", "coverage", "visitors": [...]} on stdin and writes, for
// each visitor, the variant index the SDK chooses, or null when outside the coverage.
import { GrowthBook } from "@growthbook/growthbook";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { seed, weights, coverage, visitors } = JSON.parse(input);
const experiment = {
  key: "parity",
  variations: weights.map((_, index) => index),
  weights,
  coverage,
  hashVersion: 2,
  seed,
};
const variants = visitors.map((id) => {
  const result = new GrowthBook({ attributes: { id } }).run(experiment);
  return result.inExperiment ? result.variationId : null;
});
process.stdout.write(JSON.stringify(variants));
