// The product's request and error lines would bury the test report; a test that reads them passes its
// own logger (and level), and LOG_LEVEL=info brings them back for a run being debugged.
process.env.LOG_LEVEL ??= 'silent';
