import { RecentEntries } from './job-spec.store';

describe('RecentEntries', () => {
  it('keeps entries while their sizes fit, dropping the oldest first', () => {
    const recent = new RecentEntries<string>(10);
    recent.set('a', 'A', 4);
    recent.set('b', 'B', 4);
    expect([recent.get('a'), recent.get('b')]).toEqual(['A', 'B']);
    recent.set('c', 'C', 4);
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([undefined, 'B', 'C']);
  });

  it('counts a replaced or deleted entry out, and never keeps one larger than the whole', () => {
    const recent = new RecentEntries<string>(10);
    recent.set('a', 'A', 6);
    recent.set('a', 'A2', 3);
    recent.set('b', 'B', 7);
    expect([recent.get('a'), recent.get('b')]).toEqual(['A2', 'B']);
    recent.delete('a');
    recent.set('c', 'C', 3);
    expect([recent.get('b'), recent.get('c')]).toEqual(['B', 'C']);
    recent.set('huge', 'H', 11);
    expect([recent.get('huge'), recent.get('b'), recent.get('c')]).toEqual([undefined, 'B', 'C']);
  });
});
