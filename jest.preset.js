// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata for NestJS),
// and workspace libs resolve to their sources so tests never need a prior build.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@jobledger/(domain|events|kafka|platform|testing)$': `${libs}/$1/src/index.ts`,
  },
};
