#!/usr/bin/env bash
# Writes the standard project files (project.json, tsconfig*, jest.config.js) for a lib or service.
# usage: tools/local/new-project.sh DIR NAME TAGS(comma-separated) [entry]
set -euo pipefail
dir=$1 name=$2 tags=$3
up=$(realpath --relative-to="$dir" .)
tagjson=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "tags": [$tagjson],
  "targets": {
    "build": { "command": "tsc -p tsconfig.build.json", "options": { "cwd": "{projectRoot}" } },
    "lint": { "command": "tsc --noEmit -p tsconfig.json && eslint --max-warnings 0 src", "options": { "cwd": "{projectRoot}" } },
    "test": { "command": "jest --passWithNoTests --testRegex '\\\\.spec\\\\.ts\$'", "options": { "cwd": "{projectRoot}" } },
    "int-test": { "command": "jest --runInBand --passWithNoTests --testRegex '\\\\.int-spec\\\\.ts\$'", "options": { "cwd": "{projectRoot}" } }
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "$up/tsconfig.base.json",
  "include": ["src/**/*.ts"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "dist", "rootDir": "src", "tsBuildInfoFile": "dist/.tsbuildinfo", "incremental": true },
  "exclude": ["src/**/*.spec.ts", "src/**/*.int-spec.ts", "src/**/*.e2e-spec.ts", "src/**/testing/**"]
}
JSON
cat > "$dir/jest.config.js" <<JS
module.exports = { ...require('$up/jest.preset.js'), displayName: '$name', rootDir: 'src' };
JS
