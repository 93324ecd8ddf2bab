#!/bin/bash
# A sweep of the paper protocol over α as a Slurm job array: 20 tasks, one slice each.
#   sbatch slurm-array.sh
#   sbatch --dependency=afterok:<array job id> --wrap 'npm run sweep -- --merge results/shard-*.json --json all.json --csv all.csv'
# Run from a clone of the repository on a shared file system, after `npm ci` once.
#SBATCH --job-name=subliminal-sweep
#SBATCH --array=1-20
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --output=results/shard-%a.log
set -euo pipefail
mkdir -p results
npm run sweep -- --vary initShare=0,0.5,0.75,0.9,0.95,0.99,1 --init partial --seeds 100 \
  --shard "${SLURM_ARRAY_TASK_ID}/20" --json "results/shard-${SLURM_ARRAY_TASK_ID}.json"
