module.exports = { ...require('../../jest.preset.js'), displayName: 'jobctl', rootDir: 'src' };
