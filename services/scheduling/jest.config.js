module.exports = { ...require('../../jest.preset.js'), displayName: 'scheduling-service', rootDir: 'src' };
