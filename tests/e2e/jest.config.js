module.exports = { ...require('../../jest.preset.js'), displayName: 'e2e', rootDir: 'src', testTimeout: 60_000 };
