module.exports = { ...require('../../jest.preset.js'), displayName: 'execution-service', rootDir: 'src' };
