module.exports = { ...require('../jest.preset.js'), displayName: 'bench', rootDir: 'src' };
