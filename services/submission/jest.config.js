module.exports = { ...require('../../jest.preset.js'), displayName: 'submission-service', rootDir: 'src' };
