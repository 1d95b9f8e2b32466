import { formatDuration, parseDuration } from '../../src/core/protocol/duration';

describe('xs:duration', () => {
  it('formats like Windows: seconds with three decimals', () => {
    expect(formatDuration(60000)).toBe('PT60.000S');
    expect(formatDuration(1500)).toBe('PT1.500S');
  });

  it.each([
    ['PT60S', 60000],
    ['PT60.000S', 60000],
    ['PT0.5S', 500],
    ['PT1M30S', 90000],
    ['PT2H', 7200000],
    ['P1D', 86400000],
    ['P1DT1S', 86401000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['PT-1S', '-PT1S', 'P', 'PT', '60', 'PT1.S', 'T1S', ''])('refuses %s', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
