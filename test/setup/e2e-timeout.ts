/**
 * Browser suites wait for real pages drawn in software beside other suites: a test of theirs without a time of its
 * own gets ten minutes instead of the minute the rest get. Waiting is all it buys; no test claims how fast a screen is
 * (figures are `npm run bench`'s business).
 */
if (/[\\/]test[\\/]e2e[\\/]/.test(expect.getState().testPath ?? '')) jest.setTimeout(600_000);
