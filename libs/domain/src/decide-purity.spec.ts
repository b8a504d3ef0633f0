import type { JobCommand } from './job-command';
import { JOB_COMMAND_TYPES } from './job-command';
import { decide } from './job-decide';
import { foldJobEvents } from './job-evolve';
import { initialState, type JobState } from './job-state';
import { JOB_STATUSES } from './job-status';
import { HISTORIES, sampleCommand } from './testing/job-fixtures';

const outcome = (command: JobCommand, state: JobState) => {
  try {
    return { events: decide(command, state) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

const everyPair = () =>
  [initialState(), ...JOB_STATUSES.map((s) => foldJobEvents(HISTORIES[s]))].flatMap((state) =>
    JOB_COMMAND_TYPES.map((type) => ({ state, command: sampleCommand(type) })),
  );

describe('decide is pure', () => {
  it('gives the same outcome for the same command and state, every time', () => {
    for (const { state, command } of everyPair()) {
      expect(outcome(command, state)).toEqual(outcome(structuredClone(command), structuredClone(state)));
    }
  });

  it('changes neither the command nor the state it is given', () => {
    for (const { state, command } of everyPair()) {
      const [frozenState, frozenCommand] = [deepFreeze(structuredClone(state)), deepFreeze(structuredClone(command))];
      expect(outcome(frozenCommand, frozenState)).toEqual(outcome(command, state));
      expect(frozenState).toEqual(state);
      expect(frozenCommand).toEqual(command);
    }
  });

  describe('without a clock or randomness', () => {
    const RealDate = Date;
    beforeEach(() => {
      jest.spyOn(Math, 'random').mockImplementation(() => {
        throw new Error('Math.random called');
      });
      jest.spyOn(RealDate, 'now').mockImplementation(() => {
        throw new Error('Date.now called');
      });
      jest.spyOn(globalThis.crypto, 'randomUUID').mockImplementation(() => {
        throw new Error('crypto.randomUUID called');
      });
      global.Date = class extends RealDate {
        constructor(...args: [] | [string | number | Date]) {
          if (args.length === 0) throw new Error('new Date() called');
          super(args[0]);
        }
      } as DateConstructor;
    });
    afterEach(() => {
      global.Date = RealDate;
      jest.restoreAllMocks();
    });

    it('never reads the time, a random number or a random id', () => {
      for (const { state, command } of everyPair()) {
        const result = outcome(command, state);
        expect(result.error ?? '').not.toMatch(/called$/);
      }
    });
  });
});
