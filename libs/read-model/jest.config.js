module.exports = { ...require('../../jest.preset.js'), displayName: 'read-model', rootDir: 'src' };
