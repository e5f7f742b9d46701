// Every seeded person costs one password hash: at production's cost (about half a second each) the suite
// would spend minutes hashing. One test checks the production cost itself (tests/unit/passwordHashing.test.ts).
process.env.PASSWORD_SCRYPT_N ??= '16384';
